"""Beheer: accounts and the audit log (beheerders only)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from bot.services import accounts, audit
from bot.workspace.auth import requires

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


@bp.get("/accounts", endpoint="accounts")
@requires("beheerder")
def accounts_page():
    return render_template("beheer/accounts.html", users=accounts.list_users(_ctx().factory),
                           roles=accounts.ROLES)


@bp.get("/logboek")
@requires("beheerder")
def logboek():
    page = max(1, request.args.get("pagina", 1, type=int) or 1)
    rows, total = audit.entries(_ctx().factory, actor=request.args.get("wie") or None,
                                limit=50, offset=(page - 1) * 50)
    return render_template("beheer/logboek.html", rows=rows, total=total, page=page)

