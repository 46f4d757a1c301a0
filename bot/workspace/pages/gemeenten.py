"""Antwoorden en feiten: the municipality's local answers, contact details, opening hours,
departments, schemes and bands, and every dated fact with its period and source.

Saving validates the whole profile with ``parse_profile`` (the same checks as the files)
and stores it in the database, where the assistant reads it (``bot.services.profiles``).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from bot.services import profile_edit, profiles, workspace_facts
from bot.services.municipalities import WEEKDAYS, ProfileError
from bot.workspace.auth import client_address, current_account, requires

bp = Blueprint("gemeenten", __name__, url_prefix="/gemeenten")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _doc_or_404(slug: str):
    doc = profiles.get_document(_ctx().factory, slug)
    if doc is None:
        abort(404)
    return doc


def all_facts():
    c = _ctx()
    return workspace_facts.collect(c.settings.root / "bot" / "domain", c.store.list(),
                                   profiles.documents(c.factory), c.today())


@bp.get("")
@requires(*EDITORS)
def index():
    c = _ctx()
    docs = profiles.documents(c.factory)
    return render_template("gemeenten/index.html", docs=docs, facts=all_facts(), today=c.today())


@bp.get("/<slug>")
@requires(*EDITORS)
def show(slug: str):
    doc = _doc_or_404(slug)
    c = _ctx()
    facts = [f for f in all_facts() if f.kind == "gemeente" and f.owner == slug]
    return render_template("gemeenten/show.html", doc=doc, data=doc.data, sections=profile_edit.SECTIONS,
                           facts=facts, today=c.today())


def _save(doc, result, sec=None, prefix: str = ""):
    """Validate and store; returns (saved, errors)."""
    errors = dict(result.errors)
    if errors:
        return False, errors
    account = current_account()
    try:
        profiles.save_document(_ctx().factory, doc.slug, result.doc, account.username, client_address(),
                               expected_revision=int(request.form.get("revisie") or 0) or None)
    except ProfileError as err:
        return False, profile_edit.field_errors(err, sec, result, prefix)
    except ValueError as err:
        return False, {"form": str(err)}
    return True, {}


@bp.route("/<slug>/algemeen", methods=["GET", "POST"])
@requires("redacteur")
def general(slug: str):
    doc = _doc_or_404(slug)
    data = doc.data
    values = dict(data.get("general_contact") or {})
    hours = profile_edit.hours_of(data.get("general_contact"))
    errors: dict = {}
    if request.method == "POST":
        result = profile_edit.apply_general(data, request.form)
        saved, errors = _save(doc, result, prefix="algemeen-")
        if saved:
            flash("Opgeslagen. De assistent gebruikt de nieuwe gegevens meteen.", "gelukt")
            return redirect(url_for("gemeenten.show", slug=slug), code=303)
        values = {f.name: request.form.get("algemeen-" + f.name, "") for f in profile_edit.CONTACT_FIELDS}
        hours = {d: request.form.get(f"algemeen-uren-{d}", "") for d in WEEKDAYS}
    return render_template("gemeenten/contact.html", doc=doc, data=data, values=values, hours=hours,
                           errors=errors, prefix="algemeen-", title="Algemene contactgegevens",
                           fields=profile_edit.CONTACT_FIELDS, dept_fields=(), weekdays=WEEKDAYS), (400 if errors else 200)


@bp.route("/<slug>/afdelingen/<key>", methods=["GET", "POST"])
@requires("redacteur")
def department(slug: str, key: str):
    doc = _doc_or_404(slug)
    data = doc.data
    place = profile_edit.find_department(data, key)
    if place is None:
        abort(404)
    where, index = place
    dept = data[where] if index is None else data[where][index]
    values = {f.name: profile_edit._show(dept.get(f.name)) for f in profile_edit.DEPARTMENT_FIELDS}
    values.update({f.name: profile_edit._show((dept.get("contact") or {}).get(f.name))
                   for f in profile_edit.CONTACT_FIELDS})
    hours = profile_edit.hours_of(dept.get("contact"))
    errors: dict = {}
    if request.method == "POST":
        result = profile_edit.apply_department(data, key, request.form)
        saved, errors = _save(doc, result, prefix="afdeling-")
        if saved:
            flash("Opgeslagen. De assistent gebruikt de nieuwe gegevens meteen.", "gelukt")
            return redirect(url_for("gemeenten.show", slug=slug), code=303)
        values = {k[len("afdeling-"):]: v for k, v in request.form.items() if k.startswith("afdeling-")}
        hours = {d: request.form.get(f"afdeling-uren-{d}", "") for d in WEEKDAYS}
    return render_template("gemeenten/contact.html", doc=doc, data=data, values=values, hours=hours,
                           errors=errors, prefix="afdeling-", title=f"Afdeling: {dept.get('name', key)}",
                           fields=profile_edit.CONTACT_FIELDS, dept_fields=profile_edit.DEPARTMENT_FIELDS,
                           weekdays=WEEKDAYS), (400 if errors else 200)


@bp.route("/<slug>/<section_slug>", methods=["GET", "POST"])
@requires("redacteur")
def section(slug: str, section_slug: str):
    sec = profile_edit.section(section_slug)
    if sec is None:
        abort(404)
    doc = _doc_or_404(slug)
    data = doc.data
    rows = profile_edit.rows_of(data, sec)
    errors: dict = {}
    if request.method == "POST":
        result = profile_edit.apply_section(data, sec, request.form)
        saved, errors = _save(doc, result, sec)
        if saved:
            flash(f"{sec.title} opgeslagen. De assistent gebruikt ze meteen.", "gelukt")
            return redirect(url_for("gemeenten.show", slug=slug), code=303)
        numbers = sorted({int(k.split("-")[1]) for k in request.form
                          if k.startswith(sec.slug + "-") and k.split("-")[1].isdigit()})
        rows = [{f.name: request.form.get(f"{sec.slug}-{n}-{f.name}", "") for f in sec.fields}
                | {"_n": n, "_weg": request.form.get(f"{sec.slug}-{n}-weg", "")} for n in numbers]
    national = profile_edit.national_texts(_ctx().settings.root / "bot" / "domain") if sec.mapping else {}
    return render_template("gemeenten/section.html", doc=doc, data=data, sec=sec, rows=rows,
                           errors=errors, national=national), (400 if errors else 200)
