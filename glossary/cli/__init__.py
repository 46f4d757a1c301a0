"""The ``glossary`` command line for editors: a thin layer over the glossary library.

Every command has help text with an example. Library errors become a clear Dutch message
and exit code 1; the database is left unchanged. The package reads no environment: the
caller passes ``Defaults`` (the ``glossary`` program gets them from the assistant's settings,
``bot/cli/glossary.py``). Commands live in ``terms.py``, ``files.py`` and ``lookup.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from glossary.cli.files import cmd_export, cmd_export_nlu, cmd_import, cmd_validate
from glossary.cli.lookup import cmd_gaps, cmd_lookup
from glossary.cli.terms import (
    cmd_add,
    cmd_edit,
    cmd_history,
    cmd_list,
    cmd_search,
    cmd_set_status,
    cmd_show,
)
from glossary.model import STATUSES, TOPICS, GlossaryError


@dataclass(frozen=True)
class Defaults:
    """What the caller decides: the database, who edits, where the NLU file goes.

    The ``glossary`` program (``bot.cli.glossary``) takes them from the assistant's settings,
    so the editor always works on the same database as the assistant.
    """

    db_url: str
    user: str
    nlu_path: Path


# Command name -> (short help, example). README.md or docs/ documents each of these (tests check it).
COMMANDS: dict[str, tuple[str, str]] = {
    "add": (
        "Een nieuwe term toevoegen (begint als concept).",
        'glossary add "maatschappelijke meerwaarde" --alt "impact op de buurt" '
        '--definition "Een ... is een ... die ..." --plain "..." --source "PIANOo" '
        "--topic procurement",
    ),
    "edit": (
        "Velden van een term wijzigen.",
        'glossary edit aanbesteding --add-alt "gemeenteklus" --plain "een opdracht van de gemeente"',
    ),
    "show": ("Eén term helemaal tonen.", "glossary show aanbesteding"),
    "search": ("Termen zoeken op woord (ook in definities).", "glossary search subsidie"),
    "list": (
        "Termen tonen, eventueel per status of onderwerp.",
        "glossary list --status voorgesteld",
    ),
    "set-status": (
        "De status van een term veranderen (concept, voorgesteld, vastgesteld, vervallen).",
        "glossary set-status kwartaalrapportage vastgesteld --door p.devries",
    ),
    "history": ("De wijzigingen van een term (of alle) tonen.", "glossary history aanbesteding"),
    "validate": (
        "De woordenlijst controleren (dubbele termen, verwijzingen, B1, status).",
        "glossary validate",
    ),
    "import": (
        "Termen inlezen uit YAML (bestand of map), CSV of Turtle.",
        "glossary import nieuwe-termen.csv",
    ),
    "export": (
        "Termen wegschrijven naar YAML (map: één bestand per onderwerp), CSV of Turtle.",
        "glossary export woordenlijst.csv",
    ),
    "gaps": ("Woorden die gebruikers vroegen maar die nog ontbreken.", "glossary gaps"),
    "lookup": (
        "Laten zien welke termen de assistent in een tekst herkent.",
        'glossary lookup "Wij willen meedoen aan de aanbestedingen" --json',
    ),
    "export-nlu": (
        "data/nlu/glossary.yml opnieuw maken (daarna: make train).",
        "glossary export-nlu",
    ),
}


# --- parser --------------------------------------------------------------------------
_ARGPARSE_DUTCH = [
    (re.compile(r"the following arguments are required: (.*)"), r"dit ontbreekt: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"onbekende opties: \1"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        r"\1: \2 kan niet, kies uit \3",
    ),
    (re.compile(r"argument (\S+): invalid int value: (.*)"), r"\1: \2 is geen getal"),
    (re.compile(r"argument (\S+): expected one argument"), r"\1: hier hoort een waarde achter"),
]


class DutchArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors in Dutch (exit code 2, like argparse)."""

    def error(self, message: str):  # type: ignore[override]
        for pattern, dutch in _ARGPARSE_DUTCH:
            if pattern.search(message):
                message = pattern.sub(dutch, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"Fout: {message}\nHulp: {self.prog} --help\n")


def _add_parser(sub, name: str, func) -> argparse.ArgumentParser:
    help_text, example = COMMANDS[name]
    parser = sub.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"Voorbeeld: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    # --db and --door also work after the command name (the top-level values are defaults).
    parser.add_argument("--db", default=argparse.SUPPRESS, help="database-URL")
    parser.add_argument("--door", default=argparse.SUPPRESS, help="wie de wijziging doet")
    return parser


