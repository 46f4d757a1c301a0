"""The municipality's report: what entrepreneurs asked and how the assistant did, per week.

``build(factory, start, end, municipality)`` reads the anonymous facts that
``bot.services.conversations.collect`` stores (run it first), the feedback, the contact
requests and the gap example sentences, for one period and optionally one municipality:
conversations, topics and sub-answers answered, feedback per sub-answer, fallbacks and
clarifying questions, contact requests per department, the questions that touched several
departments (and which ones together), the top gap words, and all of that per ISO week.
``as_json`` is what ``gemeentetolk report --json`` prints. Plain Python (no Rasa).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services.db import unit_of_work
from bot.services.learning_models import AnswerFeedback, GapExample, ReportContact, ReportTurn

TOP_GAPS = 20
UNKNOWN = "onbekend"


@dataclass
class Week:
    week: str  # ISO week, "2026-W49"
    monday: date
    conversations: int = 0
    messages: int = 0
    answers: int = 0
    fallbacks: int = 0
    clarifications: int = 0
    contact_requests: int = 0
    cross_department: int = 0
    feedback_yes: int = 0
    feedback_no: int = 0
    gaps: int = 0


@dataclass
class Report:
    start: date | None
    end: date | None
    municipality: str | None
    conversations: int = 0
    messages: int = 0
    topics: dict[str, int] = field(default_factory=dict)
    subanswers: dict[str, int] = field(default_factory=dict)
    fallbacks: int = 0
    clarifications: int = 0
    contact_requests: dict[str, int] = field(default_factory=dict)
    cross_department: dict[str, int] = field(default_factory=dict)
    feedback: dict[str, dict[str, int]] = field(default_factory=dict)
    gaps: dict[str, int] = field(default_factory=dict)
    weeks: list[Week] = field(default_factory=list)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    low = datetime.combine(start, time.min) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min) if end else None
    return low, high


def _where(stmt, column, municipality_column, low, high, municipality):
    if low is not None:
        stmt = stmt.where(column >= low)
    if high is not None:
        stmt = stmt.where(column < high)
    if municipality:
        stmt = stmt.where(municipality_column == municipality)
    return stmt


def _sorted(counter: Counter) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def build(factory: sessionmaker, start: date | None = None, end: date | None = None,
          municipality: str | None = None, top_gaps: int = TOP_GAPS) -> Report:
    if start and end and end < start:
        raise ValueError("De einddatum ligt voor de begindatum.")
    low, high = _bounds(start, end)
    report = Report(start, end, municipality or None)
    weeks: dict[str, Week] = {}

    def week(moment: datetime | date) -> Week:
        day = moment.date() if isinstance(moment, datetime) else moment
        key = iso_week(day)
        if key not in weeks:
            weeks[key] = Week(key, _monday(day))
        return weeks[key]

    topics: Counter = Counter()
    subs: Counter = Counter()
    cross: Counter = Counter()
    contacts: Counter = Counter()
    gaps: Counter = Counter()
    gap_names: dict[str, str] = {}
    feedback: dict[str, Counter] = defaultdict(Counter)
    conversations: set[str] = set()
    week_conversations: dict[str, set[str]] = defaultdict(set)
    with unit_of_work(factory) as session:
        for t in session.scalars(_where(select(ReportTurn), ReportTurn.at, ReportTurn.municipality,
                                        low, high, municipality)):
            w = week(t.at)
            w.messages += 1
            report.messages += 1
            conversations.add(t.conversation)
            week_conversations[w.week].add(t.conversation)
            if t.topic:
                topics[t.topic] += 1
                w.answers += 1
                if t.subtopic:
                    subs[f"{t.topic}/{t.subtopic}"] += 1
            if t.fallback:
                report.fallbacks += 1
                w.fallbacks += 1
            if t.clarify:
                report.clarifications += 1
                w.clarifications += 1
            if t.departments:
                cross[t.departments] += 1
                w.cross_department += 1
        for c in session.scalars(_where(select(ReportContact), ReportContact.created_at,
                                        ReportContact.municipality, low, high, municipality)):
            contacts[c.department or UNKNOWN] += 1
            week(c.created_at).contact_requests += 1
        fb_low = low.date() if low else None
        fb_high = (high.date() - timedelta(days=1)) if high else None
        stmt = select(AnswerFeedback)
        if fb_low:
            stmt = stmt.where(AnswerFeedback.given_on >= fb_low)
        if fb_high:
            stmt = stmt.where(AnswerFeedback.given_on <= fb_high)
        if municipality:
            stmt = stmt.where(AnswerFeedback.municipality == municipality)
        for f in session.scalars(stmt):
            key = f"{f.topic}/{f.subtopic}" if f.subtopic else f.topic
            feedback[key]["yes" if f.helpful else "no"] += 1
            w = week(f.given_on)
            if f.helpful:
                w.feedback_yes += 1
            else:
                w.feedback_no += 1
        for g in session.scalars(_where(select(GapExample).order_by(GapExample.asked_at),
                                        GapExample.asked_at, GapExample.municipality, low, high,
                                        municipality)):
            gaps[g.word] += 1
            gap_names[g.word] = g.asked_as
            week(g.asked_at).gaps += 1
    report.conversations = len(conversations)
    for key, members in week_conversations.items():
        weeks[key].conversations = len(members)
    report.topics = _sorted(topics)
    report.subanswers = _sorted(subs)
    report.cross_department = _sorted(cross)
    report.contact_requests = _sorted(contacts)
    report.feedback = {k: {"yes": v["yes"], "no": v["no"]}
                       for k, v in sorted(feedback.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))}
    report.gaps = {gap_names[w]: n for w, n in list(_sorted(gaps).items())[:top_gaps]}
    report.weeks = [weeks[k] for k in sorted(weeks)]
    return report


def as_json(report: Report) -> dict[str, Any]:
    """The JSON of ``gemeentetolk report --json``."""
    return {
        "period": {"from": report.start.isoformat() if report.start else None,
                   "to": report.end.isoformat() if report.end else None},
        "municipality": report.municipality,
        "conversations": report.conversations,
        "messages": report.messages,
        "topics": report.topics,
        "subanswers": report.subanswers,
        "fallbacks": report.fallbacks,
        "clarifications": report.clarifications,
        "contact_requests": report.contact_requests,
        "cross_department": report.cross_department,
        "feedback": report.feedback,
        "gaps": report.gaps,
        "weeks": [{"week": w.week, "monday": w.monday.isoformat(), "conversations": w.conversations,
                   "messages": w.messages, "answers": w.answers, "fallbacks": w.fallbacks,
                   "clarifications": w.clarifications, "contact_requests": w.contact_requests,
                   "cross_department": w.cross_department, "feedback_yes": w.feedback_yes,
                   "feedback_no": w.feedback_no, "gaps": w.gaps} for w in report.weeks],
    }


def parse_date(value: str | None, name: str) -> date | None:
    """A date written as JJJJ-MM-DD (empty: none); ValueError with a Dutch message."""
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{name} '{raw}' is geen datum. Schrijf hem als JJJJ-MM-DD, "
                         "bijvoorbeeld 2026-12-01.") from None
