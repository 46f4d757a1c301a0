"""Typo correction against the training vocabulary (pure Python, no Rasa).

The NLU model (``bot.services.linear_nlu``) reads words. A word with a typo ("sbusidie",
"ondenreming") is a word it never saw, so the word features lose it and only some of the
character n-grams still match. Before the features are built, every word the training data
does not contain is replaced by the most frequent training word one edit away (a letter
dropped, added, changed, or two neighbours swapped: the Damerau-Levenshtein distance 1), if
there is one. Words the training data contains are never changed, and neither are Dutch words
the lexicon knows (every form in spaCy's Dutch lemma table, ``glossary.text.known_words``,
the list the glossary matcher uses for the same purpose: "denk" is not a typo of "dank"), short words (fewer than ``MIN_LENGTH`` letters: too many other words
are one edit away) or numbers.

The vocabulary is learnt from the training sentences only; it is part of the model and is
saved with it as a word count table.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from glossary.text import known_words, normalise

MIN_LENGTH = 4
_WORD = re.compile(r"\w+", re.UNICODE)


class Corrector:
    """Replaces unknown words by the most frequent known word at edit distance 1."""

    def __init__(self, counts: dict[str, int] | None = None,
                 lexicon: frozenset[str] | None = None) -> None:
        self.counts: dict[str, int] = dict(counts or {})
        # Normalised Dutch word forms (the glossary matcher's own list of words that are no typo).
        self.lexicon = known_words() if lexicon is None else lexicon
        self._alphabet = "".join(sorted({c for w in self.counts for c in w}))
        self._cache: dict[str, str] = {}

    @classmethod
    def fit(cls, texts: Iterable[str]) -> Corrector:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(_WORD.findall(text.lower()))
        return cls(dict(counts))

    def word(self, word: str) -> str:
        """``word`` itself when known, short or a number; otherwise its correction (or itself)."""
        if (not self.counts or word in self.counts or len(word) < MIN_LENGTH
                or not word.isalpha() or normalise(word) in self.lexicon):
            return word
        hit = self._cache.get(word)
        if hit is None:
            candidates = [w for w in _edits(word, self._alphabet) if w in self.counts]
            # Most frequent first; ties by the word itself, so the choice never depends on order.
            hit = min(candidates, key=lambda w: (-self.counts[w], w)) if candidates else word
            if len(self._cache) < 50_000:
                self._cache[word] = hit
        return hit

    def text(self, text: str) -> str:
        """``text`` in lower case with every word corrected; the rest (spaces, signs) kept."""
        return _WORD.sub(lambda m: self.word(m.group(0)), text.lower())


def _edits(word: str, alphabet: str) -> set[str]:
    """Every string at Damerau-Levenshtein distance 1 from ``word`` over ``alphabet``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet if c != b[0]}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return (deletes | swaps | replaces | inserts) - {word}
