"""The dated facts editors keep, in one list for the workspace: on national answers (the
domain's response ``metadata.facts``), on glossary entries (``facts``) and in the
municipality profiles (procurement bands, subsidy schemes, local answers), each with its
period, source and status on a given day (the shared data model):

- ``expired``: ``valid_until`` < day; ``expiring``: ``valid_until`` within 90 days;
  otherwise ``current``; ``stale`` as well when ``checked`` is more than 365 days ago
  (the functions of ``glossary.facts``, so the workspace and the assistant agree).

The glossary and the profiles are read from the database (the source of truth).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from glossary import facts as fact_model

STATUS_NL = fact_model.STATUS_NL


def _day(value: Any) -> date | None:
    try:
        return fact_model.parse_day(value)
    except (TypeError, ValueError):
        return None


def status(valid_until: Any, day: date) -> str:
    """The shared rule (glossary.facts.status); an unreadable date counts as open-ended."""
    return fact_model.status({"valid_until": _day(valid_until)}, day)


def is_stale(checked: Any, day: date) -> bool:
    """Checked more than 365 days before ``day``, or never (glossary.facts.is_stale)."""
    return fact_model.is_stale({"checked": _day(checked)}, day)


@dataclass(frozen=True)
class FactRow:
    kind: str  # landelijk | begrip | gemeente
    owner: str  # response name, glossary id or municipality slug
    where: str  # Dutch: where it lives
    claim: str
    valid_from: date | None
    valid_until: date | None
    source: str
    checked: date | None
    status: str
    stale: bool
    section: str = ""  # profile section slug (for the edit link)

    @property
    def status_label(self) -> str:
        return STATUS_NL[self.status] + (", lang niet gecontroleerd" if self.stale else "")


def _row(kind, owner, where, claim, item: Mapping[str, Any], day: date, section: str = "") -> FactRow:
    return FactRow(kind, owner, where, str(claim or "").strip(), _day(item.get("valid_from")),
                   _day(item.get("valid_until")), str(item.get("source") or ""), _day(item.get("checked")),
                   status(item.get("valid_until"), day), is_stale(item.get("checked"), day), section)


def domain_rows(domain_dir: Path, day: date) -> list[FactRow]:
    rows = []
    for path in sorted(Path(domain_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants or []:
                meta = variant.get("metadata") if isinstance(variant, dict) else None
                for fact in (meta or {}).get("facts") or []:
                    if isinstance(fact, dict):
                        m = re.match(r"^utter_ask_(\w+)/(\w+)$", name)
                        where = f"landelijk antwoord {m.group(1)}/{m.group(2)}" if m else f"antwoord {name}"
                        rows.append(_row("landelijk", name, where, fact.get("claim"), fact, day))
    return rows


def glossary_rows(entries: Iterable[Any], day: date) -> list[FactRow]:
    rows = []
    for entry in entries:
        if entry.status == "vervallen":
            continue
        for fact in getattr(entry, "facts", None) or []:
            if isinstance(fact, dict):
                rows.append(_row("begrip", entry.id, f"begrip {entry.pref_label}", fact.get("claim"), fact, day))
    return rows


def profile_rows(slug: str, name: str, doc: Mapping[str, Any], day: date) -> list[FactRow]:
    rows = []
    for item in doc.get("procurement_bands") or []:
        if isinstance(item, dict) and (item.get("valid_from") or item.get("valid_until")):
            claim = f"{item.get('label', '')}: {item.get('procedure', '')}"
            rows.append(_row("gemeente", slug, f"{name}, inkoopgrens", claim, item, day, "inkoopgrenzen"))
    for item in doc.get("subsidy_schemes") or []:
        if isinstance(item, dict) and (item.get("valid_from") or item.get("valid_until")):
            rows.append(_row("gemeente", slug, f"{name}, regeling", item.get("name"), item, day, "regelingen"))
    for key, item in (doc.get("answers") or {}).items():
        if isinstance(item, dict):
            rows.append(_row("gemeente", slug, f"{name}, lokaal antwoord {key}", item.get("text"), item, day,
                             "antwoorden"))
    return rows


def collect(domain_dir: Path, entries: Iterable[Any], documents: Mapping[str, Any], day: date) -> list[FactRow]:
    """Every dated fact, expired first, then by end date."""
    rows = domain_rows(domain_dir, day) + glossary_rows(entries, day)
    for slug, doc in documents.items():
        data = doc.data if hasattr(doc, "data") else doc
        rows += profile_rows(slug, str(data.get("name") or slug), data, day)
    order = {"expired": 0, "expiring": 1, "current": 2}
    return sorted(rows, key=lambda r: (order[r.status], r.valid_until or date.max, r.where))


def attention(rows: Iterable[FactRow]) -> dict[str, list[FactRow]]:
    """For the start page: what has expired and what expires within 90 days."""
    rows = list(rows)
    return {"expired": [r for r in rows if r.status == "expired"],
            "expiring": [r for r in rows if r.status == "expiring"],
            "stale": [r for r in rows if r.stale and r.status == "current"]}
