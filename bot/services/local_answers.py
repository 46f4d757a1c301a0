"""A municipality's own text on top of a national sub-answer, and dated details in answers.

A profile's ``answers:`` (``procurement/thresholds: {mode: add|replace, text, source,
valid_from, valid_until, checked}``) adds its text after the national answer or replaces it,
with its own source line and period; sample profiles are marked as fictional. A local answer
or a profile detail whose ``valid_until`` has passed is never shown as current: a notice says
until when it held and where to find the current one.

Pure Python: no Rasa.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from glossary.facts import dutch_date, is_expired

SOURCE_PREFIX = "Bron:"


def place(profile: Any) -> str:
    name = getattr(profile, "name", "") or getattr(profile, "slug", "")
    if getattr(profile, "fictional", False):
        return f"{name} (voorbeeldgemeente, fictief)"
    return name


def period_text(period: Any) -> str:
    """'geldig van 1 januari 2026 tot en met 31 december 2027' (empty without dates)."""
    from glossary.facts import parse_day

    start, end = parse_day(getattr(period, "valid_from", None)), parse_day(getattr(period, "valid_until", None))
    if start and end:
        return f"geldig van {dutch_date(start)} tot en met {dutch_date(end)}"
    if start:
        return f"geldig vanaf {dutch_date(start)}"
    if end:
        return f"geldig tot en met {dutch_date(end)}"
    return ""


def period_expired(period: Any, today: date) -> bool:
    return is_expired({"valid_until": getattr(period, "valid_until", None)}, today)


def expired_detail(period: Any, what: str) -> str:
    """One line for a profile detail that no longer holds (no amounts)."""
    from glossary.facts import parse_day

    until = parse_day(getattr(period, "valid_until", None))
    when = dutch_date(until) if until else "een eerdere datum"
    source = getattr(period, "source", "") or "de gemeente"
    return f"{what}: wat ik hierover weet, gold tot en met {when}. Kijk voor wat nu geldt bij {source}."


def local_answer(profile: Any, topic: str, subkey: str | None) -> Any:
    """The profile's own answer for topic/subkey, or None."""
    if profile is None or not subkey:
        return None
    return (getattr(profile, "answers", None) or {}).get(f"{topic}/{subkey}")


def local_message(profile: Any, local: Any, today: date) -> dict[str, Any]:
    """The message with the municipality's own text (or, when it expired, the notice)."""
    where = place(profile)
    period = local.period
    if period_expired(period, today):
        text = expired_detail(period, f"Wat {where} hierover zelf zegt")
        return {"text": f"{text}\n{SOURCE_PREFIX} {period.source}."}
    intro = f"Zo doet {where} het:" if local.mode == "add" else f"In {where}:"
    source = period.source.rstrip(".")
    dates = period_text(period)
    source_line = f"{SOURCE_PREFIX} {source}" + (f" ({dates})" if dates else "") + "."
    return {"text": f"{intro}\n{local.text.strip()}\n{source_line}"}


def replaces_national(local: Any, today: date) -> bool:
    """A local answer replaces the national text only while it is current."""
    return local is not None and local.mode == "replace" and not period_expired(local.period, today)
