"""``gemeentetolk facts``: every dated fact, where it lives, its period, source and status.

Status on the date (today in Europe/Amsterdam, or ``--date``): actueel, verloopt binnen 90
dagen, verlopen; "niet gecontroleerd" (stale) when it was last checked more than a year ago.
Exit code 1 when a fact is expired, stale or invalid, so ``make test`` (and CI) catch it.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from bot.services import facts
from glossary.facts import STATUS_NL

EXAMPLE = "gemeentetolk facts --expiring 90"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is geen datum; schrijf JJJJ-MM-DD.") from None


def table(rows: list[dict[str, Any]]) -> str:
    """A plain-text table (one fact a block: the lines stay readable in a terminal)."""
    out = []
    for r in rows:
        status = STATUS_NL[r["status"]] + (", meer dan een jaar niet gecontroleerd" if r["stale"] else "")
        period = f"{r['valid_from'] or '?'} t/m {r['valid_until'] or 'open'}"
        out.append(f"[{status}] {r['file']} - {r['owner']} - {r['id']}")
        out.append(f"    {r['claim']}")
        source = r["source"] + (f" ({r['source_url']})" if r.get("source_url") else "")
        out.append(f"    geldig: {period}; bron: {source}; gecontroleerd: {r['checked'] or 'nooit'}")
    return "\n".join(out)


def cmd_facts(args: argparse.Namespace) -> int:
    from bot.cli.core import _settings

    settings = _settings()
    day = args.date or facts.today(settings)
    db_url = None if args.files else settings.db_url
    collection = facts.collect(settings.root, db_url)
    placed = collection.facts
    if args.expiring is not None:
        placed = facts.expiring(placed, day, args.expiring)
    rows = [p.as_json(day) for p in placed]
    problems = facts.failures(collection, day)
    if args.json:
        print(json.dumps({"date": day.isoformat(), "facts": rows, "problems": problems}, ensure_ascii=False, indent=2))
    else:
        if rows:
            print(table(rows))
        what = f"binnen {args.expiring} dagen verlopend" if args.expiring is not None else "in totaal"
        print(f"\n{len(rows)} gedateerde feiten {what} (datum {day.isoformat()}).")
        for problem in problems:
            print(f"Probleem: {problem}")
    return 1 if problems else 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "facts",
        help="gedateerde feiten (bedragen, termijnen, regels) met hun geldigheid tonen",
        description=(
            "Toont elk gedateerd feit in antwoorden, woordenlijst en gemeenteprofielen: waar het "
            "staat, de periode, de bron, wanneer het is gecontroleerd en de status (actueel, "
            "verloopt binnen 90 dagen, verlopen). Exitcode 1 als een feit verlopen is of meer dan "
            "een jaar niet is gecontroleerd."
        ),
        epilog=f"Voorbeeld: {EXAMPLE}\nVoorbeeld: gemeentetolk facts --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--expiring", type=int, metavar="DAGEN", help="alleen feiten die binnen DAGEN dagen verlopen (of al verlopen zijn)")
    p.add_argument("--json", action="store_true", help="uitvoer als JSON")
    p.add_argument("--date", type=_day, metavar="JJJJ-MM-DD", help="de datum waarop de status wordt bepaald (standaard vandaag)")
    p.add_argument("--files", action="store_true", help="de woordenlijst uit glossary/terms lezen, niet uit de database")
    p.set_defaults(func=cmd_facts)


__all__ = ["cmd_facts", "register", "table"]
