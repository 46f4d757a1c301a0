"""Antwoorden en feiten: the municipality's local answers, details and dated facts."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.workspace.auth import requires

bp = Blueprint("gemeenten", __name__, url_prefix="/gemeenten")


@bp.get("")
@requires("redacteur", "beoordelaar")
def index():
    return render_template("gemeenten/index.html")
