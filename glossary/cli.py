"""The ``glossary`` command line for editors: a thin layer over the glossary library.

Every command has help text with an example. Library errors become a clear Dutch message
and exit code 1; the database is left unchanged. This is the only module of the package
that reads the environment (GEMEENTETOLK_DB_URL, the editor's user name).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from glossary.model import STATUSES, TOPICS, Entry, GlossaryError, slugify

DEFAULT_DB = "sqlite:///var/gemeentetolk.db"
DEFAULT_NLU = Path("data/nlu/glossary.yml")

# Command name -> (short help, example). README documents each of these (tests check it).
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


def _store(args):
    from glossary.store import Store

    try:
        return Store.from_url(args.db)
    except GlossaryError:
        raise
    except Exception as err:  # noqa: BLE001 - any driver error: a Dutch message
        raise GlossaryError(f"De database {args.db!r} kan niet geopend worden: {err}") from err


def _print_entry(entry: Entry) -> None:
    print(
        f"{entry.pref_label}  [{entry.id}]  status: {entry.status}  onderwerp: {entry.topic or '-'}"
    )
    rows = [
        ("Andere termen", ", ".join(entry.alt_labels)),
        ("Zoektermen/spelfouten", ", ".join(entry.hidden_labels)),
        ("Definitie", entry.definition),
        ("Korte uitleg", entry.plain),
        ("Voorbeeld", entry.example),
        ("Toelichting", entry.scope_note),
        ("Bron", entry.source),
        ("Breder", ", ".join(entry.broader)),
        ("Verwant", ", ".join(entry.related)),
        ("Laatst gewijzigd", f"{entry.changed_at or '-'} door {entry.changed_by or '-'}"),
        ("Vastgesteld op", str(entry.reviewed_at or "-")),
    ]
    for name, value in rows:
        if value:
            print(f"  {name}: {value}")


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for v in values or [] if v and v.strip()]


# --- commands ------------------------------------------------------------------------
def cmd_add(args) -> int:
    store = _store(args)
    entry_id = args.id or slugify(args.term)
    if args.topic and args.topic not in TOPICS:
        raise GlossaryError(
            f"Onderwerp {args.topic!r} bestaat niet. Kies uit: {', '.join(TOPICS)}."
        )
    entry = Entry(
        id=entry_id,
        pref_label=args.term.strip(),
        alt_labels=_split(args.alt),
        hidden_labels=_split(args.hidden),
        definition=args.definition or "",
        plain=args.plain or "",
        example=args.example or "",
        scope_note=args.scope_note or "",
        source=args.source or "",
        broader=_split(args.broader),
        related=_split(args.related),
        topic=args.topic or "",
        status=args.status,
    )
    if not entry.pref_label:
        raise GlossaryError("De term mag niet leeg zijn.")
    added = store.add(entry, by=args.door)
    print(f"Toegevoegd: {added.pref_label} [{added.id}] met status {added.status}.")
    print(
        f"Controleer: glossary validate   Laat vaststellen: glossary set-status {added.id} vastgesteld"
    )
    return 0


def cmd_edit(args) -> int:
    store = _store(args)
    entry = store.get(args.id)
    changes: dict = {}
    simple = {
        "term": "pref_label",
        "definition": "definition",
        "plain": "plain",
        "example": "example",
        "scope_note": "scope_note",
        "source": "source",
        "topic": "topic",
    }
    for arg, attr in simple.items():
        value = getattr(args, arg)
        if value is not None:
            changes[attr] = value.strip()
    if "topic" in changes and changes["topic"] not in TOPICS:
        raise GlossaryError(
            f"Onderwerp {changes['topic']!r} bestaat niet. Kies uit: {', '.join(TOPICS)}."
        )
    for name, attr in (
        ("alt", "alt_labels"),
        ("hidden", "hidden_labels"),
        ("related", "related"),
        ("broader", "broader"),
    ):
        current = list(getattr(entry, attr))
        for value in _split(getattr(args, f"add_{name}")):
            if value not in current:
                current.append(value)
        for value in _split(getattr(args, f"remove_{name}")):
            if value not in current:
                raise GlossaryError(f"{value!r} staat niet bij {attr} van {entry.id!r}.")
            current.remove(value)
        if current != getattr(entry, attr):
            changes[attr] = current
    if not changes:
        raise GlossaryError('Geef aan wat je wilt wijzigen, bijvoorbeeld --plain "...".')
    new = store.update(entry.id, changes, by=args.door)
    print(f"Gewijzigd: {new.id} ({', '.join(sorted(changes))}).")
    return 0


def cmd_show(args) -> int:
    entry = _store(args).get(args.id)
    if args.json:
        print(json.dumps(entry.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_entry(entry)
    return 0


def cmd_search(args) -> int:
    found = _store(args).search(args.text)
    if not found:
        print(f"Geen termen gevonden met {args.text!r}.")
        return 0
    for entry in found:
        print(f"{entry.id:40} {entry.pref_label}  ({entry.status})")
    return 0


def cmd_list(args) -> int:
    if args.status and args.status not in STATUSES:
        raise GlossaryError(
            f"Status {args.status!r} bestaat niet. Kies uit: {', '.join(STATUSES)}."
        )
    entries = _store(args).list(status=args.status, topic=args.topic)
    if args.json:
        print(json.dumps([e.as_json() for e in entries], ensure_ascii=False, indent=2))
        return 0
    for entry in entries:
        print(f"{entry.topic:14} {entry.id:40} {entry.status:12} {entry.pref_label}")
    print(f"{len(entries)} termen.")
    return 0


def cmd_set_status(args) -> int:
    entry = _store(args).set_status(args.id, args.status, by=args.door)
    print(f"Status van {entry.id} is nu {entry.status}.")
    if entry.status == "vastgesteld":
        print(
            "De assistent gebruikt de term meteen. Voor herkenning in vragen: glossary export-nlu && make train"
        )
    return 0


def cmd_history(args) -> int:
    store = _store(args)
    if args.id:
        store.get(args.id)
    changes = store.history(args.id, limit=args.limit)
    if not changes:
        print("Nog geen wijzigingen.")
    for c in changes:
        what = c.field or "-"
        if c.action == "create":
            detail = "aangemaakt"
        else:
            detail = f"{what}: {json.dumps(c.old_value, ensure_ascii=False)} -> {json.dumps(c.new_value, ensure_ascii=False)}"
        print(f"{c.changed_at}  {c.changed_by:20} {c.entry_id:30} {detail}")
    return 0


def cmd_validate(args) -> int:
    from glossary.io import read_entries
    from glossary.validate import has_errors, validate_entries

    entries = read_entries(Path(args.files)) if args.files else _store(args).list()
    problems = validate_entries(entries)
    for problem in problems:
        print(problem)
    errors = sum(p.level == "fout" for p in problems)
    print(
        f"{len(entries)} termen gecontroleerd: {errors} fouten, {len(problems) - errors} waarschuwingen."
    )
    return 1 if has_errors(problems) else 0


def cmd_import(args) -> int:
    from glossary.io import read_entries
    from glossary.validate import validate_entries

    store = _store(args)
    entries = read_entries(Path(args.path), args.format)
    incoming = {e.id for e in entries}
    merged = {e.id: e for e in store.list()} | {e.id: e for e in entries}
    problems = [
        p for p in validate_entries(merged.values()) if p.level == "fout" and p.entry_id in incoming
    ]
    if problems and not args.force:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise GlossaryError(
            f"Niets ingelezen: {len(problems)} fouten in {args.path}. Los ze op en probeer opnieuw."
        )
    if args.dry_run:
        print(f"Proef: {len(entries)} termen zijn in orde. Er is niets opgeslagen.")
        return 0
    counts = store.import_entries(entries, by=args.door)
    print(
        f"Ingelezen uit {args.path}: {counts['nieuw']} nieuw, {counts['bijgewerkt']} bijgewerkt, "
        f"{counts['ongewijzigd']} ongewijzigd."
    )
    return 0


def cmd_export(args) -> int:
    from glossary.io import write_entries

    if args.status and args.status not in STATUSES:
        raise GlossaryError(
            f"Status {args.status!r} bestaat niet. Kies uit: {', '.join(STATUSES)}."
        )
    entries = _store(args).list(status=args.status)
    written = write_entries(entries, Path(args.path), args.format, meta=not args.no_meta)
    print(f"{len(entries)} termen weggeschreven naar {', '.join(str(p) for p in written)}.")
    return 0


def cmd_gaps(args) -> int:
    gaps = _store(args).gaps(include_known=args.all)[: args.limit]
    if args.json:
        print(
            json.dumps(
                [
                    {"word": g.asked_as, "count": g.count, "last_asked": g.last_asked.isoformat()}
                    for g in gaps
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not gaps:
        print("Geen ontbrekende woorden gevonden.")
        return 0
    print(f"{'woord':40} {'aantal':>6}  laatst gevraagd")
    for gap in gaps:
        print(f"{gap.asked_as:40} {gap.count:>6}  {gap.last_asked:%Y-%m-%d %H:%M}")
    return 0


def cmd_lookup(args) -> int:
    from glossary.matcher import Matcher

    store = _store(args)
    entries = store.list() if args.all_statuses else store.active()
    matches = Matcher.build(entries).lookup(args.text)
    if args.json:
        print(json.dumps([m.as_json() for m in matches], ensure_ascii=False))
        return 0
    if not matches:
        print("Geen termen gevonden.")
    for m in matches:
        print(f"{m.start:>4}-{m.end:<4} {m.matched!r:30} -> {m.term} [{m.entry_id}]")
    return 0


def cmd_export_nlu(args) -> int:
    from glossary.nlu import export_nlu, nlu_yaml

    entries = _store(args).active()
    out = Path(args.out)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else ""
        if current != nlu_yaml(entries):
            print(f"{out} is verouderd. Maak het opnieuw met: glossary export-nlu", file=sys.stderr)
            return 1
        print(f"{out} is actueel.")
        return 0
    changed = export_nlu(entries, out)
    print(f"{out} {'bijgewerkt' if changed else 'was al actueel'} ({len(entries)} termen).")
    if changed:
        print("Train de assistent opnieuw: make train")
    return 0


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


def build_parser(env: Mapping[str, str] | None = None) -> argparse.ArgumentParser:
    env = os.environ if env is None else env
    default_db = env.get("GEMEENTETOLK_DB_URL") or DEFAULT_DB
    try:
        default_user = env.get("GLOSSARY_EDITOR") or getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        default_user = "onbekend"
    parser = DutchArgumentParser(
        prog="glossary",
        description="De woordenlijst van Gemeentetolk beheren: ambtelijke taal <-> ondernemerstaal.",
        epilog="Voorbeeld: glossary show aanbesteding\nHulp per commando: glossary COMMANDO --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        default=default_db,
        help=f"database-URL (standaard: GEMEENTETOLK_DB_URL of {DEFAULT_DB})",
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
    p.add_argument("--out", default=str(DEFAULT_NLU), help=f"standaard: {DEFAULT_NLU}")
    p.add_argument(
        "--check", action="store_true", help="alleen controleren of het bestand actueel is"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
