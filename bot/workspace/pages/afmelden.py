"""Afmelden: the public page behind the link in the register's confirmation.

No login (the link's unguessable token is the proof), safe against CSRF: opening the link
changes nothing; only the confirm button (a POST with the form's CSRF token) deletes the
entry. The token is never logged or shown.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.services import register
from bot.workspace import auth

bp = Blueprint("afmelden", __name__, url_prefix="/afmelden")
PUBLIC = {"afmelden.confirm", "afmelden.withdraw"}


@bp.record_once
def _public(state) -> None:
    auth.PUBLIC_ENDPOINTS.update(PUBLIC)


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


@bp.get("/<token>")
def confirm(token: str):
    entry = register.find_by_token(_ctx().factory, token)
    if entry is None:
        return render_template("afmelden/page.html", state="onbekend"), 404
    return render_template("afmelden/page.html", state="vragen", name=entry.name, token=token)


@bp.post("/<token>")
def withdraw(token: str):
    if not register.withdraw_by_token(_ctx().factory, token):
        return render_template("afmelden/page.html", state="onbekend"), 404
    return render_template("afmelden/page.html", state="klaar")
