"""Begrippen: the glossary editor (search, filter, create, edit, preview, history, status,
Excel import with a dry-run report, exports)."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from bot.services import audit, glossary_edit, glossary_files
from bot.workspace.auth import client_address, current_account, requires
from glossary.model import ACTIVE, STATUSES, TOPICS, GlossaryError

bp = Blueprint("begrippen", __name__, url_prefix="/begrippen")
EDITORS = ("redacteur", "beoordelaar")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _entry_or_404(entry_id: str):
    entry = _ctx().store.find(entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.get("")
@requires(*EDITORS)
def index():
    c = _ctx()
    q = (request.args.get("zoek") or "").strip()[:200]
    status = request.args.get("status") or ""
    topic = request.args.get("onderwerp") or ""
    entries = c.store.search(q) if q else c.store.list()
    if status in STATUSES:
        entries = [e for e in entries if e.status == status]
    if topic in TOPICS:
        entries = [e for e in entries if e.topic == topic]
    return render_template("begrippen/index.html", entries=entries, q=q, status=status,
                           topic=topic, statuses=STATUSES, topics=TOPICS)


def _render_form(entry, values, errors, warnings, new: bool, status_code: int = 200, preview=None):
    return render_template(
        "begrippen/form.html", entry=entry, values=values, errors=errors, warnings=warnings,
        new=new, fields=glossary_edit.form_fields(), labels=glossary_edit.labels(), topics=TOPICS,
        preview=preview, fact_keys=glossary_edit.FACT_KEYS), status_code


@bp.route("/nieuw", methods=["GET", "POST"])
@requires("redacteur")
def new():
    c = _ctx()
    if request.method == "GET":
        return _render_form(None, glossary_edit.form_values(None), {}, {}, True)[0]
    entry, errors = glossary_edit.entry_from_form(request.form, None)
    result = glossary_edit.check(entry, c.store.list())
    errors = {**result.errors, **errors}
    if not errors and c.store.find(entry.id):
        errors["id"] = f"Er is al een begrip met id '{entry.id}'. Kies een ander id."
    values = glossary_edit.form_values(entry)
    values["id"] = entry.id
    if request.form.get("actie") == "voorbeeld" or errors:
        preview = glossary_edit.preview(entry) if request.form.get("actie") == "voorbeeld" else None
        return _render_form(None, values, errors, result.warnings, True,
                            400 if errors and not preview else 200, preview)
    account = current_account()
    entry.status = "voorgesteld" if request.form.get("voorstellen") else "concept"
    try:
        saved = c.store.add(entry, by=account.username)
    except GlossaryError as err:
        return _render_form(None, values, {"form": str(err)}, result.warnings, True, 400)
    audit.record(c.factory, account.username, "begrip.aangemaakt", "begrip", saved.id,
                 after=saved.to_dict(meta=False), address=client_address())
    flash(f"Begrip '{saved.pref_label}' is opgeslagen als {saved.status}.", "gelukt")
    return redirect(url_for("begrippen.show", entry_id=saved.id), code=303)


@bp.get("/<entry_id>")
@requires(*EDITORS)
def show(entry_id: str):
    c = _ctx()
    entry = _entry_or_404(entry_id)
    account = current_account()
    result = glossary_edit.check(entry, c.store.list())
    return render_template(
        "begrippen/show.html", entry=entry, labels=glossary_edit.labels(), result=result,
        preview=glossary_edit.preview(entry), fields=glossary_edit.form_fields(),
        statuses=glossary_edit.allowed_statuses(entry, account.roles, account.username, c.store),
        last_editor=glossary_edit.last_content_editor(c.store, entry.id))


@bp.route("/<entry_id>/bewerken", methods=["GET", "POST"])
@requires("redacteur")
def edit(entry_id: str):
    c = _ctx()
    entry = _entry_or_404(entry_id)
    if request.method == "GET":
        return _render_form(entry, glossary_edit.form_values(entry), {}, {}, False)[0]
    changed, errors = glossary_edit.entry_from_form(request.form, entry)
    result = glossary_edit.check(changed, c.store.list())
    errors = {**result.errors, **errors}
    values = glossary_edit.form_values(changed)
    if request.form.get("actie") == "voorbeeld" or errors:
        preview = glossary_edit.preview(changed) if request.form.get("actie") == "voorbeeld" else None
        return _render_form(entry, values, errors, result.warnings, False,
                            400 if errors and not preview else 200, preview)
    account = current_account()
    fields = [s.attr for s in glossary_edit.form_fields()]
    changes = {k: getattr(changed, k) for k in fields if getattr(changed, k) != getattr(entry, k)}
    if not changes:
        flash("Er was niets veranderd.", "info")
        return redirect(url_for("begrippen.show", entry_id=entry.id), code=303)
    try:
        saved = c.store.update(entry.id, changes, by=account.username)
        if entry.status == ACTIVE:  # a changed approved term needs four eyes again
            c.store.set_status(entry.id, "concept", by=account.username)
            saved = c.store.set_status(entry.id, "voorgesteld", by=account.username)
    except GlossaryError as err:
        return _render_form(entry, values, {"form": str(err)}, result.warnings, False, 400)
    audit.record(c.factory, account.username, "begrip.bewerkt", "begrip", entry.id,
                 before={k: getattr(entry, k) for k in changes} | {"status": entry.status},
                 after=changes | {"status": saved.status}, address=client_address())
    if entry.status == ACTIVE:
        flash("Opgeslagen. Het begrip is nu 'voorgesteld': een collega stelt het opnieuw vast. "
              "Tot dan gebruikt de assistent het niet.", "gelukt")
    else:
        flash("Opgeslagen.", "gelukt")
    return redirect(url_for("begrippen.show", entry_id=entry.id), code=303)


@bp.post("/<entry_id>/status")
@requires(*EDITORS)
def status(entry_id: str):
    c = _ctx()
    entry = _entry_or_404(entry_id)
    account = current_account()
    new_status = request.form.get("status") or ""
    reasons = glossary_edit.allowed_statuses(entry, account.roles, account.username, c.store)
    if reasons.get(new_status):  # forbidden for this account: four eyes or the wrong role
        from bot.workspace.app import error_page

        return error_page(403, reasons[new_status])
    try:
        saved = glossary_edit.set_status(c.store, entry.id, new_status, account.roles, account.username)
    except GlossaryError as err:
        flash(str(err), "fout")
        return redirect(url_for("begrippen.show", entry_id=entry.id), code=303)
    audit.record(c.factory, account.username, "begrip.status", "begrip", entry.id,
                 before={"status": entry.status}, after={"status": saved.status},
                 address=client_address())
    flash(f"De status is nu {saved.status}.", "gelukt")
    return redirect(url_for("begrippen.show", entry_id=entry.id), code=303)


@bp.get("/<entry_id>/geschiedenis")
@requires(*EDITORS)
def history(entry_id: str):
    entry = _entry_or_404(entry_id)
    return render_template("begrippen/history.html", entry=entry,
                           items=glossary_edit.history(_ctx().store, entry.id))


# --- import and export --------------------------------------------------------------------

def _upload_dir() -> Path:
    path = _ctx().settings.var_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.route("/import", methods=["GET", "POST"])
@requires("redacteur")
def import_file():
    if request.method == "GET":
        return render_template("begrippen/import.html", report=None, errors={}, upload="")
    upload = request.files.get("bestand")
    if upload is None or not upload.filename:
        return render_template("begrippen/import.html", report=None, upload="",
                               errors={"bestand": "Kies een bestand (CSV uit Excel, YAML of Turtle)."}), 400
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in (".csv", ".yml", ".yaml", ".ttl"):
        return render_template("begrippen/import.html", report=None, upload="",
                               errors={"bestand": "Dit bestandstype kan niet. Kies een .csv, .yml of .ttl."}), 400
    token = secrets.token_hex(16)
    path = _upload_dir() / f"{token}{suffix}"
    upload.save(path)
    return _dry_run(path, token)


def _dry_run(path: Path, token: str):
    try:
        entries = glossary_files.read_upload(path)
        report = glossary_files.dry_run(_ctx().store, entries)
    except GlossaryError as err:
        path.unlink(missing_ok=True)
        message = str(err).replace(str(path.parent) + "/", "").replace(path.name, "het bestand")
        return render_template("begrippen/import.html", report=None, upload="",
                               errors={"bestand": message}), 400
    return render_template("begrippen/import.html", report=report, errors={}, upload=path.name)


@bp.post("/import/bevestigen")
@requires("redacteur")
def import_confirm():
    c = _ctx()
    name = request.form.get("upload") or ""
    if not name or "/" in name or name.startswith("."):
        abort(400)
    path = _upload_dir() / name
    if not path.exists():
        flash("Het bestand is niet meer beschikbaar. Lees het opnieuw in.", "fout")
        return redirect(url_for("begrippen.import_file"), code=303)
    account = current_account()
    try:
        report = glossary_files.dry_run(c.store, glossary_files.read_upload(path))
        counts = glossary_files.apply(c.store, report, by=account.username)
    except GlossaryError as err:
        flash(str(err), "fout")
        return redirect(url_for("begrippen.import_file"), code=303)
    finally:
        path.unlink(missing_ok=True)
    audit.record(c.factory, account.username, "begrippen.import", "begrippen", name,
                 after=counts, address=client_address())
    flash(f"Ingelezen: {counts['nieuw']} nieuw, {counts['bijgewerkt']} bijgewerkt. Nieuwe en "
          "gewijzigde begrippen wachten op een beoordelaar.", "gelukt")
    return redirect(url_for("begrippen.index"), code=303)


@bp.get("/export.<fmt>")
@requires(*EDITORS)
def export(fmt: str):
    if fmt not in glossary_files.EXPORTS:
        abort(404)
    status = request.args.get("status")
    if status and status not in STATUSES:
        abort(400)
    mime, filename = glossary_files.EXPORTS[fmt]
    data = glossary_files.export_bytes(_ctx().store, fmt, status)
    return Response(data, mimetype=mime.split(";")[0], headers={
        "Content-Type": mime, "Content-Disposition": f'attachment; filename="{filename}"'})

