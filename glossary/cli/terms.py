"""Commands that read and change entries: add, edit, show, search, list, set-status, history."""

from __future__ import annotations

import json

from glossary.cli.common import _print_entry, _split, _store
from glossary.model import STATUSES, TOPICS, Entry, GlossaryError, slugify


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


