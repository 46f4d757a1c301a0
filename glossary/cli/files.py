"""Commands on files: validate, import, export, export-nlu."""

from __future__ import annotations

import sys
from pathlib import Path

from glossary.cli.common import _store
from glossary.model import STATUSES, GlossaryError


def cmd_validate(args) -> int:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from glossary.io import read_entries
    from glossary.validate import has_errors, validate_entries

    entries = read_entries(Path(args.files)) if args.files else _store(args).list()
    # Dated facts that expired or were not checked for a year are a warning here.
    problems = validate_entries(entries, datetime.now(ZoneInfo("Europe/Amsterdam")).date())
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


