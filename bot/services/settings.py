"""The one module that reads the environment. Everything else gets a Settings passed in."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class WorkspaceSettings:
    """The workspace (Beheer, bot/workspace): port, sessions, login limits, Rasa's model API."""

    port: int = 8081
    # GEMEENTETOLK_WORKSPACE_SECRET (at least 32 characters) signs the session cookie;
    # empty: a key generated once into var/workspace_secret.
    secret_env: str = field(default="", repr=False)
    session_minutes: int = 30  # a session ends after this many minutes without a request
    secure_cookies: bool = False  # true behind https: the cookie is only sent over https
    max_failures: int = 5  # failed logins per account before it is locked for a while
    max_failures_per_address: int = 20  # failed logins per address before it is locked
    lockout_minutes: int = 15
    # The Rasa server's HTTP API token (``--auth-token``): the launcher sets it, so that
    # "Publiceren" can switch the running assistant to the new model (PUT /model).
    rasa_api_token: str = field(default="", repr=False)
    # Train a new model by fine-tuning the previous one (rasa train --finetune): faster.
    finetune: bool = True
    # A municipality's own NL Design System theme: a CSS file with design tokens on a class.
    theme_css: str = ""
    theme_class: str = "voorbeeld-theme"


@dataclass(frozen=True)
class LearningSettings:
    """The learning loop (issue 15): inbox, social enterprise register."""

    # A message whose intent confidence is below this goes to the inbox (0..1).
    low_confidence: float = 0.7
    # Register entries are deleted by `gemeentetolk purge` after this many days.
    register_retention_days: int = 730
    # The public address of the workspace for the withdrawal link in the register's
    # confirmation (the page /afmelden/<token> needs no login). Empty: the workspace URL.
    public_url: str = ""


@dataclass(frozen=True)
class Settings:
    root: Path
    db_url: str
    municipality: str
    action_port: int
    rasa_port: int
    web_port: int
    host: str
    spacy_path: Path
    model_dir: Path
    tracker_db_url: str = ""  # Rasa's SQL tracker store (conversations), for the purge
    # Website channel: GEMEENTETOLK_WEB_SECRET (empty: generated once into var/web_secret)
    # and the origins (scheme://host[:port]) whose pages may use the chat widget.
    web_secret_env: str = field(default="", repr=False)
    allowed_origins: tuple[str, ...] = ()
    # Who edits in the `glossary` command line (history); default: the login name.
    glossary_editor: str = ""
    # Which Rasa speed-ups bot.plugins.server installs (names in bot.plugins.patches).
    patches: tuple[str, ...] = ("action_validator",)
    # GEMEENTETOLK_TODAY (tests only): the date dated facts are judged on. None: today in
    # Europe/Amsterdam (bot.services.facts.today).
    today: date | None = None
    # Scaled profile: Redis for the lock store and the channels' shared state (rate limits,
    # button memory). Empty: in-process state (one Rasa process, the default).
    redis_url: str = ""
    # The action server: the address it listens on (loopback unless the scaled profile needs
    # more) and the shared secret the Rasa server sends with every call
    # (GEMEENTETOLK_ACTION_SECRET; empty: generated once into var/action_secret).
    action_host: str = "127.0.0.1"
    action_secret_env: str = field(default="", repr=False)
    # Website sessions end after this many hours without a message.
    session_idle_hours: float = 24.0
    # Website channel rate limits (per conversation, per address, new sessions per address).
    web_messages_per_minute: int = 20
    web_address_messages_per_minute: int = 20
    web_sessions_per_minute: int = 20
    # How long user text is kept (contact requests, conversations, glossary gaps).
    retention_days: int = 90
    # Where `gemeentetolk run|shell` write the parts' logs (default var/logs).
    log_dir_env: str = ""
    # The workspace (Beheer) for editors and civil servants: GEMEENTETOLK_WORKSPACE_*.
    workspace: WorkspaceSettings = field(default_factory=lambda: WorkspaceSettings())
    # The learning loop: GEMEENTETOLK_INBOX_LOW_CONFIDENCE, GEMEENTETOLK_REGISTER_*, ...
    learning: LearningSettings = field(default_factory=lambda: LearningSettings())

    @property
    def web_secret(self) -> bytes:
        """The HMAC key that signs website session ids (read or created lazily)."""
        if self.web_secret_env:
            return self.web_secret_env.encode("utf-8")
        return load_or_create_secret(self.var_dir / "web_secret")

    @property
    def action_secret(self) -> str:
        """The shared secret between the Rasa server and the action server."""
        if self.action_secret_env:
            return self.action_secret_env
        return load_or_create_secret(self.var_dir / "action_secret").decode("ascii")

    @property
    def log_dir(self) -> Path:
        return Path(self.log_dir_env) if self.log_dir_env else self.var_dir / "logs"

    @property
    def web_url(self) -> str:
        return f"http://localhost:{self.web_port}/"

    @property
    def workspace_secret(self) -> bytes:
        """The key that signs the workspace's session cookie (read or created lazily)."""
        if self.workspace.secret_env:
            return self.workspace.secret_env.encode("utf-8")
        return load_or_create_secret(self.var_dir / "workspace_secret")

    @property
    def workspace_url(self) -> str:
        return f"http://localhost:{self.workspace.port}/"

    @property
    def public_workspace_url(self) -> str:
        """Where entrepreneurs reach the workspace's public pages (the withdrawal link)."""
        return (self.learning.public_url or self.workspace_url).rstrip("/") + "/"

    @property
    def glossary_nlu_path(self) -> Path:
        """The NLU file generated from the glossary (``glossary export-nlu``)."""
        return self.root / "data" / "nlu" / "glossary.yml"

    @property
    def var_dir(self) -> Path:
        return self.root / "var"

    @property
    def domain_dir(self) -> Path:
        """The Rasa domain files (the action server reads the answer texts there)."""
        return self.root / "bot" / "domain"

    @property
    def municipalities_dir(self) -> Path:
        return self.root / "data" / "municipalities"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{connect_host(self.action_host)}:{self.action_port}/webhook"


