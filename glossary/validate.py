"""Checks editors run before a term is used: labels, references, definitions (B1), status.

Every problem names the entry and the field, in Dutch. Level "fout" blocks (exit code 1),
level "waarschuwing" is advice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from glossary.facts import EXPIRED, fact_problems, is_stale, status
from glossary.model import ACTIVE, DUTCH_FIELD_NAMES, Entry
from glossary.text import normalise

MAX_SENTENCE_WORDS = 20
LONG_WORD = 13  # letters; a B1 text uses few words this long
MAX_LONG_WORDS = 2  # per sentence, not counting the term itself
MAX_PLAIN_WORDS = 15

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Problem:
    entry_id: str
    field: str
    message: str
    level: str = "fout"  # fout or waarschuwing

    def __str__(self) -> str:
        name = DUTCH_FIELD_NAMES.get(self.field, self.field)
        return f"[{self.level}] {self.entry_id} - {name}: {self.message}"


def b1_problems(entry: Entry) -> list[Problem]:
    problems: list[Problem] = []
    own = {normalise(w) for label in entry.labels for w in _WORD.findall(label)}
    for sentence in _SENTENCE_SPLIT.split(entry.definition.strip()):
        words = _WORD.findall(sentence)
        if len(words) > MAX_SENTENCE_WORDS:
            problems.append(
                Problem(
                    entry.id,
                    "definition",
                    f"de zin '{sentence[:60]}...' heeft {len(words)} woorden; "
                    f"schrijf zinnen van hooguit {MAX_SENTENCE_WORDS} woorden (B1).",
                )
            )
        long_words = [w for w in words if len(w) >= LONG_WORD and normalise(w) not in own]
        if len(long_words) > MAX_LONG_WORDS:
            problems.append(
                Problem(
                    entry.id,
                    "definition",
                    f"te veel lange woorden in één zin ({', '.join(long_words)}); "
                    "gebruik kortere, gewone woorden (B1).",
                )
            )
    plain_words = _WORD.findall(entry.plain)
    if len(plain_words) > MAX_PLAIN_WORDS:
        problems.append(
            Problem(
                entry.id,
                "plain",
                f"de korte uitleg heeft {len(plain_words)} woorden; houd het onder "
                f"{MAX_PLAIN_WORDS + 1}, want hij komt midden in een antwoord.",
                "waarschuwing",
            )
        )
    return problems


def validate_entries(entries: Iterable[Entry], today: date | None = None) -> list[Problem]:
    """Every problem of the entries. ``today``: also warn about dated facts that expired or were
    not checked for more than a year on that date."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    problems: list[Problem] = []
    owners: dict[str, list[tuple[str, str]]] = {}
    for entry in entries:
        seen_here: set[str] = set()
        for field, labels in (
            ("pref_label", [entry.pref_label]),
            ("alt_labels", entry.alt_labels),
            ("hidden_labels", entry.hidden_labels),
        ):
            for label in labels:
                key = normalise(label)
                if not key:
                    problems.append(Problem(entry.id, field, f"lege term {label!r}."))
                    continue
                if key in seen_here:
                    continue
                seen_here.add(key)
                owners.setdefault(key, []).append((entry.id, label))
    for _key, users in sorted(owners.items()):
        ids = sorted({u[0] for u in users})
        if len(ids) > 1:
            label = users[0][1]
            for entry_id in ids:
                others = ", ".join(i for i in ids if i != entry_id)
                problems.append(
                    Problem(
                        entry_id,
                        "alt_labels",
                        f"de term {label!r} wordt ook gebruikt door {others}. "
                        "Een term mag maar bij één begrip horen.",
                    )
                )
    for entry in entries:
        active = entry.status == ACTIVE
        for field in ("broader", "related"):
            for ref in getattr(entry, field):
                target = by_id.get(ref)
                if target is None:
                    problems.append(
                        Problem(
                            entry.id, field, f"verwijst naar {ref!r}, maar die term bestaat niet."
                        )
                    )
                elif ref == entry.id:
                    problems.append(Problem(entry.id, field, "verwijst naar zichzelf."))
                elif active and target.status == "vervallen":
                    problems.append(
                        Problem(
                            entry.id,
                            field,
                            f"verwijst naar {ref!r}, maar die term is vervallen.",
                            "waarschuwing",
                        )
                    )
        required = ("definition", "plain", "source", "topic") if active else ("definition",)
        for field in required:
            if not getattr(entry, field).strip():
                level = "fout" if active or field == "definition" else "waarschuwing"
                problems.append(Problem(entry.id, field, "ontbreekt.", level))
        if not entry.source.strip() and not active:
            problems.append(Problem(entry.id, "source", "ontbreekt.", "waarschuwing"))
        if active and not entry.example.strip():
            problems.append(Problem(entry.id, "example", "ontbreekt.", "waarschuwing"))
        if entry.definition.strip():
            problems.extend(b1_problems(entry))
        problems.extend(fact_problems_of(entry, today))
        if active and entry.reviewed_at is None and entry.changed_at is not None:
            problems.append(
                Problem(entry.id, "status", "vastgesteld, maar er is geen datum van controle.")
            )
        if entry.status == "vervallen":
            children = [e.id for e in entries if entry.id in e.broader and e.status == ACTIVE]
            if children:
                problems.append(
                    Problem(
                        entry.id,
                        "status",
                        f"vervallen, maar vastgestelde termen hangen eronder: {', '.join(children)}.",
                    )
                )
    return problems


def fact_problems_of(entry: Entry, today: date | None = None) -> list[Problem]:
    """The entry's dated facts: valid keys and dates (fout); expired or checked more than a
    year ago on ``today`` (waarschuwing: ``gemeentetolk facts`` and ``make test`` fail on it)."""
    problems: list[Problem] = []
    ids = [str((f or {}).get("id") or "") for f in entry.facts if isinstance(f, dict)]
    for dup in sorted({i for i in ids if i and ids.count(i) > 1}):
        problems.append(Problem(entry.id, "facts", f"het id {dup!r} komt meer dan eens voor."))
    for i, fact in enumerate(entry.facts):
        found = fact_problems(fact, f"feit {i + 1}")
        problems.extend(Problem(entry.id, "facts", msg) for msg in found)
        if found or today is None:
            continue
        if status(fact, today) == EXPIRED:
            problems.append(Problem(entry.id, "facts", f"feit {fact['id']} is verlopen "
                                    f"(geldig tot en met {fact['valid_until']}).", "waarschuwing"))
        if is_stale(fact, today):
            problems.append(Problem(entry.id, "facts", f"feit {fact['id']} is meer dan een jaar "
                                    f"niet gecontroleerd (laatst: {fact.get('checked')}).", "waarschuwing"))
    return problems


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level == "fout" for p in problems)
