"""Contactverzoeken: requests from entrepreneurs, for the medewerkers of the department."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from bot.services import audit, contact_desk
from bot.services.errors import UserError
from bot.workspace.auth import client_address, current_account, requires

bp = Blueprint("contactverzoeken", __name__, url_prefix="/contactverzoeken")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _filters() -> tuple[contact_desk.Filters, dict[str, str]]:
    errors: dict[str, str] = {}
    dates: dict[str, date | None] = {}
    for key in ("van", "tot"):
        raw = (request.args.get(key) or "").strip()
        dates[key] = None
        if raw:
            try:
                dates[key] = date.fromisoformat(raw)
            except ValueError:
                errors[key] = f"'{raw}' is geen datum. Schrijf hem als JJJJ-MM-DD."
    status = request.args.get("status") or ""
    return contact_desk.Filters(status=status if status in contact_desk.STATUSES else None,
                                date_from=dates["van"], date_to=dates["tot"]), errors


def _names(account) -> tuple[str, str]:
    from bot.services.profiles import effective_profiles

    try:
        profile = effective_profiles(_ctx().settings).get(account.municipality or "")
    except Exception:  # noqa: BLE001 - the names are a nicety; the keys still show
        profile = None
    if profile is None:
        return account.municipality or "-", account.department or "-"
    dept = profile.department(account.department or "")
    return profile.display_name, dept.name if dept else (account.department or "-")


@bp.get("")
@requires("medewerker")
def index():
    account = current_account()
    filters, errors = _filters()
    rows = contact_desk.list_requests(_ctx().factory, account, filters)
    municipality, department = _names(account)
    return render_template("contactverzoeken/index.html", rows=rows, errors=errors,
                           args=request.args, statuses=contact_desk.STATUSES,
                           municipality=municipality, department=department)


@bp.get("/export.csv")
@requires("medewerker")
def export():
    c = _ctx()
    account = current_account()
    filters, errors = _filters()
    if errors:
        abort(400)
    rows = contact_desk.list_requests(c.factory, account, filters)
    audit.record(c.factory, account.username, "contactverzoek.export", "contactverzoeken",
                 f"{account.municipality}/{account.department}", after={"aantal": len(rows)},
                 address=client_address())
    return Response(contact_desk.export_csv(rows), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="contactverzoeken.csv"'})


def _glossary_terms(labels: list[str]) -> list:
    store = _ctx().store
    found = []
    wanted = {label.lower() for label in labels}
    for entry in store.active():
        if entry.pref_label.lower() in wanted:
            found.append(entry)
    return found


@bp.get("/<reference>")
@requires("medewerker")
def show(reference: str):
    c = _ctx()
    account = current_account()
    item = contact_desk.get_request(c.factory, account, reference)
    if item is None:
        abort(404)
    from bot.services.topics import TOPICS

    topic = TOPICS.get(item.topic or "")
    messages = contact_desk.conversation(c.settings.tracker_db_url, item.conversation_id, item.created_at)
    return render_template("contactverzoeken/show.html", item=item, topic=topic,
                           terms=_glossary_terms(item.official_terms), messages=messages,
                           colleagues=contact_desk.colleagues(c.factory, account), errors={})


@bp.post("/<reference>/toewijzen")
@requires("medewerker")
def assign(reference: str):
    c = _ctx()
    try:
        item = contact_desk.assign(c.factory, current_account(), reference,
                                   (request.form.get("medewerker") or "").strip(), client_address())
    except LookupError:
        abort(404)
    except UserError as err:
        flash(str(err), "fout")
        return redirect(url_for("contactverzoeken.show", reference=reference), code=303)
    flash(f"Toegewezen aan {item.assigned_to}." if item.assigned_to else "Niemand toegewezen.", "gelukt")
    return redirect(url_for("contactverzoeken.show", reference=item.reference), code=303)


@bp.post("/<reference>/afhandelen")
@requires("medewerker")
def close(reference: str):
    c = _ctx()
    account = current_account()
    try:
        item = contact_desk.close(c.factory, account, reference, request.form.get("notitie") or "",
                                  client_address())
    except LookupError:
        abort(404)
    except UserError as err:
        item = contact_desk.get_request(c.factory, account, reference)
        from bot.services.topics import TOPICS

        messages = contact_desk.conversation(c.settings.tracker_db_url, item.conversation_id, item.created_at)
        return render_template(
            "contactverzoeken/show.html", item=item, topic=TOPICS.get(item.topic or ""),
            terms=_glossary_terms(item.official_terms), messages=messages,
            colleagues=contact_desk.colleagues(c.factory, account),
            errors={"notitie": str(err)}), 400
    flash(f"Verzoek {item.reference} is afgehandeld.", "gelukt")
    return redirect(url_for("contactverzoeken.index"), code=303)
