"""The ``gemeentetolk`` command line: a thin layer over the bot services.

Each subcommand lives in a module under ``bot.cli`` with a ``register`` function.
Library errors become a clear Dutch message and exit code 1, never a stack trace.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bot.services.errors import UserError

COMMAND_MODULES = [
    "bot.cli.core",
    "bot.cli.facts",
    "bot.cli.municipality",
    "bot.cli.report",
    "bot.cli.requests",
    "bot.cli.review",
    "bot.cli.scaled",
    "bot.cli.users",
]


class CommandError(Exception):
    """An error with a message for the user (Dutch), shown without a stack trace."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gemeentetolk",
        description="Gemeentetolk: de assistent die uitlegt hoe een gemeente werkt.",
        epilog="Voorbeeld: gemeentetolk run",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDO")
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (CommandError, UserError) as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nGestopt.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