def connect_host(host: str) -> str:
    """The address to connect to a server that listens on ``host`` (all interfaces: loopback)."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ValueError(f"{name} moet een poortnummer zijn (1-65535), niet {raw!r}.")
    return int(raw)


MIN_SECRET_CHARS = 32


def load_or_create_secret(path: Path) -> bytes:
    """Read the secret in ``path``; create it (mode 0600) on first use. Safe across processes."""
    try:
        secret = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        secret = ""
    if len(secret) >= MIN_SECRET_CHARS:
        return secret.encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    new = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Another process won the race (or the file is too short: replace it).
        secret = path.read_text(encoding="ascii").strip()
        if len(secret) >= MIN_SECRET_CHARS:
            return secret.encode("ascii")
        path.unlink()
        return load_or_create_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(new + "\n")
    return new.encode("ascii")


def normalize_origin(raw: str) -> str:
    """``HTTP://Example.nl:443/`` -> ``http://example.nl:443``; ValueError when not an origin."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(raw)
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        raise ValueError(raw)
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def _origins(env: Mapping[str, str], web_port: int) -> tuple[str, ...]:
    raw = env.get("GEMEENTETOLK_ALLOWED_ORIGINS", "").strip()
    if not raw:
        return (f"http://localhost:{web_port}", f"http://127.0.0.1:{web_port}")
    origins = []
    for item in raw.split(","):
        if not item.strip():
            continue
        try:
            origins.append(normalize_origin(item))
        except ValueError:
            raise ValueError(
                "GEMEENTETOLK_ALLOWED_ORIGINS moet een lijst zijn van adressen zoals "
                f"https://www.gemeente.nl, gescheiden door komma's. Fout: {item.strip()!r}."
            ) from None
    return tuple(dict.fromkeys(origins))


def _secret(env: Mapping[str, str], name: str = "GEMEENTETOLK_WEB_SECRET") -> str:
    secret = env.get(name, "").strip()
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise ValueError(
            f"{name} is te kort: gebruik minstens {MIN_SECRET_CHARS} tekens "
            "(bijvoorbeeld: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    if name == "GEMEENTETOLK_ACTION_SECRET" and not all(33 <= ord(c) < 127 for c in secret):
        # It travels in an HTTP header: printable ASCII only.
        raise ValueError(f"{name} mag alleen gewone tekens bevatten (geen spaties of accenten).")
    return secret


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float,
            what: str) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also false for nan
        raise ValueError(f"{name} moet {what} zijn ({low:g} tot en met {high:g}), niet {raw!r}.")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int,
           what: str = "een heel getal") -> int:
    value = _number(env, name, default, low, high, what)
    if value != int(value):
        raise ValueError(f"{name} moet een heel getal zijn, niet {env.get(name)!r}.")
    return int(value)


