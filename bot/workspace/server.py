"""Serve the workspace with waitress: ``python -m bot.workspace.server [--host H] [--port P]``.

``gemeentetolk run`` starts it for you on GEMEENTETOLK_WORKSPACE_PORT (default 8081).
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading


def build(settings=None, publisher=None):
    """The app with its publisher (the Rasa server(s) to switch and the training data)."""
    from bot.services.publish import Publisher
    from bot.services.settings import load_settings
    from bot.workspace.app import create_app

    settings = settings or load_settings()
    if publisher is None:
        publisher = Publisher.from_settings(settings)
    return create_app(settings, publisher=publisher)


def serve_in_thread(app, host: str, port: int):
    """For tests: a waitress server in a daemon thread; returns it (``.close()`` stops it)."""
    from waitress.server import create_server

    server = create_server(app, host=host, port=port, threads=4, ident="Gemeentetolk-beheer")
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server


def main(argv: list[str] | None = None) -> int:
    from waitress import serve

    from bot.services.settings import load_settings

    parser = argparse.ArgumentParser(description="De werkruimte (Beheer) van Gemeentetolk.")
    parser.add_argument("--host", default=None, help="adres (standaard GEMEENTETOLK_HOST)")
    parser.add_argument("--port", type=int, default=None, help="poort (standaard 8081)")
    parser.add_argument("--rasa-url", default=None,
                        help="de Rasa-server(s) die na publiceren het nieuwe model krijgen "
                             "(meer servers: gescheiden door komma's)")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValueError as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.rasa_url:
        from bot.services.publish import Publisher

        publisher = Publisher.from_settings(settings)
        publisher.rasa_urls = [u.strip().rstrip("/") for u in args.rasa_url.split(",") if u.strip()]
        app = build(settings, publisher)
    else:
        app = build(settings)
    serve(app, host=args.host or settings.host, port=args.port or settings.workspace.port,
          threads=8, ident="Gemeentetolk-beheer")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
