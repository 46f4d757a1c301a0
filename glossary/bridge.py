"""Bridge an answer: the first official term not yet explained in this conversation gets its
plain paraphrase inline, once: "aanbesteding (een opdracht waar meerdere bedrijven op mogen
bieden)". Only official wordings are explained (the prefLabel, an abbreviation or a
misspelling of it), never the entrepreneur's own words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from glossary.facts import expired, expired_notice
from glossary.matcher import Match, Matcher

_ABBREVIATION = re.compile(r"^[A-Z][A-Za-z]{1,6}$")


@dataclass
class BridgeResult:
    text: str
    explained: list[str] = field(default_factory=list)
    terms: list[dict] = field(default_factory=list)


def is_official(match: Match) -> bool:
    if match.kind in ("pref", "hidden"):
        return True
    label = match.label.replace(".", "")
    capitals = sum(c.isupper() for c in label)
    return bool(_ABBREVIATION.match(label)) and (capitals >= 2 or len(label) <= 4)


def bridge_text(
    text: str, matcher: Matcher, explained: Iterable[str] | None, today: date | None = None
) -> BridgeResult:
    """``today``: an entry with a fact that expired before that date is not explained with its
    definition (which may hold old amounts) but with a notice where to find the current ones;
    its paraphrase is only used inline when it holds no number."""
    done = list(dict.fromkeys(explained or []))
    if not text:
        return BridgeResult(text=text or "", explained=done, terms=[])
    for match in matcher.lookup(text):
        if match.entry_id in done or not is_official(match):
            continue
        entry = matcher.entry(match.entry_id)
        plain = entry.plain.strip().rstrip(".")
        old = expired(entry.facts, today) if today else []
        if not plain or (old and re.search(r"\d", plain)):
            continue
        after = text[match.end :]
        if after.lstrip().startswith("("):  # already followed by an explanation
            done.append(match.entry_id)
            continue
        new_text = f"{text[: match.end]} ({plain}){after}"
        done.append(match.entry_id)
        return BridgeResult(
            text=new_text,
            explained=done,
            terms=[{"id": entry.id, "term": entry.pref_label, "plain": plain,
                    "definition": expired_notice(old) if old else entry.definition,
                    "source": entry.source}],
        )
    return BridgeResult(text=text, explained=done, terms=[])
