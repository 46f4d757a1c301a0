"""``gemeentetolk requests list|show|export|close`` and ``gemeentetolk purge`` (for civil servants)."""

from __future__ import annotations

import argparse
import sys

EXAMPLES = {
    "requests": "gemeentetolk requests list --municipality dijkstede",
    "list": "gemeentetolk requests list --municipality dijkstede --department inkoop --status open",
    "show": "gemeentetolk requests show GT-7K3M-9QX2",
    "export": "gemeentetolk requests export --csv --municipality dijkstede > verzoeken.csv",
    "close": "gemeentetolk requests close GT-7K3M-9QX2",
    "purge": "gemeentetolk purge --older-than 90",
}


def _factory():
    from bot.cli.core import _settings
    from bot.services.contact import get_factory

    settings = _settings()
    return settings, get_factory(settings.db_url)


def _safe(func):
    """Turn database failures into a clear Dutch message (no stack trace)."""

    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        from bot.cli import CommandError

        try:
            return func(args)
        except SQLAlchemyError as err:
            raise CommandError(f"de database is niet bereikbaar of kapot ({type(err).__name__}).") from err
        except ValueError as err:
            raise CommandError(str(err)) from err

    return run


def _fmt(dt) -> str:
    return dt.strftime("%Y-%m-%d %H:%M") + " UTC" if dt else "-"


