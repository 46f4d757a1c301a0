"""Dated facts: a number or rule that changes, with its period, source and last check.

One fact (the shared data model; the same keys on a domain response's ``metadata.facts``, a
glossary entry's ``facts`` and, without ``id``/``claim``, on a profile detail)::

    id: eu-thresholds-2026          # slug, unique within its owner
    claim: "Europese drempelwaarden voor gemeenten: ..."
    valid_from: 2026-01-01          # YYYY-MM-DD
    valid_until: 2027-12-31         # YYYY-MM-DD or null (open-ended or unknown)
    source: "Gedelegeerde Verordening (EU) 2025/2152; PIANOo"
    source_url: https://...         # optional
    checked: 2026-12-01             # last checked against the source

Status on a date D: ``expired`` when valid_until < D; ``expiring`` when valid_until is within
90 days of D; otherwise ``current``. A fact checked more than 365 days before D is ``stale``.

Pure Python, no imports from ``bot``: the glossary validates its own entries with it and
``bot.services.facts`` collects facts from every place that holds them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

FACT_KEYS = ("id", "claim", "valid_from", "valid_until", "source", "source_url", "checked")
DATE_KEYS = ("valid_from", "valid_until", "checked")
EXPIRING_DAYS = 90
STALE_DAYS = 365

CURRENT, EXPIRING, EXPIRED = "current", "expiring", "expired"
STATUS_NL = {CURRENT: "actueel", EXPIRING: "verloopt binnen 90 dagen", EXPIRED: "verlopen"}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://\S+$")
MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


class FactError(ValueError):
    """A fact is invalid; the message is Dutch and names the field."""


def parse_day(value: Any) -> date | None:
    """``2026-01-01`` (text or a YAML date) -> date; None for empty. ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return date.fromisoformat(text)


def dutch_date(day: date) -> str:
    """date(2027, 12, 31) -> '31 december 2027'."""
    return f"{day.day} {MONTHS_NL[day.month - 1]} {day.year}"


def period_problems(raw: Mapping[str, Any], where: str) -> list[str]:
    """Problems with the dates and source of a dated detail (profile items and local answers:
    ``valid_from``, ``valid_until``, ``source``, ``checked``). Dutch, naming the field."""
    problems: list[str] = []
    days: dict[str, date | None] = {}
    for key in DATE_KEYS:
        try:
            days[key] = parse_day(raw.get(key))
        except ValueError:
            problems.append(f"{where}, veld '{key}': {raw.get(key)!r} is geen datum. Schrijf JJJJ-MM-DD, bijvoorbeeld 2026-01-01.")
            days[key] = None
    start, end = days.get("valid_from"), days.get("valid_until")
    if start is not None and end is not None and end < start:
        problems.append(f"{where}, veld 'valid_until': ligt vóór valid_from.")
    if raw.get("checked") in (None, "") and "checked" in raw:
        problems.append(f"{where}, veld 'checked': vul de datum in waarop je het feit het laatst hebt gecontroleerd.")
    return problems


def fact_problems(raw: Any, where: str) -> list[str]:
    """Every problem of one fact (Dutch, naming the field); empty when it is valid."""
    if not isinstance(raw, Mapping):
        return [f"{where}: een feit moet een lijst van velden zijn (id, claim, valid_from, ...)."]
    problems: list[str] = []
    unknown = sorted(str(k) for k in raw if k not in FACT_KEYS)
    if unknown:
        problems.append(f"{where}: onbekend veld {', '.join(unknown)}. Toegestaan: {', '.join(FACT_KEYS)}.")
    fid = str(raw.get("id") or "").strip()
    if not _SLUG.match(fid):
        problems.append(f"{where}, veld 'id': {fid!r} moet een korte naam zijn met kleine letters, cijfers en streepjes (bijvoorbeeld eu-drempels-2026).")
    for key in ("claim", "source"):
        if not str(raw.get(key) or "").strip():
            problems.append(f"{where}, veld '{key}': ontbreekt of is leeg.")
    url = raw.get("source_url")
    if url not in (None, "") and not _URL.match(str(url).strip()):
        problems.append(f"{where}, veld 'source_url': {url!r} is geen webadres (begint met https://).")
    if raw.get("checked") in (None, ""):
        problems.append(f"{where}, veld 'checked': vul de datum in waarop je het feit het laatst hebt gecontroleerd.")
    problems += [p for p in period_problems(raw, where) if "'checked': vul" not in p]
    return problems