def _host(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    import ipaddress

    try:
        ipaddress.ip_address(raw)
    except ValueError:
        if raw != "localhost":
            raise ValueError(
                f"{name} moet een IP-adres zijn, bijvoorbeeld 127.0.0.1 (alleen deze machine) "
                f"of 0.0.0.0 (alle netwerken), niet {raw!r}."
            ) from None
    return raw


def load_settings(env: Mapping[str, str] | None = None, root: Path | None = None) -> Settings:
    """Read GEMEENTETOLK_* variables, falling back to defaults under the project root."""
    env = os.environ if env is None else env
    root = root or PROJECT_ROOT
    default_db = f"sqlite:///{root / 'var' / 'gemeentetolk.db'}"
    web_port = _port(env, "GEMEENTETOLK_WEB_PORT", 8080)
    return Settings(
        root=root,
        db_url=env.get("GEMEENTETOLK_DB_URL") or default_db,
        municipality=env.get("GEMEENTETOLK_MUNICIPALITY") or "",
        action_port=_port(env, "GEMEENTETOLK_ACTION_PORT", 5055),
        rasa_port=_port(env, "GEMEENTETOLK_RASA_PORT", 5005),
        web_port=web_port,
        host=env.get("GEMEENTETOLK_HOST") or "127.0.0.1",
        spacy_path=root / "var" / "spacy" / "nl",
        model_dir=root / "models",
        tracker_db_url=env.get("GEMEENTETOLK_TRACKER_DB_URL") or f"sqlite:///{root / 'var' / 'tracker.db'}",
        web_secret_env=_secret(env),
        allowed_origins=_origins(env, web_port),
        glossary_editor=env.get("GLOSSARY_EDITOR") or _login_name(),
        patches=_patches(env),
        today=_today(env),
        redis_url=_redis_url(env),
        action_host=_host(env, "GEMEENTETOLK_ACTION_HOST", "127.0.0.1"),
        action_secret_env=_secret(env, "GEMEENTETOLK_ACTION_SECRET"),
        session_idle_hours=_number(env, "GEMEENTETOLK_SESSION_IDLE_HOURS", 24.0, 0.01, 24 * 365,
                                   "een aantal uren"),
        web_messages_per_minute=_whole(env, "GEMEENTETOLK_WEB_MESSAGES_PER_MINUTE", 20, 1,
                                       1_000_000, "een aantal berichten per minuut"),
        web_address_messages_per_minute=_whole(
            env, "GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE", 20, 1, 1_000_000,
            "een aantal berichten per minuut"),
        web_sessions_per_minute=_whole(env, "GEMEENTETOLK_WEB_SESSIONS_PER_MINUTE", 20, 1,
                                       1_000_000, "een aantal gesprekken per minuut"),
        retention_days=_whole(env, "GEMEENTETOLK_RETENTION_DAYS", 90, 1, 36_500,
                              "een aantal dagen"),
        log_dir_env=(env.get("GEMEENTETOLK_LOG_DIR") or "").strip(),
        workspace=_workspace(env),
        learning=_learning(env),
    )


def _today(env: Mapping[str, str]) -> date | None:
    raw = (env.get("GEMEENTETOLK_TODAY") or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"GEMEENTETOLK_TODAY moet een datum zijn als 2028-01-15 (JJJJ-MM-DD), niet {raw!r}. "
            "Gebruik deze instelling alleen in tests."
        ) from None


def _redis_url(env: Mapping[str, str]) -> str:
    raw = (env.get("GEMEENTETOLK_REDIS_URL") or "").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ValueError(
            "GEMEENTETOLK_REDIS_URL moet een Redis-adres zijn, bijvoorbeeld "
            f"redis://127.0.0.1:6379/0, niet {raw!r}."
        )
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise ValueError(f"GEMEENTETOLK_REDIS_URL heeft een ongeldige poort: {raw!r}.") from None
    return raw


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "ja", "yes", "on"):
        return True
    if raw in ("0", "false", "nee", "no", "off"):
        return False
    raise ValueError(f"{name} moet true of false zijn, niet {raw!r}.")


