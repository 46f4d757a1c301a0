"""Contactverzoeken: requests from entrepreneurs, for the medewerker of the department."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.workspace.auth import requires

bp = Blueprint("contactverzoeken", __name__, url_prefix="/contactverzoeken")


@bp.get("")
@requires("medewerker")
def index():
    return render_template("contactverzoeken/index.html")
