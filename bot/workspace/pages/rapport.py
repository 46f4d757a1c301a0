"""Rapport: what entrepreneurs asked and how the assistant did, per period and municipality,
with charts made on the server (SVG with title and description) and their data tables, a
printable page and the same JSON as ``gemeentetolk report --json``."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, jsonify, render_template, request
from markupsafe import Markup

from bot.services import charts, learning, report, training
from bot.services.topics import TOPICS
from bot.workspace.auth import current_account, requires

bp = Blueprint("rapport", __name__, url_prefix="/rapport")
ROLES = ("redacteur", "beoordelaar", "medewerker", "beheerder")


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def _profiles() -> dict:
    from bot.services.profiles import effective_profiles

    try:
        return effective_profiles(_ctx().settings)
    except Exception:  # noqa: BLE001 - names are a nicety
        return {}


def _filters() -> tuple[date | None, date | None, str | None, dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, date | None] = {}
    for key, name in (("van", "Vanaf datum"), ("tot", "Tot en met datum")):
        try:
            values[key] = report.parse_date(request.args.get(key), name)
        except ValueError as err:
            errors[key] = str(err)
            values[key] = None
    account = current_account()
    municipality = (request.args.get("gemeente") or "").strip().lower() or None
    if "gemeente" not in request.args and account.has("medewerker") and account.municipality:
        municipality = account.municipality
    if values["van"] and values["tot"] and values["tot"] < values["van"]:
        errors["tot"] = "De einddatum ligt voor de begindatum."
    return values["van"], values["tot"], municipality, errors


def _build():
    c = _ctx()
    try:
        learning.collect(c.settings, c.factory)
    except Exception:  # noqa: BLE001 - report on what was read before
        from flask import current_app

        current_app.logger.exception("Reading the conversations for the report failed")
        flash("De nieuwste gesprekken konden niet gelezen worden. Het rapport toont wat er al was.",
              "waarschuwing")
    start, end, municipality, errors = _filters()
    data = report.build(c.factory, start, None if errors.get("tot") else end, municipality)
    return data, errors


def _names(data: report.Report) -> dict:
    root = _ctx().settings.root
    profiles = _profiles()

    def department(key: str) -> str:
        order = [profiles[data.municipality]] if data.municipality in profiles else []
        for profile in order + list(profiles.values()):
            dept = profile.department(key)
            if dept:
                return dept.name
        return key

    def subanswer(key: str) -> str:
        topic, _, sub = key.partition("/")
        return training.label(f"ask_{topic}/{sub}", root)

    return {"topic": lambda k: TOPICS[k].title if k in TOPICS else k, "subanswer": subanswer,
            "department": department}


def _charts(data: report.Report, names: dict) -> dict[str, Markup]:
    weeks = [w.week.split("-")[1] for w in data.weeks]
    out = {
        "weeks": charts.column_chart(
            "grafiek-weken", "Gesprekken en contactverzoeken per week", weeks,
            [("Gesprekken", [w.conversations for w in data.weeks]),
             ("Contactverzoeken", [w.contact_requests for w in data.weeks])]),
        "misses": charts.column_chart(
            "grafiek-missers", "Niet begrepen en doorgevraagd per week", weeks,
            [("Niet begrepen", [w.fallbacks for w in data.weeks]),
             ("Doorgevraagd", [w.clarifications for w in data.weeks])]),
        "topics": charts.bar_chart("grafiek-onderwerpen", "Beantwoorde vragen per onderwerp",
                                   [(names["topic"](k), v) for k, v in data.topics.items()]),
        "subanswers": charts.bar_chart("grafiek-antwoorden", "De 12 meest gegeven antwoorden",
                                       [(names["subanswer"](k), v) for k, v in data.subanswers.items()]),
        "feedback": charts.paired_bar_chart(
            "grafiek-reacties", "Had je hier iets aan? Ja en nee per antwoord",
            [names["subanswer"](k) for k in data.feedback],
            [("Ja", [v["yes"] for v in data.feedback.values()]),
             ("Nee", [v["no"] for v in data.feedback.values()])]),
        "contacts": charts.bar_chart("grafiek-contact", "Contactverzoeken per afdeling",
                                     [(names["department"](k), v) for k, v in data.contact_requests.items()]),
        "cross": charts.bar_chart("grafiek-samen", "Vragen over meer afdelingen tegelijk",
                                  list(data.cross_department.items())),
        "gaps": charts.bar_chart("grafiek-woorden", "Meest gevraagde woorden die niet in de begrippenlijst staan",
                                 list(data.gaps.items())),
    }
    return {k: Markup(v) for k, v in out.items()}  # noqa: S704 - charts.py escapes every text


def _tables(data: report.Report, names: dict) -> dict[str, list[tuple]]:
    return {
        "weeks": [(f"{w.week} ({w.monday.strftime('%d-%m-%Y')})", w.conversations, w.messages, w.answers,
                   w.fallbacks, w.clarifications, w.contact_requests, w.cross_department,
                   w.feedback_yes, w.feedback_no, w.gaps) for w in data.weeks],
        "topics": [(names["topic"](k), v) for k, v in data.topics.items()],
        "subanswers": [(names["subanswer"](k), v) for k, v in data.subanswers.items()],
        "feedback": [(names["subanswer"](k), v["yes"], v["no"]) for k, v in data.feedback.items()],
        "contacts": [(names["department"](k), v) for k, v in data.contact_requests.items()],
        "cross": list(data.cross_department.items()),
        "gaps": list(data.gaps.items()),
    }


def _render(template: str):
    data, errors = _build()
    names = _names(data)
    profiles = _profiles()
    return render_template(template, r=data, errors=errors, charts=_charts(data, names),
                           tables=_tables(data, names),
                           municipalities=sorted((s, p.display_name) for s, p in profiles.items()),
                           municipality_name=(profiles[data.municipality].display_name
                                              if data.municipality in profiles else data.municipality),
                           args=request.args), (400 if errors else 200)


@bp.get("")
@requires(*ROLES)
def index():
    return _render("rapport/index.html")


@bp.get("/afdrukken")
@requires(*ROLES)
def printable():
    return _render("rapport/print.html")


@bp.get("/rapport.json")
@requires(*ROLES)
def as_json():
    data, errors = _build()
    if errors:
        return jsonify({"fouten": errors}), 400
    return jsonify(report.as_json(data))
