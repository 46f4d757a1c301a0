"""Find glossary terms in free Dutch text, in both directions (official and everyday words).

Index: every label (prefLabel, altLabel, hiddenLabel) becomes a sequence of word keys
(lemma + light stem, see glossary.text) and a "compact" key (all words glued together), so
"loonkosten subsidie", "loonkosten-subsidie" and "loonkostensubsidies" find the same entry.
Typos are corrected per word against the label vocabulary (SymSpell-style deletion index,
edit distance scaled to word length), but never for ordinary Dutch words.
Longest match wins; matches never overlap.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from glossary.model import Entry
from glossary.text import (
    JOINER_RE,
    KeyCache,
    allowed_edits,
    damerau_levenshtein,
    deletes,
    known_words,
    normalise,
    tokenize,
)

MAX_JOIN = 3  # words glued together when looking for a split compound
MIN_PART = 3  # shortest word that can be the later part of a split compound
HEAD = 6  # letters of a glued compound checked before computing its key
KIND_RANK = {"pref": 0, "alt": 1, "hidden": 2}


@dataclass(frozen=True)
class Match:
    entry_id: str
    term: str  # the entry's prefLabel
    labels: list[str]
    matched: str  # surface text in the input
    start: int
    end: int
    label: str = ""  # the label that matched
    kind: str = "pref"  # pref, alt or hidden
    fuzzy: bool = False

    def as_json(self) -> dict:
        return {
            "id": self.entry_id,
            "term": self.term,
            "labels": list(self.labels),
            "matched": self.matched,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class _Target:
    entry_id: str
    label: str
    kind: str


@dataclass
class Matcher:
    entries: dict[str, Entry] = field(default_factory=dict)
    _seq: dict[tuple[str, ...], _Target] = field(default_factory=dict)
    _compact: dict[str, _Target] = field(default_factory=dict)
    _compact_heads: set[str] = field(default_factory=set)  # first letters of compact labels
    _first_keys: set[str] = field(default_factory=set)  # first word keys of multi-word labels
    _max_words: int = 1
    _vocab: set[str] = field(default_factory=set)
    _delete_index: dict[str, str | set[str]] = field(default_factory=dict)
    _prefix_index: dict[str, list[str]] = field(default_factory=dict)
    _keys: KeyCache = field(default_factory=KeyCache)

    # --- building -------------------------------------------------------------------
    @classmethod
    def build(cls, entries: Iterable[Entry], fuzzy: bool = True) -> Matcher:
        matcher = cls()
        for entry in entries:
            matcher.add(entry)
        if fuzzy:
            matcher._build_fuzzy()
        return matcher

    def add(self, entry: Entry) -> None:
        self.entries[entry.id] = entry
        labelled = [(entry.pref_label, "pref")]
        labelled += [(a, "alt") for a in entry.alt_labels]
        labelled += [(h, "hidden") for h in entry.hidden_labels]
        for label, kind in labelled:
            tokens = tokenize(label)
            if not tokens:
                continue
            target = _Target(entry.id, label, kind)
            keys = tuple(self._keys.key(t.norm) for t in tokens)
            self._put(self._seq, keys, target)
            if len(keys) > 1:
                self._first_keys.add(keys[0])
            joined = "".join(t.norm for t in tokens)
            self._put(self._compact, self._keys.key(joined), target)
            self._compact_heads.add(joined[:HEAD])
            self._max_words = max(self._max_words, len(tokens))
            self._vocab.update(t.norm for t in tokens if allowed_edits(t.norm))

    @staticmethod
    def _put(index: dict, key, target: _Target) -> None:
        old = index.get(key)
        if old is None or KIND_RANK[target.kind] < KIND_RANK[old.kind]:
            index[key] = target

    def _build_fuzzy(self) -> None:
        # Deletion index: every label word and each form with one letter deleted -> the
        # word(s). Most keys have one word, kept as a plain string to save memory.
        index: dict[str, str | set[str]] = {}
        for word in self._vocab:
            for i in range(len(word) + 1):
                d = word if i == len(word) else word[:i] + word[i + 1 :]
                bucket = index.get(d)
                if bucket is None:
                    index[d] = word
                elif isinstance(bucket, str):
                    if bucket != word:
                        index[d] = {bucket, word}
                else:
                    bucket.add(word)
        self._delete_index = index
        prefixes: dict[str, list[str]] = {}
        for word in self._vocab:
            if allowed_edits(word) >= 2:
                prefixes.setdefault(word[:2], []).append(word)
        self._prefix_index = prefixes

    # --- lookup ----------------------------------------------------------------------
    def entry(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def __len__(self) -> int:
        return len(self.entries)

    def _correct(self, norm: str) -> str | None:
        """The label word a typo stands for, or None."""
        edits = allowed_edits(norm)
        if not edits or not self._delete_index or norm in self._vocab or norm in known_words():
            return None
        # One edit: symmetric deletion index. Two edits (long words): words with the same
        # first two letters and about the same length, checked one by one.
        candidates: set[str] = set()
        for d in deletes(norm, 1):
            bucket = self._delete_index.get(d)
            if isinstance(bucket, str):
                candidates.add(bucket)
            elif bucket:
                candidates |= bucket
        if edits >= 2:
            candidates.update(
                w for w in self._prefix_index.get(norm[:2], ()) if abs(len(w) - len(norm)) <= 2
            )
        best: tuple[int, str] | None = None
        for cand in candidates:
            if cand[0] != norm[0]:
                continue
            dist = damerau_levenshtein(norm, cand, edits)
            if dist <= min(edits, allowed_edits(cand)) and (best is None or (dist, cand) < best):
                best = (dist, cand)
        return best[1] if best else None

    def lookup(self, text: str) -> list[Match]:
        tokens = tokenize(text or "")
        if not tokens:
            return []
        norms: list[str] = []
        fuzzy: list[bool] = []
        for tok in tokens:
            fixed = self._correct(tok.norm) if self._delete_index else None
            norms.append(fixed or tok.norm)
            fuzzy.append(fixed is not None)
        keys = [self._keys.key(n) for n in norms]
        n_tok = len(tokens)
        # joinable[j]: token j may continue a term that starts before it (only spaces or
        # hyphens in between, no punctuation).
        joinable = [False] + [
            bool(JOINER_RE.match(text[tokens[j - 1].end : tokens[j].start]))
            for j in range(1, n_tok)
        ]
        seq, compact, heads, firsts = (
            self._seq,
            self._compact,
            self._compact_heads,
            self._first_keys,
        )
        window = max(self._max_words, MAX_JOIN)
        candidates: list[tuple[int, int, int, int, _Target]] = []
        for i in range(n_tok):
            target = seq.get((keys[i],))
            if target is not None:
                start, end = tokens[i].start, tokens[i].end
                candidates.append((start - end, start, i, i, target))
            multi = keys[i] in firsts
            joined = norms[i]
            glue = len(joined) < HEAD or joined[:HEAD] in heads
            if not (multi or glue):
                continue
            for j in range(i + 1, min(n_tok, i + window)):
                if not joinable[j]:
                    break
                span = j - i + 1
                target = None
                if multi and span <= self._max_words:
                    target = seq.get(tuple(keys[i : j + 1]))
                if glue and len(norms[j]) < MIN_PART:
                    glue = False  # "staatssteun en" is not the compound "staatssteunen"
                if target is None and glue and span <= MAX_JOIN:
                    joined += norms[j]
                    if joined[:HEAD] in heads:
                        target = compact.get(self._keys.key(joined))
                if target is not None:
                    start, end = tokens[i].start, tokens[j].end
                    candidates.append((start - end, start, i, j, target))
        candidates.sort(key=lambda c: (c[0], c[1]))
        taken = [False] * n_tok
        chosen: list[Match] = []
        for _, _, i, j, target in candidates:
            if any(taken[i : j + 1]):
                continue
            for k in range(i, j + 1):
                taken[k] = True
            entry = self.entries[target.entry_id]
            start, end = tokens[i].start, tokens[j].end
            chosen.append(
                Match(
                    entry_id=entry.id,
                    term=entry.pref_label,
                    labels=entry.labels,
                    matched=text[start:end],
                    start=start,
                    end=end,
                    label=target.label,
                    kind=target.kind,
                    fuzzy=any(fuzzy[i : j + 1]),
                )
            )
        chosen.sort(key=lambda m: m.start)
        return chosen

    def suggest(self, word: str, limit: int = 3) -> list[Entry]:
        """Up to ``limit`` entries whose labels look most like ``word`` (for 'did you mean')."""
        target = normalise(word)
        if not target:
            return []
        scored: dict[str, float] = {}
        for entry in self.entries.values():
            for label in [entry.pref_label, *entry.alt_labels, *entry.hidden_labels]:
                norm = normalise(label)
                score = difflib.SequenceMatcher(None, target, norm).ratio()
                if len(target) >= 4 and (target in norm or norm in target):
                    score = max(score, 0.75)
                if score > scored.get(entry.id, 0.0):
                    scored[entry.id] = score
        ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
        return [self.entries[eid] for eid, score in ranked[:limit] if score >= 0.6]
