"""The gap inbox: words users asked about that the glossary did not know (``glossary_gap``,
counted by ``glossary.store.Store.record_gap``), with the sentences they were asked in
(masked, ``glossary_gap_examples``), and what an editor does with them: start a new entry
(concept), add the word as an altLabel of an existing entry, or ignore it. Changes go
through the glossary store, so they get history under the editor's account.
Plain Python (no Rasa).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services import privacy
from bot.services.db import unit_of_work
from bot.services.learning_models import GapDecision, GapExample
from glossary.model import ACTIVE, Entry, GlossaryError, slugify
from glossary.store import Store
from glossary.text import normalise

EXAMPLES_SHOWN = 3
ACTIONS = {"concept": "nieuw begrip (concept)", "altlabel": "toegevoegd als andere term",
           "genegeerd": "genegeerd"}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def word_key(word: str) -> str:
    """The key ``glossary_gap`` uses for a word (``Store.record_gap``)."""
    return normalise(" ".join((word or "").split())[:200])[:200]


def record_example(factory: sessionmaker, word: str, sentence: str, municipality: str | None = None,
                   when: datetime | None = None) -> bool:
    """Keep the (masked) sentence in which a gap word was asked. False when there is none."""
    key = word_key(word)
    text = privacy.mask(" ".join((sentence or "").split()))[:500]
    if not key or not text:
        return False
    with unit_of_work(factory) as session:
        session.add(GapExample(word=key, asked_as=privacy.mask(" ".join(word.split()))[:200], text=text,
                               asked_at=when or _utcnow(), municipality=(municipality or None)))
    return True


@dataclass
class GapView:
    word: str
    asked_as: str
    count: int
    first_asked: datetime
    last_asked: datetime
    examples: list[str] = field(default_factory=list)
    decision: GapDecision | None = None
    pending_entry: str | None = None  # an entry (not vastgesteld) that has the word as label
    suggestions: list[Entry] = field(default_factory=list)

    @property
    def decision_label(self) -> str:
        return ACTIONS.get(self.decision.action, self.decision.action) if self.decision else ""


def gap_list(store: Store, factory: sessionmaker, matcher=None, include_handled: bool = False) -> list[GapView]:
    """Gaps, most asked first, with example sentences and close existing entries."""
    raw = store.gaps()
    with unit_of_work(factory) as session:
        decisions = {d.word: d for d in session.scalars(select(GapDecision))}
        examples: dict[str, list[str]] = {}
        for row in session.scalars(select(GapExample).order_by(GapExample.asked_at.desc())):
            shown = examples.setdefault(row.word, [])
            if len(shown) < EXAMPLES_SHOWN and row.text not in shown:
                shown.append(row.text)
    labels: dict[str, str] = {}
    for entry in store.list():
        if entry.status != ACTIVE:
            for label in entry.labels:
                labels.setdefault(normalise(label), entry.id)
    out = []
    for gap in raw:
        decision = decisions.get(gap.word)
        if decision is not None and not include_handled:
            continue
        # The glossary keeps the word as typed: mask it before it is shown.
        view = GapView(gap.word, privacy.mask(gap.asked_as), gap.count, gap.first_asked, gap.last_asked,
                       examples.get(gap.word, []), decision, labels.get(gap.word))
        if matcher is not None:
            view.suggestions = matcher.suggest(gap.asked_as, limit=3)
        out.append(view)
    return out


def _decide(factory: sessionmaker, word: str, action: str, entry_id: str | None, by: str) -> None:
    with unit_of_work(factory) as session:
        row = session.get(GapDecision, word)
        if row is None:
            session.add(GapDecision(word=word, action=action, entry_id=entry_id, decided_by=by,
                                    decided_at=_utcnow()))
        else:
            row.action, row.entry_id, row.decided_by, row.decided_at = action, entry_id, by, _utcnow()


def _gap(store: Store, word: str):
    for gap in store.gaps(include_known=True):
        if gap.word == word:
            return gap
    raise GlossaryError("Dit woord staat niet (meer) in de lijst met ontbrekende woorden.")


def start_concept(store: Store, factory: sessionmaker, word: str, by: str) -> Entry:
    """A new entry with the word as its term, status concept; the editor fills in the rest."""
    gap = _gap(store, word)
    label = privacy.mask(gap.asked_as).strip()
    entry_id = slugify(label)
    if not entry_id:
        raise GlossaryError("Van dit woord kan ik geen begrip maken.")
    base, n = entry_id, 2
    while store.find(entry_id) is not None:
        entry_id, n = f"{base}-{n}", n + 1
    entry = store.add(Entry(id=entry_id, pref_label=label, status="concept"), by=by)
    _decide(factory, gap.word, "concept", entry.id, by)
    return entry


def add_alt_label(store: Store, factory: sessionmaker, word: str, entry_id: str, by: str) -> tuple[Entry, bool]:
    """Add the word as an altLabel of an existing entry. An approved (vastgesteld) entry goes
    back to 'voorgesteld', as every change to it does: a colleague approves it again
    (four eyes). Returns (the entry, whether it needs that approval)."""
    gap = _gap(store, word)
    entry = store.get(entry_id)
    label = privacy.mask(gap.asked_as).strip()
    if normalise(label) in {normalise(x) for x in entry.labels}:
        raise GlossaryError(f"'{label}' is al een term van '{entry.pref_label}'.")
    saved = store.update(entry.id, {"alt_labels": [*entry.alt_labels, label]}, by=by)
    review = entry.status == ACTIVE
    if review:
        store.set_status(entry.id, "concept", by=by)
        saved = store.set_status(entry.id, "voorgesteld", by=by)
    _decide(factory, gap.word, "altlabel", entry.id, by)
    return saved, review


def ignore(store: Store, factory: sessionmaker, word: str, by: str) -> None:
    gap = _gap(store, word)
    _decide(factory, gap.word, "genegeerd", None, by)


def purge(factory: sessionmaker, cutoff: datetime) -> int:
    """Delete example sentences asked before ``cutoff`` (the retention period)."""
    with unit_of_work(factory) as session:
        old = list(session.scalars(select(GapExample).where(GapExample.asked_at < cutoff)))
        for row in old:
            session.delete(row)
        return len(old)
