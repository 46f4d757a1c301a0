"""The ``glossary`` program: the glossary command line with the assistant's settings.

The glossary package reads no environment; this entry point gives it the same database
as the assistant (``GEMEENTETOLK_DB_URL``, default ``<project>/var/gemeentetolk.db``, an
absolute path), so an editor never edits an empty database by starting in another folder.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.services.settings import load_settings
from glossary import cli


def defaults() -> cli.Defaults:
    settings = load_settings()
    return cli.Defaults(
        db_url=settings.db_url, user=settings.glossary_editor, nlu_path=settings.glossary_nlu_path
    )


def main(argv: Sequence[str] | None = None) -> int:
    try:
        found = defaults()
    except ValueError as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    return cli.main(argv, found)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
