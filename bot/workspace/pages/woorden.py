"""Ontbrekende woorden (the gap inbox): words users asked about that the glossary did not know,
with counts and example sentences; one click starts a new entry (concept) or adds the word
as an altLabel of an existing entry (through the glossary store, as the signed-in account)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from bot.services import audit, gaps
from bot.workspace.auth import client_address, current_account, requires
from glossary.model import GlossaryError

bp = Blueprint("woorden", __name__, url_prefix="/woorden")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _matcher():
    from glossary.runtime import get_matcher

    try:
        return get_matcher(_ctx().settings.db_url)
    except Exception:  # noqa: BLE001 - suggestions are a nicety
        return None


@bp.get("")
@requires(*EDITORS)
def index():
    c = _ctx()
    show_all = request.args.get("alles") == "1"
    items = gaps.gap_list(c.store, c.factory, _matcher(), include_handled=show_all)
    entries = sorted(c.store.list(), key=lambda e: e.pref_label.lower())
    return render_template("woorden/index.html", gaps=items, entries=entries, show_all=show_all)


def _word() -> str:
    word = (request.form.get("woord") or "").strip()
    if not word:
        abort(400)
    return word


@bp.post("/concept")
@requires("redacteur")
def concept():
    c = _ctx()
    account = current_account()
    word = _word()
    try:
        entry = gaps.start_concept(c.store, c.factory, word, account.username)
    except GlossaryError as err:
        flash(str(err), "fout")
        return redirect(url_for("woorden.index"), code=303)
    audit.record(c.factory, account.username, "begrip.aangemaakt", "begrip", entry.id,
                 after=entry.to_dict(meta=False) | {"uit": "ontbrekende woorden"}, address=client_address())
    flash(f"Nieuw begrip '{entry.pref_label}' gemaakt als concept. Vul nu de uitleg en de bron in.", "gelukt")
    return redirect(url_for("begrippen.edit", entry_id=entry.id), code=303)


@bp.post("/andere-term")
@requires("redacteur")
def alt_label():
    c = _ctx()
    account = current_account()
    word = _word()
    entry_id = (request.form.get("begrip") or "").strip()
    if not entry_id:
        flash("Kies het begrip waar dit woord bij hoort.", "fout")
        return redirect(url_for("woorden.index"), code=303)
    try:
        before = c.store.get(entry_id)
        entry, review = gaps.add_alt_label(c.store, c.factory, word, entry_id, account.username)
    except GlossaryError as err:
        flash(str(err), "fout")
        return redirect(url_for("woorden.index"), code=303)
    audit.record(c.factory, account.username, "begrip.bewerkt", "begrip", entry.id,
                 before={"alt_labels": before.alt_labels, "status": before.status},
                 after={"alt_labels": entry.alt_labels, "status": entry.status}, address=client_address())
    text = f"'{word}' is nu een andere term van '{entry.pref_label}'."
    if review:
        text += (" Het begrip is nu 'voorgesteld': een collega stelt het opnieuw vast. Tot dan "
                 "gebruikt de assistent het niet.")
    flash(text, "gelukt")
    return redirect(url_for("woorden.index"), code=303)


@bp.post("/negeren")
@requires("redacteur")
def ignore():
    c = _ctx()
    account = current_account()
    word = _word()
    try:
        gaps.ignore(c.store, c.factory, word, account.username)
    except GlossaryError as err:
        flash(str(err), "fout")
        return redirect(url_for("woorden.index"), code=303)
    audit.record(c.factory, account.username, "woord.genegeerd", "ontbrekend woord", word[:200],
                 address=client_address())
    flash(f"'{word}' staat niet meer in de lijst.", "gelukt")
    return redirect(url_for("woorden.index"), code=303)
