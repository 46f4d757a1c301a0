"""Logging in and out, the session on every request, and role checks.

Every page needs a session except the login page, the health check and the static files:
without one the browser goes to ``/login`` (with ``?volgende=`` to come back). A session
ends after ``GEMEENTETOLK_WORKSPACE_SESSION_MINUTES`` without a request. Too many failed
logins lock the account and the address for a while (stored in the database).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for

from bot.services import accounts, audit

bp = Blueprint("auth", __name__)
PUBLIC_ENDPOINTS = {"auth.login", "static", "health", "theme"}


def _ctx():
    from bot.workspace.app import ctx

    return ctx()


def client_address() -> str:
    return (request.remote_addr or "onbekend")[:64]


def current_account():
    return g.get("account")


def requires(*roles: str):
    """Only for accounts with one of ``roles``; others get the Dutch 403 page."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            account = current_account()
            if account is None:
                return redirect(url_for("auth.login", volgende=request.full_path.rstrip("?")))
            if not account.has(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_roles = roles  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _safe_next(value: str | None) -> str:
    if not value:
        return url_for("home.index")
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return url_for("home.index")
    return value


def install(app) -> None:
    @app.before_request
    def load_account():
        g.account = None
        token = session.get("sid")
        if token:
            c = _ctx()
            g.account = accounts.session_account(c.factory, token, c.settings.workspace.session_minutes)
            if g.account is None:
                session.clear()
                if request.endpoint not in PUBLIC_ENDPOINTS:
                    flash("Je sessie is verlopen. Log opnieuw in.", "waarschuwing")
        if g.account is None and request.endpoint not in PUBLIC_ENDPOINTS:
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("auth.login", volgende=target), code=303)
        return None


@bp.get("/")
def root():
    return redirect(url_for("home.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    c = _ctx()
    if request.method == "GET":
        if current_account() is not None:
            return redirect(url_for("home.index"))
        return render_template("login.html", errors={}, username="",
                               volgende=request.args.get("volgende", ""))
    username = (request.form.get("gebruikersnaam") or "").strip()
    password = request.form.get("wachtwoord") or ""
    volgende = request.form.get("volgende", "")
    errors: dict[str, str] = {}
    if not username:
        errors["gebruikersnaam"] = "Vul je gebruikersnaam in."
    if not password:
        errors["wachtwoord"] = "Vul je wachtwoord in."
    if errors:
        return render_template("login.html", errors=errors, username=username, volgende=volgende), 400
    result = accounts.login(c.factory, username, password, client_address(),
                            accounts.LoginPolicy.from_settings(c.settings.workspace))
    if result.locked_minutes:
        audit.record(c.factory, username[:64], "login.geblokkeerd", "account", username[:64],
                     address=client_address())
        message = (f"Te veel mislukte pogingen. Inloggen kan weer over {result.locked_minutes} "
                   f"{'minuut' if result.locked_minutes == 1 else 'minuten'}. Weet je je wachtwoord "
                   "niet meer? Vraag een beheerder om een nieuw wachtwoord.")
        return render_template("login.html", errors={"form": message}, username=username,
                               volgende=volgende), 429
    if not result.ok:
        audit.record(c.factory, username[:64], "login.mislukt", "account", username[:64],
                     address=client_address())
        return render_template(
            "login.html", errors={"wachtwoord": "De gebruikersnaam of het wachtwoord klopt niet."},
            username=username, volgende=volgende), 401
    session.clear()
    session["sid"] = result.token
    account = result.account
    audit.record(c.factory, account.username, "login.gelukt", "account", account.username,
                 address=client_address())
    return redirect(_safe_next(volgende), code=303)


@bp.post("/logout")
def logout():
    c = _ctx()
    account = current_account()
    accounts.logout(c.factory, session.get("sid"))
    session.clear()
    if account is not None:
        audit.record(c.factory, account.username, "logout", "account", account.username,
                     address=client_address())
    flash("Je bent uitgelogd.", "info")
    return redirect(url_for("auth.login"), code=303)
