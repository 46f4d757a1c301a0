"""Beheer: accounts (roles, on/off) and the audit log, for beheerders. New accounts and
passwords are made on the command line (``gemeentetolk users add|passwd``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from bot.services import accounts, audit
from bot.services.errors import UserError
from bot.workspace.auth import client_address, current_account, requires

bp = Blueprint("beheer", __name__, url_prefix="/beheer")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


@bp.get("/accounts", endpoint="accounts")
@requires("beheerder")
def accounts_page():
    return render_template("beheer/accounts.html", users=accounts.list_users(_ctx().factory),
                           roles=accounts.ROLES)


@bp.post("/accounts/<username>")
@requires("beheerder")
def account_update(username: str):
    c = _ctx()
    me = current_account()
    old = accounts.get_user(c.factory, username)
    if old is None:
        abort(404)
    try:
        if request.form.get("actie") in ("uitzetten", "aanzetten"):
            active = request.form["actie"] == "aanzetten"
            if not active and old.username == me.username:
                raise UserError("Je kunt je eigen account niet uitzetten.")
            new = accounts.set_active(c.factory, username, active)
            audit.record(c.factory, me.username, "account.aangezet" if active else "account.uitgezet",
                         "account", username, {"active": old.active}, {"active": new.active}, client_address())
            flash(f"Account {username} is {'aangezet' if active else 'uitgezet'}.", "gelukt")
        else:
            roles = request.form.getlist("rollen")
            if old.username == me.username and "beheerder" not in roles:
                raise UserError("Je kunt jezelf de rol beheerder niet afnemen.")
            new = accounts.update_user(c.factory, username, roles=roles,
                                       municipality=(request.form.get("gemeente") or "").strip(),
                                       department=(request.form.get("afdeling") or "").strip())
            audit.record(c.factory, me.username, "account.gewijzigd", "account", username,
                         {"roles": list(old.roles), "municipality": old.municipality, "department": old.department},
                         {"roles": list(new.roles), "municipality": new.municipality, "department": new.department},
                         client_address())
            flash(f"Account {username} is gewijzigd.", "gelukt")
    except UserError as err:
        flash(str(err), "fout")
    return redirect(url_for("beheer.accounts"), code=303)


@bp.get("/logboek")
@requires("beheerder")
def logboek():
    page = max(1, request.args.get("pagina", 1, type=int) or 1)
    rows, total = audit.entries(_ctx().factory, actor=request.args.get("wie") or None,
                                limit=50, offset=(page - 1) * 50)
    return render_template("beheer/logboek.html", rows=rows, total=total, page=page)
