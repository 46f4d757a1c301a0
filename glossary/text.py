"""Dutch text helpers for the matcher: tokens with offsets, normalisation, lemma + stem keys.

Lemmas come from the lookup table of spacy-lookups-data (loaded directly, without spaCy);
a light Dutch suffix stemmer on top of the lemma makes "gegund" -> "gunnen" -> "gun" and
"gunning" -> "gun" land on the same key. No Rasa and no spaCy import is needed.
"""

from __future__ import annotations

import gzip
import json
import operator
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# A word: abbreviations with dots ("A.P.V.", "o.a.") or a run of letters/digits.
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+", re.UNICODE)
# Characters allowed between the words of one multi-word term or a split compound.
JOINER_RE = re.compile(r"^[\s\-\u2010\u2011\u2013/]*$")
_DOUBLE = re.compile(r"([aeoubcdfghjklmnpqrstvwxz])\1")
# Lazy stem: the shortest stem (at least 3 letters) followed by one inflection suffix.
_SUFFIX = re.compile(r"^(.{3,}?)(?:ingen|ing|en|es|s|e)$")
_first_group = operator.methodcaller("group", 1)


@dataclass(frozen=True)
class Token:
    text: str  # surface text
    norm: str  # lower case, no accents, no dots
    start: int
    end: int


@lru_cache(maxsize=100_000)
def normalise(word: str) -> str:
    """Lower case, accents removed, dots and apostrophes dropped."""
    if word.isascii() and word.isalnum():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if c.isalnum())


def tokenize(text: str) -> list[Token]:
    return [
        Token(m.group(), normalise(m.group()), m.start(), m.end())
        for m in TOKEN_RE.finditer(text)
        if normalise(m.group())
    ]


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """Dutch lookup lemmas (word form -> lemma) from spacy-lookups-data; empty if missing."""
    try:
        data = resources.files("spacy_lookups_data").joinpath("data/nl_lemma_lookup.json.gz")
        with gzip.open(data.open("rb"), "rt", encoding="utf-8") as fh:
            table = json.load(fh)
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}
    return {normalise(k): normalise(v) for k, v in table.items()}


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Ordinary Dutch word forms: never 'corrected' as a typo of a glossary term."""
    table = lemma_table()
    return frozenset(table) | frozenset(table.values())


def stem(word: str) -> str:
    """A matching key for a normalised word: strip Dutch inflection, simplify spelling."""
    if len(word) <= 4 or word.isdigit():
        return word
    m = _SUFFIX.match(word)
    if m:
        word = m.group(1)
    if _DOUBLE.search(word):
        word = _DOUBLE.sub(_first_group, word)
    last = word[-1]
    if last == "v":
        word = word[:-1] + "f"
    elif last == "z":
        word = word[:-1] + "s"
    return word


_KEY_MEMO: dict[str, str] = {}


class KeyCache:
    """Word -> key, with the lemma table and a per-process memo (keys are pure functions)."""

    def __init__(self) -> None:
        self._lemmas = lemma_table()
        self._memo = _KEY_MEMO

    def key(self, norm: str) -> str:
        found = self._memo.get(norm)
        if found is None:
            if len(norm) <= 4:  # abbreviations and short words: exact only, never a stem
                found = "=" + norm
            else:
                found = stem(self._lemmas.get(norm, norm))
            if len(self._memo) < 200_000:
                self._memo[norm] = found
        return found


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Optimal string alignment distance, stops early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def allowed_edits(word: str) -> int:
    """Typos allowed for a word of this length: none for short words."""
    if len(word) < 6:
        return 0
    if len(word) < 10:
        return 1
    return 2


def deletes(word: str, depth: int) -> set[str]:
    """All strings made by deleting up to ``depth`` characters (SymSpell index keys)."""
    found = {word}
    frontier = {word}
    for _ in range(depth):
        nxt = set()
        for w in frontier:
            for i in range(len(w)):
                nxt.add(w[:i] + w[i + 1 :])
        found |= nxt
        frontier = nxt
    return found
