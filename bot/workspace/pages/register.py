"""Register sociale ondernemingen: the social enterprises that joined in the chat (with
consent), by theme, for the medewerkers of their municipality; CSV export for Excel."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from bot.services import audit, register
from bot.workspace.auth import client_address, current_account, requires

bp = Blueprint("register", __name__, url_prefix="/register")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _rows():
    """This medewerker's municipality, plus entries that name no municipality."""
    c = _ctx()
    account = current_account()
    theme = request.args.get("thema") or None
    theme = theme if theme in register.THEMES else None
    own = register.entries(c.factory, account.municipality or "", theme) if account.municipality else []
    loose = [r for r in register.entries(c.factory, None, theme) if not r.municipality]
    return own, loose, theme


@bp.get("")
@requires("medewerker")
def index():
    c = _ctx()
    own, loose, theme = _rows()
    return render_template("register/index.html", themes=register.by_theme(own), loose=loose,
                           theme=theme, all_themes=register.THEMES, total=len(own),
                           retention_days=c.settings.learning.register_retention_days)


@bp.get("/export.csv")
@requires("medewerker")
def export():
    c = _ctx()
    account = current_account()
    own, loose, _theme = _rows()
    rows = own + loose
    audit.record(c.factory, account.username, "register.export", "register",
                 account.municipality or "-", after={"aantal": len(rows)}, address=client_address())
    return Response(register.export_csv(rows, c.settings.learning.register_retention_days), headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": 'attachment; filename="register-sociale-ondernemingen.csv"'})