def normalise_fact(raw: Any, where: str) -> dict[str, str | None]:
    """A valid fact as a plain dict with ISO dates (text), in the fixed key order.
    Raises FactError with every problem."""
    problems = fact_problems(raw, where)
    if problems:
        raise FactError("\n".join(problems))
    out: dict[str, str | None] = {}
    for key in FACT_KEYS:
        value = raw.get(key)
        if key in DATE_KEYS:
            day = parse_day(value)
            out[key] = day.isoformat() if day else None
        elif key == "source_url":
            out[key] = str(value).strip() if value else None
        else:
            out[key] = str(value).strip()
    return out


def normalise_facts(raw: Any, where: str) -> list[dict[str, str | None]]:
    """A list of facts (None -> []); ids must be unique. Raises FactError."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise FactError(f"{where}, veld 'facts': moet een lijst van feiten zijn.")
    out, problems = [], []
    for i, item in enumerate(raw):
        try:
            out.append(normalise_fact(item, f"{where}, feit {i + 1}"))
        except FactError as err:
            problems.append(str(err))
    ids = [str(f["id"]) for f in out]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(f"{where}, veld 'facts': het id {dup!r} komt meer dan eens voor.")
    if problems:
        raise FactError("\n".join(problems))
    return out


def status(fact: Mapping[str, Any], today: date) -> str:
    """current / expiring / expired on ``today`` (see the module docstring)."""
    until = parse_day(fact.get("valid_until"))
    if until is None:
        return CURRENT
    if until < today:
        return EXPIRED
    if until <= today + timedelta(days=EXPIRING_DAYS):
        return EXPIRING
    return CURRENT


def is_stale(fact: Mapping[str, Any], today: date) -> bool:
    """True when the fact was last checked more than a year before ``today`` (or never)."""
    checked = parse_day(fact.get("checked"))
    return checked is None or checked < today - timedelta(days=STALE_DAYS)


def is_expired(fact: Mapping[str, Any], today: date) -> bool:
    try:
        return status(fact, today) == EXPIRED
    except ValueError:
        return False


def expired(facts: Iterable[Mapping[str, Any]], today: date) -> list[Mapping[str, Any]]:
    return [f for f in facts or () if isinstance(f, Mapping) and is_expired(f, today)]


def expired_notice(facts: Iterable[Mapping[str, Any]], subject: str = "") -> str:
    """Plain Dutch (B1): the amounts held until a date, and where to find the current ones.
    ``facts`` are the expired facts (at least one)."""
    facts = list(facts)
    days = [d for d in (parse_day(f.get("valid_until")) for f in facts) if d is not None]
    last = max(days) if days else date.today()
    about = f" over {subject}" if subject else ""
    lines = [
        f"Let op: de bedragen en regels die ik{about} ken, golden tot en met {dutch_date(last)}. "
        "Misschien kloppen ze nu niet meer. Daarom noem ik ze hier niet."
    ]
    where = []
    for fact in facts:
        source = str(fact.get("source") or "").strip()
        url = str(fact.get("source_url") or "").strip()
        item = f"{source} ({url})" if source and url else (source or url)
        if item and item not in where:
            where.append(item)
    if where:
        lines.append("De actuele bedragen en regels vind je bij: " + "; ".join(where) + ".")
    else:
        lines.append("Vraag de gemeente naar de actuele bedragen en regels.")
    return "\n".join(lines)
