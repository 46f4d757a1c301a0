"""PostgreSQL, Redis and nginx as the scaled profile starts them (bot/cli/services.py)."""

from __future__ import annotations

import json
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.cli.services import ServiceError, Services, free_port, nginx_config, port_open


@pytest.fixture
def base():
    folder = Path(tempfile.mkdtemp(prefix="gt-test-services-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _post(url: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310 - localhost
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_postgres_starts_with_both_databases_and_stops(base) -> None:
    import sqlalchemy as sa

    services = Services(base, base / "logs", fast_unsafe=True)
    try:
        urls = services.start_postgres()
        for url in urls.values():
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT 1")).scalar() == 1
            engine.dispose()
        port = services.ports["postgres"]
        assert "postgres.secret" in {p.name for p in base.iterdir()}
        assert (base / "postgres.secret").stat().st_mode & 0o077 == 0
    finally:
        services.stop()
    assert not port_open(port)
    again = Services(base, base / "logs", fast_unsafe=True)  # the same data folder, reused
    try:
        assert again.start_postgres(port=port) == urls
    finally:
        again.stop()


def test_a_data_folder_postgres_cannot_reach_is_a_clear_error(base) -> None:
    import os

    if os.geteuid() != 0:
        pytest.skip("only as root does PostgreSQL run as another user")
    closed = base / "closed"
    closed.mkdir(mode=0o700)
    services = Services(closed / "scaled", closed / "logs")
    with pytest.raises(ServiceError, match="postgres"):
        services.start_postgres()


def test_nginx_answers_in_dutch_when_no_instance_is_up(base) -> None:
    services = Services(base, base / "logs")
    rasa_port = free_port()
    try:
        services.start_nginx(rasa_port, [free_port(), free_port()], free_port(), [free_port()])
        status, body = _post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", b"{}")
        assert status == 503 and body["message"].startswith("Sorry, de assistent is even niet")
        status, body = _post(f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook",
                             b"x" * (2 * 1024 * 1024))
        assert status == 413 and "te groot" in body["message"]
    finally:
        services.stop()
    assert not port_open(rasa_port)


def test_the_config_retries_messages_but_never_action_calls() -> None:
    conf = nginx_config(Path("/x"), 1, [2, 3], 4, [5, 6])
    rasa, actions = conf.split("listen 127.0.0.1:4;")
    assert "proxy_next_upstream error timeout non_idempotent;" in rasa
    assert "non_idempotent" not in actions  # a contact request must not be stored twice
    assert "server 127.0.0.1:2 " in conf and "server 127.0.0.1:6 " in conf
