"""Publiceren: new NLU data from the approved glossary, training, switching the model."""

from __future__ import annotations

from flask import Blueprint, render_template

from bot.workspace.auth import requires

bp = Blueprint("publiceren", __name__, url_prefix="/publiceren")


@bp.get("")
@requires("redacteur", "beoordelaar")
def index():
    return render_template("publiceren/index.html")
