"""Commands that look things up: gaps (words users asked that the glossary lacks) and lookup."""

from __future__ import annotations

import json

from glossary.cli.common import _store


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