def cmd_list(args: argparse.Namespace) -> int:
    from bot.services.contact import list_requests

    _, factory = _factory()
    rows = list_requests(factory, args.municipality, args.department, args.status)
    if not rows:
        print("Geen contactverzoeken gevonden.")
        return 0
    for r in rows:
        summary = r.summary if len(r.summary) <= 60 else r.summary[:57] + "..."
        print(f"{r.reference}\t{_fmt(r.created_at)}\t{r.status}\t{r.municipality or '-'}\t"
              f"{r.department or '-'}\t{summary}")
    print(f"{len(rows)} verzoek(en).")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.services.contact import get_request

    _, factory = _factory()
    r = get_request(factory, args.reference)
    if r is None:
        raise CommandError(f"geen contactverzoek met referentie {args.reference}.")
    lines = [
        ("Referentie", r.reference), ("Ontvangen", _fmt(r.created_at)), ("Status", r.status),
        ("Gesloten", _fmt(r.closed_at) if r.closed_at else "-"),
        ("Gemeente", r.municipality or "-"), ("Afdeling", r.department or "-"),
        ("Onderwerp", "/".join(x for x in (r.topic, r.subtopic) if x) or "-"),
        ("Vraag", r.summary),
        ("Ambtelijke termen", ", ".join(r.official_terms) or "-"),
        ("Naam", r.name), ("E-mail", r.email), ("Telefoon", r.phone or "-"),
        ("Contactmoment", r.contact_moment or "-"),
    ]
    for label, value in lines:
        print(f"{label + ':':<19}{value}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from bot.services.contact import export_csv, list_requests

    _, factory = _factory()
    rows = list_requests(factory, args.municipality, args.department, args.status)
    n = export_csv(rows, sys.stdout)
    print(f"{n} verzoek(en) geëxporteerd.", file=sys.stderr)
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.services.contact import close_request

    _, factory = _factory()
    r = close_request(factory, args.reference)
    if r is None:
        raise CommandError(f"geen contactverzoek met referentie {args.reference}.")
    print(f"{r.reference} is gesloten ({_fmt(r.closed_at)}).")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.services.contact import purge

    settings, factory = _factory()
    days = settings.retention_days if args.older_than is None else args.older_than
    if days < 1:
        raise CommandError("--older-than moet minstens 1 dag zijn.")
    from bot.services import learning

    # The learning loop first: it reads the conversations into the (anonymous) report facts
    # before they go, then applies its own retention rules (inbox, gap sentences, register).
    learned = learning.purge(settings, factory, days)
    result = purge(factory, settings.tracker_db_url, days)
    print(f"Verwijderd: alles van vóór {_fmt(result.cutoff)} (ouder dan {days} {'dag' if days == 1 else 'dagen'}).")
    print(f"- contactverzoeken: {result.requests}")
    print(f"- woorden die gebruikers zochten maar niet in de woordenlijst stonden: {result.gaps}")
    if result.tracker_found:
        print(f"- gespreksgebeurtenissen: {result.events} (uit {result.conversations} gesprek(ken))")
    else:
        print("- gesprekken: geen gespreksdatabase gevonden, niets te verwijderen")
    print(f"- vragen in de inbox: {learned.inbox}")
    print(f"- voorbeeldzinnen van ontbrekende woorden: {learned.gap_examples}")
    print(f"- toelichtingen bij reacties: {learned.comments}")
    print(f"- register sociale ondernemingen (na {settings.learning.register_retention_days} dagen): "
          f"{learned.register}")
    return 0


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--municipality", help="alleen deze gemeente (slug, bijvoorbeeld dijkstede)")
    p.add_argument("--department", help="alleen deze afdeling (sleutel, bijvoorbeeld inkoop)")
    p.add_argument("--status", choices=["open", "closed"], help="alleen open of gesloten verzoeken")


def register(sub: argparse._SubParsersAction) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "requests",
        help="contactverzoeken van ondernemers bekijken, exporteren en sluiten",
        description="Contactverzoeken die ondernemers via de assistent hebben gestuurd.",
        epilog=f"Voorbeeld: {EXAMPLES['requests']}",
        formatter_class=fmt,
    )
    actions = p.add_subparsers(dest="requests_command", metavar="ACTIE")
    actions.required = True

    ls = actions.add_parser("list", help="verzoeken tonen (oudste eerst)",
                            epilog=f"Voorbeeld: {EXAMPLES['list']}", formatter_class=fmt)
    _filters(ls)
    ls.set_defaults(func=_safe(cmd_list))

    sh = actions.add_parser("show", help="één verzoek helemaal tonen",
                            epilog=f"Voorbeeld: {EXAMPLES['show']}", formatter_class=fmt)
    sh.add_argument("reference", help="referentienummer, bijvoorbeeld GT-7K3M-9QX2")
    sh.set_defaults(func=_safe(cmd_show))

    ex = actions.add_parser("export", help="verzoeken als CSV naar standaarduitvoer schrijven",
                            epilog=f"Voorbeeld: {EXAMPLES['export']}", formatter_class=fmt)
    ex.add_argument("--csv", action="store_true", required=True, help="CSV-formaat (verplicht)")
    _filters(ex)
    ex.set_defaults(func=_safe(cmd_export))

    cl = actions.add_parser("close", help="een verzoek als afgehandeld markeren",
                            epilog=f"Voorbeeld: {EXAMPLES['close']}", formatter_class=fmt)
    cl.add_argument("reference", help="referentienummer, bijvoorbeeld GT-7K3M-9QX2")
    cl.set_defaults(func=_safe(cmd_close))

    pu = sub.add_parser(
        "purge",
        help="contactverzoeken, gesprekken en gezochte woorden ouder dan de bewaartermijn verwijderen",
        description="Verwijdert alle opgeslagen tekst van gebruikers die ouder is dan de bewaartermijn: "
        "contactverzoeken, gesprekken (Rasa tracker store) en woorden die gebruikers zochten maar "
        "niet in de woordenlijst stonden. Toont wat er is verwijderd.",
        epilog=f"Voorbeeld: {EXAMPLES['purge']}",
        formatter_class=fmt,
    )
    pu.add_argument("--older-than", type=int, default=None, metavar="DAGEN",
                    help="bewaartermijn in dagen (standaard GEMEENTETOLK_RETENTION_DAYS, 90)")
    pu.set_defaults(func=_safe(cmd_purge))


__all__ = ["register"]
