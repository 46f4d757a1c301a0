"""Publiceren: new NLU data from the approved glossary, training in the background, the
running assistant switched to the new model; and writing the files for versioning."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for

from bot.services import audit, glossary_files, publish
from bot.services.errors import UserError
from bot.workspace.auth import client_address, current_account, requires
from glossary.model import GlossaryError

bp = Blueprint("publiceren", __name__, url_prefix="/publiceren")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _last_published(c) -> datetime | None:
    """When the last successful publication started (None before the first one)."""
    return next((j.created_at for j in publish.jobs(c.factory, 50) if j.status == "klaar"), None)


def _waiting(c, since: datetime | None) -> list:
    """Approved entries changed since the last successful publication."""
    if since is None:
        return []
    return [e for e in c.store.active() if e.reviewed_at and e.reviewed_at > since]


def _linked_waiting(c, since: datetime | None) -> list:
    """Questions linked in the inbox since the last successful publication started, or, before
    the first one, since the newest model was made (`make train`). The same second counts as
    waiting: better once too often than an editor who thinks a question is learned."""
    from bot.services import training

    rows = training.examples(c.factory)
    if since is None:
        newest = c.publisher.newest_model() if c.publisher is not None else None
        if newest is None:
            return rows
        since = datetime.fromtimestamp(int(newest.stat().st_mtime), tz=timezone.utc).replace(tzinfo=None)
    return [r for r in rows if r.added_at >= since]


@bp.get("")
@requires(*EDITORS)
def index():
    c = _ctx()
    since = _last_published(c)
    return render_template("publiceren/index.html", jobs=publish.jobs(c.factory),
                           waiting=_waiting(c, since), linked=_linked_waiting(c, since),
                           enabled=c.publisher is not None,
                           can_switch=bool(c.publisher and c.publisher.token))


@bp.post("/start")
@requires(*EDITORS)
def start():
    c = _ctx()
    if c.publisher is None:
        flash("Publiceren staat uit in deze omgeving.", "fout")
        return redirect(url_for("publiceren.index"), code=303)
    account = current_account()
    try:
        job = c.publisher.start(c.factory, c.store, account.username)
    except UserError as err:
        flash(str(err), "fout")
        return redirect(url_for("publiceren.index"), code=303)
    audit.record(c.factory, account.username, "publiceren.gestart", "publicatie", str(job.id),
                 address=client_address())
    return redirect(url_for("publiceren.job", job_id=job.id), code=303)


@bp.get("/<int:job_id>")
@requires(*EDITORS)
def job(job_id: int):
    item = publish.get_job(_ctx().factory, job_id)
    if item is None:
        abort(404)
    follow = request.args.get("vernieuwen") == "1" and item.running
    return render_template("publiceren/job.html", job=item, steps=publish.STEPS, follow=follow)


@bp.get("/<int:job_id>.json")
@requires(*EDITORS)
def job_json(job_id: int):
    item = publish.get_job(_ctx().factory, job_id)
    if item is None:
        abort(404)
    return jsonify(id=item.id, status=item.status, step=item.step, step_label=item.step_label,
                   elapsed_seconds=item.elapsed(), message=item.message, model_file=item.model_file)


@bp.post("/bestanden")
@requires(*EDITORS)
def files():
    """Write glossary/terms/*.yml and the edited profiles (data/municipalities) for git."""
    from bot.services import profiles

    c = _ctx()
    account = current_account()
    terms_dir = c.settings.root / "glossary" / "terms"
    try:
        written = glossary_files.write_terms(c.store, terms_dir)
    except (GlossaryError, OSError) as err:
        flash(f"De bestanden zijn niet geschreven: {err}", "fout")
        return redirect(url_for("publiceren.index"), code=303)
    exported = [profiles.export_document(c.factory, slug, c.settings.municipalities_dir).name
                for slug, doc in profiles.documents(c.factory).items() if doc.edited_in_workspace]
    audit.record(c.factory, account.username, "begrippen.bestanden", "bestanden", "glossary/terms",
                 after={"begrippen": [p.name for p in written], "gemeenten": exported},
                 address=client_address())
    flash(f"Geschreven: {len(written)} bestanden in glossary/terms"
          + (f" en {', '.join(exported)} in data/municipalities" if exported else "")
          + ". Zet ze in git (commit) om ze te bewaren.", "gelukt")
    return redirect(url_for("publiceren.index"), code=303)
