"""Accounts of the workspace: roles, Argon2 password hashes, sessions, failed-login lockout.

Plain Python over SQLAlchemy (no Flask): the workspace and ``gemeentetolk users`` use it.
Everything that must hold across processes (sessions, failed logins) lives in the database.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.services.db import unit_of_work
from bot.services.errors import UserError
from bot.services.workspace_models import LoginFailure, User, WorkspaceSession

ROLES: dict[str, str] = {
    "redacteur": "bewerkt begrippen, antwoorden en feiten",
    "beoordelaar": "controleert en stelt begrippen vast",
    "medewerker": "handelt contactverzoeken af van de eigen afdeling",
    "beheerder": "beheert accounts en ziet het logboek",
}
MIN_PASSWORD = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    """Verified against when the account does not exist, so the answer takes as long."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash(secrets.token_hex(16))
    return _dummy[key]


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    display_name: str
    roles: tuple[str, ...]
    municipality: str | None
    department: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def label(self) -> str:
        return self.display_name or self.username


def _account(row: User) -> Account:
    roles = tuple(r for r in (row.roles or "").split(",") if r)
    return Account(row.id, row.username, row.display_name or "", roles, row.municipality,
                   row.department, bool(row.active), row.created_at, row.last_login_at)


# --- checks -----------------------------------------------------------------------------------

def clean_username(value: str) -> str:
    name = (value or "").strip().lower()
    if not _USERNAME.match(name):
        raise UserError(
            "Een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers, punt, streepje "
            "of liggend streepje (bijvoorbeeld a.jansen)."
        )
    return name


def clean_roles(values) -> tuple[str, ...]:
    roles = []
    for value in values:
        for part in str(value).split(","):
            role = part.strip().lower()
            if not role:
                continue
            if role not in ROLES:
                raise UserError(f"De rol '{role}' bestaat niet. Kies uit: {', '.join(ROLES)}.")
            if role not in roles:
                roles.append(role)
    if not roles:
        raise UserError(f"Geef minstens één rol: {', '.join(ROLES)}.")
    return tuple(roles)


def check_password(password: str, username: str = "") -> None:
    if len(password or "") < MIN_PASSWORD:
        raise UserError(f"Een wachtwoord heeft minstens {MIN_PASSWORD} tekens.")
    if username and username.lower() in password.lower():
        raise UserError("Het wachtwoord mag je gebruikersnaam niet bevatten.")
    if len(set(password)) < 4:
        raise UserError("Dit wachtwoord is te makkelijk te raden. Kies een langere zin of meer verschillende tekens.")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


# --- accounts ---------------------------------------------------------------------------------

def create_user(factory: sessionmaker, username: str, password: str, roles, display_name: str = "",
                municipality: str | None = None, department: str | None = None) -> Account:
    name = clean_username(username)
    role_list = clean_roles(roles)
    check_password(password, name)
    if "medewerker" in role_list and not (municipality and department):
        raise UserError(
            "Een medewerker hoort bij een gemeente en een afdeling: geef ook --gemeente en "
            "--afdeling (bijvoorbeeld --gemeente dijkstede --afdeling inkoop)."
        )
    now = utcnow()
    with unit_of_work(factory) as session:
        if session.scalars(select(User).where(User.username == name)).first():
            raise UserError(f"Er is al een account '{name}'.")
        row = User(username=name, display_name=(display_name or "").strip()[:200],
                   roles=",".join(role_list), municipality=(municipality or None),
                   department=(department or None), password_hash=hash_password(password),
                   active=True, created_at=now, password_changed_at=now)
        session.add(row)
        session.flush()
        return _account(row)


def list_users(factory: sessionmaker) -> list[Account]:
    with unit_of_work(factory) as session:
        return [_account(r) for r in session.scalars(select(User).order_by(User.username))]


def get_user(factory: sessionmaker, username: str) -> Account | None:
    with unit_of_work(factory) as session:
        row = session.scalars(select(User).where(User.username == (username or "").strip().lower())).first()
        return _account(row) if row else None


def _require(session, username: str) -> User:
    row = session.scalars(select(User).where(User.username == (username or "").strip().lower())).first()
    if row is None:
        raise UserError(f"Er is geen account '{username}'.")
    return row


def set_active(factory: sessionmaker, username: str, active: bool) -> Account:
    """Disable (or enable again) an account; disabling ends its sessions."""
    with unit_of_work(factory) as session:
        row = _require(session, username)
        row.active = active
        if not active:
            session.execute(delete(WorkspaceSession).where(WorkspaceSession.user_id == row.id))
        return _account(row)


def set_password(factory: sessionmaker, username: str, password: str) -> Account:
    """A new password; every session of the account ends (log in again)."""
    with unit_of_work(factory) as session:
        row = _require(session, username)
        check_password(password, row.username)
        row.password_hash = hash_password(password)
        row.password_changed_at = utcnow()
        session.execute(delete(WorkspaceSession).where(WorkspaceSession.user_id == row.id))
        return _account(row)


