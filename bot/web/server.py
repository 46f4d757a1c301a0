"""A small static web server for the demo page of a fictional municipality with the chat widget.

Serves ``bot/web/static/`` (index.html, widget.js, widget.css) on ``settings.web_port``.
The widget in the page talks to the Rasa server's website channel (cross-origin, with CORS).
Only GET and HEAD; only the files in the static folder; strict security headers.

Run: ``python -m bot.web.server`` (``gemeentetolk run`` starts it for you).
"""

from __future__ import annotations

import argparse
import mimetypes
import sys
import threading
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

STATIC_DIR = Path(__file__).resolve().parent / "static"
FILES = {
    "/": "index.html",
    "/index.html": "index.html",
    "/widget.js": "widget.js",
    "/widget.css": "widget.css",
    "/demo.css": "demo.css",
}
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}


def page_csp(rasa_url: str) -> str:
    """No inline script or style, scripts only from here, connections only to the assistant."""
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {rasa_url}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def render(name: str, rasa_url: str, municipality: str) -> bytes:
    data = (STATIC_DIR / name).read_bytes()
    if name == "index.html":
        text = data.decode("utf-8")
        text = text.replace("__RASA_URL__", rasa_url).replace("__MUNICIPALITY__", municipality)
        data = text.encode("utf-8")
    return data


class Handler(BaseHTTPRequestHandler):
    server_version = "Gemeentetolk-web"
    sys_version = ""

    def __init__(self, *args, rasa_url: str, municipality: str, **kwargs) -> None:
        self.rasa_url = rasa_url
        self.municipality = municipality
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        # Paths only; never query strings (they could hold personal data).
        sys.stderr.write(f"web: {self.command} {urlsplit(self.path).path} {args[1:2]}\n")

    def _headers(self, status: int, content_type: str, length: int) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Content-Security-Policy", page_csp(self.rasa_url))
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self._headers(status, content_type, len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = urlsplit(self.path).path
        if path == "/health":
            self._send(HTTPStatus.OK, b"ok\n", "text/plain; charset=utf-8")
            return
        if path == "/favicon.ico":
            self._send(HTTPStatus.NO_CONTENT, b"", "image/x-icon")
            return
        name = FILES.get(path)
        if name is None:
            body = b"Deze pagina bestaat niet. Ga naar / voor de demo.\n"
            self._send(HTTPStatus.NOT_FOUND, body, "text/plain; charset=utf-8")
            return
        content_type = TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0] or "text/plain"
        self._send(HTTPStatus.OK, render(name, self.rasa_url, self.municipality), content_type)

    do_HEAD = do_GET

    def _refuse(self) -> None:
        body = b"Deze server geeft alleen pagina's (GET).\n"
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, body, "text/plain; charset=utf-8")

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _refuse  # noqa: N815

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests (bad request line, unknown method, too long): a Dutch line, not
        the standard library's English page."""
        self.close_connection = True
        body = b"Dit verzoek kan deze server niet lezen.\n"
        try:
            self._send(code, body, "text/plain; charset=utf-8")
        except (OSError, AttributeError):
            pass


def make_server(host: str, port: int, rasa_url: str, municipality: str) -> ThreadingHTTPServer:
    handler = partial(Handler, rasa_url=rasa_url, municipality=municipality)
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(host: str, port: int, rasa_url: str, municipality: str) -> ThreadingHTTPServer:
    """Start the server in a daemon thread (for tests). Call ``.shutdown()`` to stop."""
    server = make_server(host, port, rasa_url, municipality)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    from bot.services.settings import load_settings

    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m bot.web.server",
        description="De demopagina met de chatwidget.",
        epilog="Voorbeeld: python -m bot.web.server --port 8080",
    )
    parser.add_argument("--host", default=settings.host, help="adres om op te luisteren")
    parser.add_argument(
        "--port", type=int, default=settings.web_port, help="poort (standaard 8080)"
    )
    parser.add_argument(
        "--rasa-url", default=settings.rasa_url, help="de Rasa-server waar de widget mee praat"
    )
    parser.add_argument(
        "--municipality",
        default=settings.municipality or "dijkstede",
        help="gemeenteprofiel (slug) voor de demopagina",
    )
    args = parser.parse_args(argv)
    server = make_server(args.host, args.port, args.rasa_url, args.municipality)
    print(f"Demo-pagina: http://localhost:{args.port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
