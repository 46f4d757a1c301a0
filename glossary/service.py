"""What the define_term action says: find the asked term (in either direction), explain it,
or give an honest answer with close suggestions and record the gap. Plain Python."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from glossary.bridge import is_official
from glossary.facts import expired, expired_notice
from glossary.matcher import Match, Matcher
from glossary.model import Entry
from glossary.store import Store
from glossary.text import known_words, normalise

# "wat betekent X", "wat is een X", "hoe noemt de gemeente X", ... -> X
_ASK_PATTERNS = [
    r"wat (?:betekent|betekend|betekenen|beteken)\s+(?:het woord |de term |het begrip )?(?P<w>.+)",
    r"wat (?:bedoelen|bedoelt|bedoel) (?:ze|jullie|je|de gemeente|u|men) (?:met|mee)\s+(?P<w>.+)",
    r"wat wordt (?:er )?bedoeld met\s+(?P<w>.+)",
    r"hoe (?:noemt|heet|noemen) (?:de gemeente|een gemeente|jullie|ambtenaren|men)\s+(?P<w>.+)",
    r"hoe heet (?P<w>.+?) (?:bij|in) (?:de|een) gemeente",
    r"wat is (?:het|de) (?:ambtelijke |officiele |officiële )?(?:woord|term|naam) voor\s+(?P<w>.+)",
    r"(?:betekenis|definitie|uitleg) van\s+(?P<w>.+)",
    r"(?:leg|legt) (?P<w>.+?) (?:eens )?uit",
    r"wat (?:is|zijn|was)\s+(?P<w>.+)",
    r"(?:what is|what does)\s+(?P<w>.+)",
]
_ASK_RES = [re.compile(p, re.IGNORECASE) for p in _ASK_PATTERNS]
_LEADING = re.compile(r"^(?:een|de|het|nou|precies|eigenlijk|dat|die|dit)\s+", re.IGNORECASE)
_TRAILING = re.compile(
    r"\s+(?:precies|eigenlijk|nou|dan|bij de gemeente|bij jullie|in gewone taal|mean)$",
    re.IGNORECASE,
)
_VAGUE = {"dat", "dit", "het", "die", "deze", "dat woord", "dit woord", "je", "jij", "er"}


@dataclass
class Explanation:
    found: bool
    text: str
    asked: str = ""
    entry_id: str | None = None
    term: str | None = None
    official_side: bool = True  # False when the user used an entrepreneur's wording
    topic: str = ""  # the entry's glossary topic
    buttons: list[dict] = field(default_factory=list)
    gap_recorded: bool = False


def asked_word(text: str) -> str:
    """The word or phrase the user asks about (empty when there is none)."""
    clean = " ".join((text or "").strip().split())
    for regex in _ASK_RES:
        m = regex.search(clean)
        if m:
            word = m.group("w")
            break
    else:
        word = clean if len(clean.split()) <= 4 else ""
    word = word.strip(" ?!.,:;\"'`´‘’“”")
    for _ in range(3):
        word = _LEADING.sub("", word)
        word = _TRAILING.sub("", word).strip(" ?!.,:;\"'`´‘’“”")
    return "" if word.lower() in _VAGUE else word[:80]


def _pick(matches: list[Match], asked: str, text: str) -> Match | None:
    if not matches:
        return None
    if asked:
        pos = text.lower().find(asked.lower())
        if pos >= 0:
            inside = [m for m in matches if m.start >= pos and m.end <= pos + len(asked) + 1]
            if inside:
                return max(inside, key=lambda m: m.end - m.start)
    return max(matches, key=lambda m: m.end - m.start)


def _looks_misspelled(match: Match) -> bool:
    """A typo (not an inflection such as a plural): corrected, a hiddenLabel, or an
    unknown word form that differs from every label."""
    said = normalise(match.matched)
    if said in {normalise(label) for label in match.labels}:
        return False  # only spaces, hyphens or capitals differ
    return match.fuzzy or match.kind == "hidden" or said not in known_words()


def describe(
    entry: Entry,
    match: Match | None = None,
    official_question: bool = False,
    today: date | None = None,
) -> str:
    """The explanation of an entry. ``today``: when one of its dated facts expired before that
    date, the definition, paraphrase and example (which may hold the old amounts) give way to
    a notice until when they held and where to find the current ones."""
    official_side = match is None or is_official(match)
    lines = []
    if not official_side or official_question:
        said = match.matched if match else entry.pref_label
        if said.lower() != entry.pref_label.lower():
            lines.append(f'Jij zegt "{said}". Bij de gemeente heet dit: {entry.pref_label}.')
        else:
            lines.append(f"Bij de gemeente heet dit: {entry.pref_label}.")
    elif match is not None and _looks_misspelled(match):
        lines.append(f'Je bedoelt vast "{entry.pref_label}".')
    old = expired(entry.facts, today) if today else []
    if old:
        lines.append(expired_notice(old, entry.pref_label))
    else:
        lines.append(entry.definition.strip())
        plain = entry.plain.strip().rstrip(".")
        if plain:
            lines.append(f"Kort gezegd: {plain}.")
        if entry.example.strip():
            lines.append(f"Voorbeeld: {entry.example.strip()}")
    if entry.source.strip():
        lines.append(f"Bron: {entry.source.strip()}")
    return "\n".join(lines)


def suggestion_buttons(entries: Iterable[Entry]) -> list[dict]:
    return [
        {
            "title": entry.pref_label,
            "payload": "/define_term" + json.dumps({"term": entry.pref_label}, ensure_ascii=False),
        }
        for entry in entries
    ]


def explain(
    text: str,
    matcher: Matcher,
    entity_values: Iterable[str] = (),
    store: Store | None = None,
    today: date | None = None,
) -> Explanation:
    """Answer a define_term question. ``store`` is used to record a gap (optional); ``today``
    is the date expired facts are judged on (see ``describe``)."""
    text = text or ""
    is_payload = text.startswith("/")
    asked = "" if is_payload else asked_word(text)
    official_question = bool(re.search(r"\bhoe (noemt|heet|noemen)\b|woord voor\b", text, re.I))
    match = None if is_payload else _pick(matcher.lookup(text), asked, text)
    values = [v for v in entity_values if v]
    if match is None:
        for value in values:
            found = matcher.lookup(str(value))
            if found:
                match = found[0]
                if str(value).lower() != match.term.lower():
                    match = Match(**{**match.__dict__, "matched": str(value)})
                break
    if match is not None:
        entry = matcher.entry(match.entry_id)
        return Explanation(
            found=True,
            text=describe(entry, match, official_question, today),
            asked=asked or match.matched,
            entry_id=entry.id,
            term=entry.pref_label,
            official_side=is_official(match),
            topic=entry.topic,
        )
    word = asked or (str(values[0]) if values else "")
    if not word:
        return Explanation(
            found=False,
            text="Welk woord wil je uitgelegd hebben? Typ bijvoorbeeld: wat betekent aanbesteding?",
        )
    recorded = False
    if store is not None:
        recorded = store.record_gap(word) is not None
    close = matcher.suggest(word, limit=3)
    lines = [f'Het woord "{word}" staat nog niet in mijn woordenlijst. Dat zeg ik liever eerlijk.']
    if recorded:
        lines.append("Ik heb het doorgegeven, zodat de gemeente het kan toevoegen.")
    if close:
        lines.append("Bedoel je misschien een van deze woorden?")
    else:
        lines.append(
            "Wil je het aan iemand van de gemeente vragen? Zeg dan: ik wil iemand spreken."
        )
    return Explanation(
        found=False,
        text="\n".join(lines),
        asked=word,
        buttons=suggestion_buttons(close),
        gap_recorded=recorded,
    )
