"""The workspace (Beheer): a server-rendered Flask app for editors and civil servants.

``create_app(settings)`` builds it: CSRF on every form (Flask-WTF), login on every page
(``auth``), one blueprint per area (``nav.AREAS``), Dutch error pages, strict headers.
Pages work without JavaScript. Served by waitress: ``python -m bot.workspace.server``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from bot.services.settings import Settings
from bot.workspace import nav

ERRORS = {
    400: ("Dit verzoek klopt niet", "De gegevens die je stuurde kunnen we niet lezen. Ga terug en probeer het opnieuw."),
    403: ("Geen toegang", "Je mag deze pagina of actie niet gebruiken met jouw rol. Vraag een beheerder als je denkt dat dit niet klopt."),
    404: ("Pagina niet gevonden", "Deze pagina bestaat niet (meer). Kies een onderdeel in het menu."),
    405: ("Dit kan niet op deze manier", "Deze actie werkt alleen via het formulier op de pagina."),
    413: ("Bestand te groot", "Het bestand is te groot. Een bestand mag hooguit 5 MB zijn."),
    500: ("Er ging iets mis", "Er ging iets mis bij ons. Er is niets veranderd. Probeer het later nog eens."),
}
CSRF_TEXT = ("De beveiligingscode van het formulier ontbreekt of is verlopen. Er is niets veranderd. "
             "Laad de pagina opnieuw en probeer het nog eens.")


@dataclass
class Context:
    """What every page needs: settings, the database, the glossary store, the publisher."""

    settings: Settings
    factory: Any  # sqlalchemy sessionmaker on settings.db_url
    store: Any  # glossary.store.Store on the same database
    publisher: Any = None  # bot.services.publish.Publisher (None: publishing is off)
    today: Any = field(default=date.today)  # a callable; tests pass a fixed date
    extra: dict = field(default_factory=dict)


def ctx() -> Context:
    return current_app.extensions["gemeentetolk"]


def create_app(settings: Settings, *, publisher: Any = None, today: Any = None,
               engine: Any = None) -> Flask:
    from bot.services.db import make_engine, session_factory
    from glossary.store import Store

    app = Flask(__name__, static_folder="static", template_folder="templates")
    engine = engine or make_engine(settings.db_url)
    context = Context(settings=settings, factory=session_factory(engine), store=Store(engine),
                      publisher=publisher)
    if today is not None:
        context.today = today
    app.extensions["gemeentetolk"] = context
    ws = settings.workspace
    app.config.update(
        SECRET_KEY=settings.workspace_secret,
        SESSION_COOKIE_NAME="gemeentetolk_beheer",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=ws.secure_cookies,
        PREFERRED_URL_SCHEME="https" if ws.secure_cookies else "http",
        MAX_CONTENT_LENGTH=5 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session (which expires)
        WTF_CSRF_SSL_STRICT=ws.secure_cookies,
        TEMPLATES_AUTO_RELOAD=False,
    )
    CSRFProtect(app)

    from bot.workspace import auth

    app.register_blueprint(auth.bp)
    for area in nav.AREAS:
        module = importlib.import_module(f"bot.workspace.pages.{area}")
        app.register_blueprint(module.bp)
    auth.install(app)
    _install_errors(app)
    _install_headers(app)
    _install_template_helpers(app)

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/thema.css")
    def theme():
        """The municipality's own design tokens (GEMEENTETOLK_WORKSPACE_THEME_CSS), if set."""
        from flask import send_file

        if not ws.theme_css:
            return app.response_class("/* geen eigen thema */\n", mimetype="text/css")
        return send_file(ws.theme_css, mimetype="text/css", max_age=300)

    return app


def error_page(code: int, text: str | None = None):
    title, default = ERRORS.get(code, ERRORS[500])
    return render_template("error.html", title=title, text=text or default, code=code), code


def _install_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(err):  # missing or wrong token: 403, nothing changed
        return error_page(403, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return error_page(err.code or 500)

    @app.errorhandler(Exception)
    def any_error(err: Exception):  # never a stack trace for the user
        current_app.logger.exception("Workspace error on %s", request.path)
        return error_page(500)


def _install_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'",
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        return response


def _install_template_helpers(app: Flask) -> None:
    @app.context_processor
    def common():
        account = g.get("account")
        ws = ctx().settings.workspace
        return {"account": account, "nav_items": nav.items_for(account),
                "current_path": request.path, "theme_class": ws.theme_class,
                "own_theme": bool(ws.theme_css)}

    @app.template_filter("leesbaar")
    def leesbaar(value) -> str:
        """JSON for people: no escapes for accents, one field per line (autoescaped in HTML)."""
        if value is None:
            return "-"
        if isinstance(value, str):
            return value
        import json

        return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)

    @app.template_filter("datum")
    def datum(value) -> str:
        if value is None or value == "":
            return "-"
        if isinstance(value, datetime):
            return value.strftime("%d-%m-%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d-%m-%Y")
        return str(value)