def build_parser(defaults: Defaults) -> argparse.ArgumentParser:
    default_db = defaults.db_url
    default_user = defaults.user
    parser = DutchArgumentParser(
        prog="glossary",
        description="De woordenlijst van Gemeentetolk beheren: ambtelijke taal <-> ondernemerstaal.",
        epilog="Voorbeeld: glossary show aanbesteding\nHulp per commando: glossary COMMANDO --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        default=default_db,
        help=f"database-URL (standaard: die van de assistent, {default_db})",
    )
    parser.add_argument(
        "--door",
        default=default_user,
        help="wie de wijziging doet (standaard: je gebruikersnaam)",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="COMMANDO", parser_class=DutchArgumentParser
    )
    sub.required = True

    p = _add_parser(sub, "add", cmd_add)
    p.add_argument("term", help="de voorkeursterm (prefLabel)")
    p.add_argument("--id", help="vast id (standaard gemaakt uit de term)")
    p.add_argument("--alt", action="append", help="andere term of ondernemerswoord (herhaalbaar)")
    p.add_argument("--hidden", action="append", help="veelgemaakte spelfout (herhaalbaar)")
    p.add_argument("--definition", help='B1-definitie: "Een ... is een ... die ..."')
    p.add_argument("--plain", help="korte uitleg in gewone woorden, voor in antwoorden")
    p.add_argument("--example", help="voorbeeldzin")
    p.add_argument("--scope-note", help="toelichting")
    p.add_argument("--source", help="bron: wetsartikel of organisatie")
    p.add_argument("--broader", action="append", help="id van een breder begrip (herhaalbaar)")
    p.add_argument("--related", action="append", help="id van een verwant begrip (herhaalbaar)")
    p.add_argument("--topic", help=f"onderwerp: {', '.join(TOPICS)}")
    p.add_argument("--status", default="concept", choices=["concept", "voorgesteld"])

    p = _add_parser(sub, "edit", cmd_edit)
    p.add_argument("id", help="id van de term")
    p.add_argument("--term", help="nieuwe voorkeursterm")
    for name in ("definition", "plain", "example", "source", "topic"):
        p.add_argument(f"--{name}")
    p.add_argument("--scope-note")
    for name in ("alt", "hidden", "related", "broader"):
        p.add_argument(f"--add-{name}", action="append", help=f"{name} toevoegen (herhaalbaar)")
        p.add_argument(f"--remove-{name}", action="append", help=f"{name} weghalen (herhaalbaar)")

    p = _add_parser(sub, "show", cmd_show)
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="als JSON")

    p = _add_parser(sub, "search", cmd_search)
    p.add_argument("text")

    p = _add_parser(sub, "list", cmd_list)
    p.add_argument("--status", help=f"alleen deze status: {', '.join(STATUSES)}")
    p.add_argument("--topic", help=f"alleen dit onderwerp: {', '.join(TOPICS)}")
    p.add_argument("--json", action="store_true", help="als JSON")

    p = _add_parser(sub, "set-status", cmd_set_status)
    p.add_argument("id")
    p.add_argument("status", help=", ".join(STATUSES))

    p = _add_parser(sub, "history", cmd_history)
    p.add_argument("id", nargs="?", help="id van de term (leeg: alle wijzigingen)")
    p.add_argument("--limit", type=int, default=None, help="alleen de laatste N wijzigingen")

    p = _add_parser(sub, "validate", cmd_validate)
    p.add_argument(
        "--files", help="bestanden controleren in plaats van de database (map of bestand)"
    )

    p = _add_parser(sub, "import", cmd_import)
    p.add_argument("path", help="YAML-bestand of -map, .csv of .ttl")
    p.add_argument("--format", choices=["yaml", "csv", "ttl"], help="standaard: uit de extensie")
    p.add_argument("--dry-run", action="store_true", help="alleen controleren, niets opslaan")
    p.add_argument("--force", action="store_true", help="ook inlezen als validate fouten vindt")

    p = _add_parser(sub, "export", cmd_export)
    p.add_argument("path", help="map (YAML per onderwerp), .yml, .csv of .ttl")
    p.add_argument("--format", choices=["yaml", "csv", "ttl"], help="standaard: uit de extensie")
    p.add_argument("--status", help="alleen termen met deze status")
    p.add_argument(
        "--no-meta",
        action="store_true",
        help="YAML zonder wie/wanneer (voor glossary/terms in git)",
    )

    p = _add_parser(sub, "gaps", cmd_gaps)
    p.add_argument("--limit", type=int, default=50, help="hoogstens N woorden (standaard 50)")
    p.add_argument("--all", action="store_true", help="ook woorden die inmiddels wel een term zijn")
    p.add_argument("--json", action="store_true", help="als JSON")

    p = _add_parser(sub, "lookup", cmd_lookup)
    p.add_argument("text")
    p.add_argument("--json", action="store_true", help="als JSON-lijst (contract: DESIGN.md 3)")
    p.add_argument("--all-statuses", action="store_true", help="ook niet-vastgestelde termen")

    p = _add_parser(sub, "export-nlu", cmd_export_nlu)
    p.add_argument("--out", default=str(defaults.nlu_path), help=f"standaard: {defaults.nlu_path}")
    p.add_argument(
        "--check", action="store_true", help="alleen controleren of het bestand actueel is"
    )
    return parser


def main(argv: Sequence[str] | None = None, defaults: Defaults | None = None) -> int:
    if defaults is None:
        print("Fout: start de woordenlijst met het programma 'glossary'.", file=sys.stderr)
        return 2
    parser = build_parser(defaults)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GlossaryError as err:
        print(f"Fout: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nGestopt.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early
        sys.stderr.close()
        return 0