def _workspace(env: Mapping[str, str]) -> WorkspaceSettings:
    secret = env.get("GEMEENTETOLK_WORKSPACE_SECRET", "").strip()
    if secret and len(secret) < MIN_SECRET_CHARS:
        raise ValueError(
            f"GEMEENTETOLK_WORKSPACE_SECRET is te kort: gebruik minstens {MIN_SECRET_CHARS} tekens."
        )
    return WorkspaceSettings(
        port=_port(env, "GEMEENTETOLK_WORKSPACE_PORT", 8081),
        secret_env=secret,
        session_minutes=_whole(env, "GEMEENTETOLK_WORKSPACE_SESSION_MINUTES", 30, 1, 24 * 60),
        secure_cookies=_flag(env, "GEMEENTETOLK_WORKSPACE_SECURE_COOKIES", False),
        max_failures=_whole(env, "GEMEENTETOLK_WORKSPACE_MAX_FAILURES", 5, 1, 1000),
        max_failures_per_address=_whole(
            env, "GEMEENTETOLK_WORKSPACE_MAX_FAILURES_PER_ADDRESS", 20, 1, 100_000
        ),
        lockout_minutes=_whole(env, "GEMEENTETOLK_WORKSPACE_LOCKOUT_MINUTES", 15, 1, 24 * 60),
        rasa_api_token=env.get("GEMEENTETOLK_RASA_API_TOKEN", "").strip(),
        finetune=_flag(env, "GEMEENTETOLK_PUBLISH_FINETUNE", True),
        theme_css=_theme_css(env),
        theme_class=_theme_class(env),
    )


def _learning(env: Mapping[str, str]) -> LearningSettings:
    raw = env.get("GEMEENTETOLK_INBOX_LOW_CONFIDENCE", "").strip().replace(",", ".")
    low = 0.7
    if raw:
        try:
            low = float(raw)
        except ValueError:
            low = -1.0
        if not 0.0 <= low <= 1.0:
            raise ValueError("GEMEENTETOLK_INBOX_LOW_CONFIDENCE moet een getal van 0 tot en met 1 "
                             f"zijn, bijvoorbeeld 0.7, niet {raw!r}.")
    public = env.get("GEMEENTETOLK_PUBLIC_WORKSPACE_URL", "").strip()
    if public:
        parts = urlsplit(public)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValueError("GEMEENTETOLK_PUBLIC_WORKSPACE_URL moet een adres zijn zoals "
                             f"https://beheer.gemeente.nl, niet {public!r}.")
    return LearningSettings(
        low_confidence=low,
        register_retention_days=_whole(env, "GEMEENTETOLK_REGISTER_RETENTION_DAYS", 730, 1, 3650),
        public_url=public,
    )


def _theme_css(env: Mapping[str, str]) -> str:
    raw = env.get("GEMEENTETOLK_WORKSPACE_THEME_CSS", "").strip()
    if raw and not Path(raw).is_file():
        raise ValueError(f"GEMEENTETOLK_WORKSPACE_THEME_CSS: het bestand {raw!r} bestaat niet.")
    return raw


def _theme_class(env: Mapping[str, str]) -> str:
    import re

    raw = env.get("GEMEENTETOLK_WORKSPACE_THEME_CLASS", "").strip() or "voorbeeld-theme"
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,63}", raw):
        raise ValueError(
            "GEMEENTETOLK_WORKSPACE_THEME_CLASS moet een CSS-klasse zijn zoals 'utrecht-theme' "
            f"(kleine letters, cijfers en streepjes), niet {raw!r}."
        )
    return raw


KNOWN_PATCHES = ("action_validator",)


def _patches(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = (env.get("GEMEENTETOLK_PATCHES") or "all").strip().lower()
    if raw == "all":
        return KNOWN_PATCHES
    if raw == "none":
        return ()
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    unknown = [n for n in names if n not in KNOWN_PATCHES]
    if unknown:
        raise ValueError(
            f"GEMEENTETOLK_PATCHES kent {', '.join(unknown)} niet. "
            f"Gebruik all, none of een lijst uit: {', '.join(KNOWN_PATCHES)}."
        )
    return names


def _login_name() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        return "onbekend"
