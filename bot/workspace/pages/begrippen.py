"""Begrippen: the glossary editor (search, filter, create, edit, preview, history, status)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from bot.workspace.auth import requires
from glossary.model import STATUSES, TOPICS

bp = Blueprint("begrippen", __name__, url_prefix="/begrippen")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


@bp.get("")
@requires(*EDITORS)
def index():
    c = _ctx()
    q = (request.args.get("zoek") or "").strip()
    status = request.args.get("status") or ""
    topic = request.args.get("onderwerp") or ""
    entries = c.store.search(q) if q else c.store.list()
    if status in STATUSES:
        entries = [e for e in entries if e.status == status]
    if topic in TOPICS:
        entries = [e for e in entries if e.topic == topic]
    return render_template("begrippen/index.html", entries=entries, q=q, status=status,
                           topic=topic, statuses=STATUSES, topics=TOPICS)


@bp.get("/<entry_id>")
@requires(*EDITORS)
def show(entry_id: str):
    entry = _ctx().store.find(entry_id)
    if entry is None:
        abort(404)
    return render_template("begrippen/show.html", entry=entry)
