"""Inbox: questions the assistant did not understand well, grouped, for the editors.

An editor links a group to the right answer (its wordings become training examples in
``data/nlu/inbox.yml``), marks it out of scope, or puts it away. Services:
``bot.services.inbox`` and ``bot.services.training``; the new conversations are read in first
(``bot.services.learning.collect``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from bot.services import audit, inbox, learning, training
from bot.workspace.auth import client_address, current_account, requires

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _municipality() -> str | None:
    value = (request.values.get("gemeente") or "").strip().lower()
    return value or None


def _municipalities() -> list[tuple[str, str]]:
    from bot.services.profiles import effective_profiles

    try:
        profiles = effective_profiles(_ctx().settings)
    except Exception:  # noqa: BLE001 - the filter is a nicety
        return []
    return sorted(((slug, p.display_name) for slug, p in profiles.items()), key=lambda x: x[1])


def _collect() -> None:
    c = _ctx()
    try:
        learning.collect(c.settings, c.factory)
    except Exception:  # noqa: BLE001 - show what we have; the log has the details
        from flask import current_app

        current_app.logger.exception("Reading the conversations for the inbox failed")
        flash("De nieuwste gesprekken konden niet gelezen worden. Je ziet wat er al was.", "waarschuwing")


@bp.get("")
@requires(*EDITORS)
def index():
    _collect()
    c = _ctx()
    municipality = _municipality()
    return render_template("inbox/index.html", groups=inbox.groups(c.factory, municipality),
                           reasons=inbox.REASONS, municipality=municipality,
                           municipalities=_municipalities(),
                           label=lambda intent: training.label(intent, c.settings.root))


@bp.get("/<int:group_id>")
@requires(*EDITORS)
def show(group_id: int):
    c = _ctx()
    group = inbox.group(c.factory, group_id)
    if group is None:
        flash("Deze vraag is al afgehandeld of bestaat niet meer.", "info")
        return redirect(url_for("inbox.index"), code=303)
    return _render_group(group, {})


def _render_group(group, errors: dict, status: int = 200):
    c = _ctx()
    return render_template("inbox/show.html", group=group, errors=errors,
                           choices=training.choices(c.settings.root), reasons=inbox.REASONS,
                           chosen=request.form.get("antwoord") or group.guess or "",
                           label=lambda intent: training.label(intent, c.settings.root)), status


@bp.post("/<int:group_id>/besluit")
@requires("redacteur")
def decide(group_id: int):
    c = _ctx()
    account = current_account()
    group = inbox.group(c.factory, group_id)
    if group is None:
        flash("Deze vraag is al afgehandeld of bestaat niet meer.", "info")
        return redirect(url_for("inbox.index"), code=303)
    action = request.form.get("actie") or ""
    intent = (request.form.get("antwoord") or "").strip() or None
    if action not in ("assign", "out_of_scope", "dismiss"):
        abort(400)
    if action == "assign" and not (intent and training.valid_intent(intent) and intent != training.OUT_OF_SCOPE):
        return _render_group(group, {"antwoord": "Kies het antwoord dat bij deze vraag hoort."}, 400)
    try:
        decision = inbox.decide(c.factory, c.settings.root, group.ids, action, account.username, intent)
    except LookupError:
        flash("Deze vraag is al afgehandeld.", "info")
        return redirect(url_for("inbox.index"), code=303)
    audit.record(c.factory, account.username, f"inbox.{decision.status}", "inbox", str(group.id),
                 before={"vraag": group.text, "aantal": group.count},
                 after={"antwoord": intent if action == "assign" else action,
                        "voorbeelden": decision.added, "overgeslagen": [t for t, _ in decision.skipped]},
                 address=client_address())
    done = {"assigned": f"Gekoppeld aan: {training.label(intent, c.settings.root)}.",
            "out_of_scope": "Gemarkeerd als 'hoort hier niet'.",
            "dismissed": "Weggelegd. Er is niets aan de training veranderd."}[decision.status]
    if decision.added:
        done += (f" {len(decision.added)} nieuw(e) trainingsvoorbeeld(en). Ze werken na de "
                 "volgende keer Publiceren.")
    flash(done, "gelukt")
    for text, reason in decision.skipped:
        flash(f"Niet toegevoegd: \"{text}\". {reason}", "waarschuwing")
    return redirect(url_for("inbox.index"), code=303)


@bp.get("/voorbeelden")
@requires(*EDITORS)
def examples():
    c = _ctx()
    return render_template("inbox/examples.html", examples=training.examples(c.factory),
                           handled=inbox.handled(c.factory), statuses=inbox.STATUSES,
                           label=lambda intent: training.label(intent, c.settings.root))


@bp.post("/voorbeelden/<int:example_id>/verwijderen")
@requires("redacteur")
def remove_example(example_id: int):
    c = _ctx()
    account = current_account()
    row = training.remove(c.factory, c.settings.root, example_id)
    if row is None:
        abort(404)
    audit.record(c.factory, account.username, "inbox.voorbeeld_verwijderd", "trainingsvoorbeeld",
                 str(example_id), before={"antwoord": row.intent, "voorbeeld": row.text},
                 address=client_address())
    flash(f"Voorbeeld \"{row.text}\" is verwijderd. Dit werkt na de volgende keer Publiceren.", "gelukt")
    return redirect(url_for("inbox.examples"), code=303)
