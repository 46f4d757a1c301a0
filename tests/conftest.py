"""Shared fixtures."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Fixtures of the workspace tests (database, accounts, app), also used by tests/web.
pytest_plugins = ["tests.support.workspace"]


@pytest.fixture
def project_root() -> Path:
    return ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def stack_db_url(tmp_path_factory) -> str:
    """A copy of the prepared database, so integration tests never touch var/gemeentetolk.db."""
    src = ROOT / "var" / "gemeentetolk.db"
    dst = tmp_path_factory.mktemp("stackdb") / "gemeentetolk.db"
    if src.exists():
        shutil.copy(src, dst)
    return f"sqlite:///{dst}"


@pytest.fixture(scope="session")
def stack(stack_db_url: str, tmp_path_factory) -> Iterator:
    """The running assistant (action server + Rasa server) on free ports, once per session.

    Needs a trained model in models/ (`make test` trains first).
    """
    from bot.cli.stack import Stack
    from bot.services.settings import load_settings

    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("Geen getraind model in models/. Draai eerst 'make train'.")
    env = {
        "GEMEENTETOLK_DB_URL": stack_db_url,
        # Fresh conversations every run: never continue last run's trackers in var/.
        "GEMEENTETOLK_TRACKER_DB_URL": f"sqlite:///{tmp_path_factory.mktemp('trackers') / 'tracker.db'}",
        "GEMEENTETOLK_ACTION_PORT": str(free_port()),
        "GEMEENTETOLK_RASA_PORT": str(free_port()),
        "GEMEENTETOLK_WEB_PORT": str(free_port()),
    }
    settings = load_settings(env=env)
    running = Stack(settings, enable_api=True, log_dir=ROOT / "var" / "logs" / "test-stack")
    running.start(timeout=240)
    try:
        yield running
    finally:
        running.stop()


# --- the scaled profile's servers (real PostgreSQL and Redis; `make test` installs them) ------
@pytest.fixture(scope="session")
def scaled_services(tmp_path_factory) -> Iterator:
    """Redis (and PostgreSQL) as child processes with their data in a temporary folder,
    started on first use (``redis_url``) and stopped after the session."""
    import tempfile

    from bot.cli.services import Services, ensure_packages

    ensure_packages(("postgres", "redis-server"))
    # Not under pytest's own temporary folder (mode 0700): PostgreSQL runs as 'postgres'.
    base = Path(tempfile.mkdtemp(prefix="gt-test-scaled-"))
    base.chmod(0o755)
    services = Services(base, base / "logs", fast_unsafe=True)
    try:
        yield services
    finally:
        services.stop()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url(scaled_services) -> str:
    return scaled_services.start_redis()
