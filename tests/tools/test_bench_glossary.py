"""The baseline of `make bench-glossary`: one compiled regular expression over all labels."""

from __future__ import annotations

import re

from glossary.model import Entry
from tools.bench_glossary import AlternationMatcher, synthetic_entries, trie_pattern


def _entry(id_: str, label: str, *alt: str) -> Entry:
    return Entry(id=id_, pref_label=label, alt_labels=list(alt), hidden_labels=[],
                 definition="Een test is een test.", plain="test", status="vastgesteld")


def test_one_pattern_finds_the_longest_whole_label_in_any_case() -> None:
    matcher = AlternationMatcher([_entry("a", "aan"), _entry("b", "aanbesteding"),
                                  _entry("c", "aanbod", "het bod")])
    text = "De Aanbesteding en het aanbod, niet aanx; wel het bod."
    found = [(i, text[s:e]) for i, s, e in matcher.lookup(text)]
    assert found == [("b", "Aanbesteding"), ("c", "aanbod"), ("c", "het bod")]


def test_the_tree_pattern_matches_exactly_the_labels() -> None:
    labels = sorted({e.pref_label.lower() for e in synthetic_entries(300)})
    pattern = re.compile(trie_pattern(labels))
    assert all(pattern.fullmatch(label) for label in labels)
    assert not any(pattern.fullmatch(label + "q") for label in labels)
