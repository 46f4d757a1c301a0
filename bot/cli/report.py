"""``gemeentetolk report``: the municipality's report (what entrepreneurs asked, per week)."""

from __future__ import annotations

import argparse
import json

EXAMPLE = "gemeentetolk report --from 2026-11-01 --to 2026-11-30 --municipality dijkstede --json"


def cmd_report(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli import CommandError
    from bot.cli.core import _settings
    from bot.services import learning, report
    from bot.services.contact import get_factory

    settings = _settings()
    try:
        start = report.parse_date(args.date_from, "--from")
        end = report.parse_date(args.date_to, "--to")
        factory = get_factory(settings.db_url)
        learning.collect(settings, factory)
        data = report.build(factory, start, end, (args.municipality or "").strip().lower() or None,
                            top_gaps=args.top)
    except ValueError as err:
        raise CommandError(str(err)) from err
    except SQLAlchemyError as err:
        raise CommandError(f"de database is niet bereikbaar of kapot ({type(err).__name__}). "
                           "Draai eerst: gemeentetolk setup") from err
    if args.json:
        print(json.dumps(report.as_json(data), ensure_ascii=False, indent=2))
        return 0
    _print_text(data)
    return 0


def _print_text(data) -> None:
    from bot.services.topics import TOPICS

    period = f"{data.start or 'het begin'} tot en met {data.end or 'vandaag'}"
    print(f"Rapport Gemeentetolk, {period}, {data.municipality or 'alle gemeenten'}")
    print(f"Gesprekken: {data.conversations} (berichten: {data.messages})")
    print(f"Niet begrepen: {data.fallbacks}, doorgevraagd: {data.clarifications}")
    sections = [
        ("Onderwerpen", {TOPICS[k].title if k in TOPICS else k: v for k, v in data.topics.items()}),
        ("Antwoorden", data.subanswers),
        ("Contactverzoeken per afdeling", data.contact_requests),
        ("Vragen over meer afdelingen", data.cross_department),
        ("Had je hier iets aan? (ja/nee)", {k: f"{v['yes']}/{v['no']}" for k, v in data.feedback.items()}),
        ("Ontbrekende woorden", data.gaps),
    ]
    for title, values in sections:
        print(f"\n{title}:")
        if not values:
            print("  (geen)")
        for key, value in values.items():
            print(f"  {key}: {value}")
    print("\nPer week (gesprekken / niet begrepen / contactverzoeken):")
    for w in data.weeks:
        print(f"  {w.week}: {w.conversations} / {w.fallbacks} / {w.contact_requests}")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="het rapport voor de gemeente: wat ondernemers vroegen, per week",
        description="Telt de gesprekken zonder persoonsgegevens: gesprekken, onderwerpen en antwoorden, "
        "reacties per antwoord, niet begrepen en doorgevraagd, contactverzoeken per afdeling, vragen "
        "over meer afdelingen tegelijk en de meest gevraagde ontbrekende woorden, per week. Leest eerst "
        "de nieuwe gesprekken in.",
        epilog=f"Voorbeeld: {EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="als JSON (voor andere programma's)")
    p.add_argument("--from", dest="date_from", metavar="JJJJ-MM-DD", help="vanaf deze datum (UTC)")
    p.add_argument("--to", dest="date_to", metavar="JJJJ-MM-DD", help="tot en met deze datum (UTC)")
    p.add_argument("--municipality", metavar="SLUG", help="alleen deze gemeente, bijvoorbeeld dijkstede")
    p.add_argument("--top", type=int, default=20, metavar="N", help="hoeveel ontbrekende woorden (standaard 20)")
    p.set_defaults(func=cmd_report)


__all__ = ["register"]
