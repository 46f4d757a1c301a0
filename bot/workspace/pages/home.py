"""The start page: what needs attention for the logged-in account."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.workspace.auth import current_account

bp = Blueprint("home", __name__, url_prefix="/start")


@bp.get("")
def index():
    from bot.services import contact_desk, workspace_facts
    from bot.workspace.app import ctx
    from bot.workspace.pages.gemeenten import all_facts

    c = ctx()
    account = current_account()
    summary: dict = {}
    if account.has("redacteur", "beoordelaar"):
        entries = c.store.list()
        summary["voorgesteld"] = [e for e in entries if e.status == "voorgesteld"]
        summary["concept"] = [e for e in entries if e.status == "concept"]
        summary["facts"] = workspace_facts.attention(all_facts())
    if account.has("medewerker"):
        summary["open"] = contact_desk.list_requests(c.factory, account, contact_desk.Filters(status="open"))
    return render_template("home/index.html", summary=summary, today=c.today())
