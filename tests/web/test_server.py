"""The demo page's static web server (no browser)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from bot.web.server import serve_in_thread
from tests.support.testing import free_port


@pytest.fixture(scope="module")
def web():
    port = free_port()
    server = serve_in_thread("127.0.0.1", port, "http://127.0.0.1:5999", "vlietmonde")
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def get(url: str, method: str = "GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), dict(err.headers)


def test_index_carries_server_and_municipality_and_a_strict_csp(web):
    status, body, headers = get(web + "/")
    assert status == 200
    assert 'data-server="http://127.0.0.1:5999"' in body
    assert 'data-municipality="vlietmonde"' in body
    assert '<html lang="nl">' in body
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "connect-src http://127.0.0.1:5999" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("/widget.js", "text/javascript"), ("/widget.css", "text/css"), ("/health", "text/plain")],
)
def test_assets(web, path, ctype):
    status, _, headers = get(web + path)
    assert status == 200 and headers["Content-Type"].startswith(ctype)


@pytest.mark.parametrize(
    "path", ["/../settings.py", "/%2e%2e/server.py", "/server.py", "/static/index.html", "/x"]
)
def test_only_the_listed_files_are_served(web, path):
    status, body, _ = get(web + path)
    assert status == 404 and "bestaat niet" in body


def test_only_get(web):
    status, body, _ = get(web + "/", method="POST")
    assert status == 405 and "alleen" in body