def update_user(factory: sessionmaker, username: str, roles=None, display_name: str | None = None,
                municipality: str | None = None, department: str | None = None) -> Account:
    with unit_of_work(factory) as session:
        row = _require(session, username)
        if roles is not None:
            role_list = clean_roles(roles)
            row.roles = ",".join(role_list)
        if display_name is not None:
            row.display_name = display_name.strip()[:200]
        if municipality is not None:
            row.municipality = municipality or None
        if department is not None:
            row.department = department or None
        if "medewerker" in row.roles.split(",") and not (row.municipality and row.department):
            raise UserError("Een medewerker hoort bij een gemeente en een afdeling.")
        return _account(row)


# --- logging in -------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    token: str | None = None
    locked_minutes: int = 0  # > 0: too many failures, try again later

    @property
    def ok(self) -> bool:
        return self.account is not None and self.token is not None


@dataclass(frozen=True)
class LoginPolicy:
    max_failures: int = 5
    max_failures_per_address: int = 20
    lockout_minutes: int = 15

    @classmethod
    def from_settings(cls, ws) -> LoginPolicy:
        return cls(ws.max_failures, ws.max_failures_per_address, ws.lockout_minutes)


def _token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _locked(session, keys: list[str], now: datetime) -> int:
    minutes = 0
    for key in keys:
        row = session.get(LoginFailure, key)
        if row and row.locked_until and row.locked_until > now:
            seconds = int((row.locked_until - now).total_seconds())
            minutes = max(minutes, -(-seconds // 60))
    return minutes


def _fail(session, key: str, limit: int, policy: LoginPolicy, now: datetime) -> None:
    window = timedelta(minutes=policy.lockout_minutes)
    row = session.get(LoginFailure, key)
    if row is None:
        row = LoginFailure(key=key, count=0, first_at=now)
        session.add(row)
    elif row.first_at < now - window and not (row.locked_until and row.locked_until > now):
        row.count, row.first_at, row.locked_until = 0, now, None
    row.count += 1
    if row.count >= limit:
        row.locked_until = now + window


def login(factory: sessionmaker, username: str, password: str, address: str,
          policy: LoginPolicy | None = None, now: datetime | None = None) -> LoginResult:
    """Check a login. Too many failures for the account or the address lock both for a while;
    the answer never tells whether an account exists."""
    policy = policy or LoginPolicy()
    now = now or utcnow()
    name = (username or "").strip().lower()[:64]
    user_key, addr_key = f"user:{name}", f"ip:{address[:60]}"
    with unit_of_work(factory) as session:
        minutes = _locked(session, [user_key, addr_key], now)
        if minutes:
            return LoginResult(None, locked_minutes=minutes)
        row = session.scalars(select(User).where(User.username == name)).first()
        ok = False
        try:
            ok = _hasher.verify(row.password_hash if row else _dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None or not row.active:
            _fail(session, user_key, policy.max_failures, policy, now)
            _fail(session, addr_key, policy.max_failures_per_address, policy, now)
            return LoginResult(None)
        if _hasher.check_needs_rehash(row.password_hash):
            row.password_hash = hash_password(password)
        session.execute(delete(LoginFailure).where(LoginFailure.key == user_key))
        row.last_login_at = now
        token = secrets.token_urlsafe(32)
        session.add(WorkspaceSession(id=_token_id(token), user_id=row.id, created_at=now,
                                     last_seen_at=now, address=address[:64]))
        return LoginResult(_account(row), token)


def session_account(factory: sessionmaker, token: str | None, idle_minutes: int,
                    now: datetime | None = None) -> Account | None:
    """The account of a session token, or None when it is unknown, idle too long or the
    account is disabled. Each use counts as activity."""
    if not token:
        return None
    now = now or utcnow()
    with unit_of_work(factory) as session:
        row = session.get(WorkspaceSession, _token_id(token))
        if row is None:
            return None
        if row.last_seen_at < now - timedelta(minutes=idle_minutes):
            session.delete(row)
            return None
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            session.delete(row)
            return None
        if (now - row.last_seen_at).total_seconds() >= 15:
            row.last_seen_at = now
        return _account(user)


def logout(factory: sessionmaker, token: str | None) -> None:
    if not token:
        return
    with unit_of_work(factory) as session:
        session.execute(delete(WorkspaceSession).where(WorkspaceSession.id == _token_id(token)))


def purge_sessions(factory: sessionmaker, idle_minutes: int, now: datetime | None = None) -> int:
    now = now or utcnow()
    with unit_of_work(factory) as session:
        result = session.execute(delete(WorkspaceSession).where(
            WorkspaceSession.last_seen_at < now - timedelta(minutes=idle_minutes)))
        return int(result.rowcount or 0)
