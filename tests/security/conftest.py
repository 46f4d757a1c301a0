"""The security suite: one running server per endpoint, and the table of figures.

Every endpoint is a fixture named in ``ENDPOINTS`` (tests/security/cases.py). To add an
endpoint: add a fixture here that yields an ``Endpoint``, add its
name to ``ENDPOINTS`` and its rows to ``CASES``. The summary at the end of the run prints
endpoint / inputs tried / passed and writes ``reports/security.json``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security.cases import ENDPOINTS, Endpoint
from tests.support.db import migrated_sqlite
from tests.support.testing import ChannelServer, free_port, start_action_server

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "reports" / "security.json"
SECRET = b"s" * 40
ACTION_SECRET = "a" * 48

# endpoint -> [inputs tried, passed]; filled by record(), printed by pytest_terminal_summary.
RESULTS: dict[str, list[int]] = defaultdict(lambda: [0, 0])


def record(endpoint: str, tried: int = 1, passed: int = 1) -> None:
    RESULTS[endpoint][0] += tried
    RESULTS[endpoint][1] += passed


HIGH = 1_000_000  # rate limits out of the way; the rate-limit case has its own server


@pytest.fixture(scope="session")
def website() -> Iterator[Endpoint]:
    server = ChannelServer(SECRET, messages_per_minute=HIGH, address_messages_per_minute=HIGH,
                           sessions_per_minute=HIGH)
    server.start()
    yield Endpoint("website", server.url, secret=SECRET, server=server)
    server.stop()


@pytest.fixture(scope="session")
def rest() -> Iterator[Endpoint]:
    from bot.plugins.rest import SafeRestInput

    server = ChannelServer(SECRET, channel=SafeRestInput())
    server.start()
    yield Endpoint("rest", server.url, server=server)
    server.stop()


@pytest.fixture(scope="session")
def actions(tmp_path_factory) -> Iterator[Endpoint]:
    """The real action server (python -m actions.server) with its own database."""
    db = migrated_sqlite(tmp_path_factory.mktemp("actions-db") / "gt.db")
    port = free_port()
    env = {"GEMEENTETOLK_DB_URL": db, "GEMEENTETOLK_ACTION_SECRET": ACTION_SECRET,
           "GEMEENTETOLK_ACTION_PORT": str(port)}
    log = tmp_path_factory.mktemp("actions-log") / "actions.log"
    proc, url = start_action_server(
        env, log, drop=("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS"))
    yield Endpoint("actions", url, secret=ACTION_SECRET.encode(), db_url=db, log=Path(log))
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session")
def demo() -> Iterator[Endpoint]:
    from bot.web.server import serve_in_thread

    port = free_port()
    server = serve_in_thread("127.0.0.1", port, "http://127.0.0.1:5005", "dijkstede")
    yield Endpoint("demo", f"http://127.0.0.1:{port}")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Iterator[Endpoint]:
    """The workspace (Flask app, bot/workspace) on a migrated database, served by werkzeug."""
    import threading

    from werkzeug.serving import make_server

    from bot.services.settings import load_settings
    from bot.workspace.app import create_app

    db = migrated_sqlite(tmp_path_factory.mktemp("workspace-db") / "gt.db")
    settings = load_settings(env={"GEMEENTETOLK_DB_URL": db, "GEMEENTETOLK_WORKSPACE_SECRET": "w" * 40})
    server = make_server("127.0.0.1", free_port(), create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Endpoint("workspace", f"http://127.0.0.1:{server.server_port}")
    server.shutdown()


def pytest_terminal_summary(terminalreporter) -> None:
    if not RESULTS:
        return
    rows = [(name, *RESULTS[name]) for name in [*ENDPOINTS, *sorted(set(RESULTS) - set(ENDPOINTS))]
            if name in RESULTS]
    write = terminalreporter.write_line
    write("")
    write("Security suite (reports/security.json)")
    write(f"{'endpoint':<34}{'inputs tried':>14}{'passed':>10}")
    for name, tried, passed in rows:
        write(f"{ENDPOINTS.get(name, name):<34}{tried:>14}{passed:>10}")
    total_tried = sum(r[1] for r in rows)
    total_passed = sum(r[2] for r in rows)
    write(f"{'total':<34}{total_tried:>14}{total_passed:>10}")
    report = {
        "endpoints": [{"endpoint": name, "title": ENDPOINTS.get(name, name), "inputs_tried": tried,
                       "passed": passed} for name, tried, passed in rows],
        "total": {"inputs_tried": total_tried, "passed": total_passed},
        "command": "make test (tests/security)",
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
