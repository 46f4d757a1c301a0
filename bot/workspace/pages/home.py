"""The start page: what needs attention for the logged-in account."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.workspace.auth import current_account

bp = Blueprint("home", __name__, url_prefix="/start")


@bp.get("")
def index():
    from bot.workspace.app import ctx

    c = ctx()
    account = current_account()
    summary: dict = {}
    if account.has("redacteur", "beoordelaar"):
        entries = c.store.list()
        summary["voorgesteld"] = [e for e in entries if e.status == "voorgesteld"]
        summary["concept"] = [e for e in entries if e.status == "concept"]
    return render_template("home/index.html", summary=summary)
