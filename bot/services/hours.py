"""Opening hours: is a desk open now, and when does it answer? Europe/Amsterdam time.

Opening hours come from the municipality profiles: weekday (Dutch) -> "08:30-12:00, 13:00-17:00"
or "gesloten". On Dutch public holidays (``holiday``) every desk counts as closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.services.municipalities import WEEKDAYS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")


def easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar; anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holiday(day: date) -> str | None:
    """The Dutch public holiday on ``day`` (municipal offices closed), or None.

    Bevrijdingsdag (5 May) counts every year: the CAO Gemeenten gives municipal staff the day off.
    """
    e = easter(day.year)
    kings_day = date(day.year, 4, 27)
    if kings_day.weekday() == 6:  # a Sunday: celebrated on Saturday 26 April
        kings_day = date(day.year, 4, 26)
    fixed = {
        date(day.year, 1, 1): "Nieuwjaarsdag",
        kings_day: "Koningsdag",
        date(day.year, 5, 5): "Bevrijdingsdag",
        date(day.year, 12, 25): "Eerste Kerstdag",
        date(day.year, 12, 26): "Tweede Kerstdag",
        e: "Eerste Paasdag",
        e + timedelta(days=1): "Tweede Paasdag",
        e + timedelta(days=39): "Hemelvaartsdag",
        e + timedelta(days=49): "Eerste Pinksterdag",
        e + timedelta(days=50): "Tweede Pinksterdag",
    }
    return fixed.get(day)


def _spans_on(opening_hours: dict[str, str], day: date) -> list[tuple[time, time]]:
    if holiday(day):
        return []
    return parse_hours(opening_hours.get(WEEKDAYS[day.weekday()]))


def parse_hours(value: str | None) -> list[tuple[time, time]]:
    """'08:30-12:00, 13:00-17:00' -> [(08:30, 12:00), (13:00, 17:00)]; 'gesloten' -> []."""
    if not value or value.strip().lower() == "gesloten":
        return []
    spans = []
    for part in value.split(","):
        start, end = part.strip().split("-")
        spans.append((_time(start), _time(end)))
    return spans


def _time(text: str) -> time:
    hours, minutes = text.strip().split(":")
    if hours == "24":
        return time(23, 59, 59)
    return time(int(hours), int(minutes))


def local(now: datetime | None = None) -> datetime:
    """The time in Amsterdam. A naive datetime is taken to be Amsterdam time already."""
    if now is None:
        return datetime.now(AMSTERDAM)
    if now.tzinfo is None:
        return now.replace(tzinfo=AMSTERDAM)
    return now.astimezone(AMSTERDAM)


@dataclass(frozen=True)
class Status:
    open_now: bool
    today: str  # e.g. "dinsdag 08:30-17:00" or "zaterdag gesloten"
    closes_at: time | None  # when open now
    next_open: datetime | None  # when closed now; None when there are no opening hours


def status(opening_hours: dict[str, str], now: datetime | None = None) -> Status:
    now = local(now)
    day = WEEKDAYS[now.weekday()]
    today_spans = _spans_on(opening_hours, now.date())
    today = f"{day} {opening_hours.get(day, 'gesloten')}"
    current = now.time()
    for start, end in today_spans:
        if start <= current < end:
            return Status(True, today, end, None)
    for offset in range(0, 15):  # two weeks: enough for Christmas plus a weekend
        day_date = now.date() + timedelta(days=offset)
        for start, _end in _spans_on(opening_hours, day_date):
            candidate = datetime.combine(day_date, start, tzinfo=AMSTERDAM)
            if candidate > now:
                return Status(False, today, None, candidate)
    return Status(False, today, None, None)


def _hm(t: time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def describe(opening_hours: dict[str, str], now: datetime | None = None) -> str:
    """One or two short Dutch sentences: open now, or when the desk will answer."""
    if not opening_hours:
        return ""
    now = local(now)
    st = status(opening_hours, now)
    if st.open_now and st.closes_at:
        return f"Nu open, vandaag tot {_hm(st.closes_at)}."
    if st.next_open is None:
        return "Er zijn geen openingstijden bekend. Stuur liever een e-mail."
    days = (st.next_open.date() - now.date()).days
    day_name = WEEKDAYS[st.next_open.weekday()]
    when = {0: "vandaag", 1: f"morgen ({day_name})"}.get(days, day_name)
    if days > 6:
        when = f"{day_name} {st.next_open.day} {MONTHS[st.next_open.month - 1]}"
    return f"Nu gesloten. Je krijgt antwoord vanaf {when} {_hm(st.next_open.time())} uur."


def today_line(opening_hours: dict[str, str], now: datetime | None = None) -> str:
    """'Vandaag (dinsdag): 08:30-17:00' or 'Vandaag (zaterdag): gesloten'."""
    now = local(now)
    day = WEEKDAYS[now.weekday()]
    name = holiday(now.date())
    if name:
        return f"Vandaag ({day}, {name}): gesloten"
    value = opening_hours.get(day, "gesloten")
    return f"Vandaag ({day}): {value.replace('-', ' tot ')}" if value != "gesloten" else f"Vandaag ({day}): gesloten"
