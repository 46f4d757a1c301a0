"""The matcher finds terms in free Dutch text, in both directions, without firing on
ordinary words."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.matcher import Matcher

from .conftest import make_entry

HERE = Path(__file__).resolve().parent


def found(matcher: Matcher, text: str) -> list[tuple[str, str]]:
    return [(m.matched, m.entry_id) for m in matcher.lookup(text)]


@pytest.mark.parametrize(
    ("text", "matched", "entry_id"),
    [
        ("Wij doen mee aan AANBESTEDINGEN.", "AANBESTEDINGEN", "aanbesteding"),
        ("De opdracht is gegund aan ons.", "gegund", "gunning"),
        ("Ik kreeg twee beschikkingen", "beschikkingen", "beschikking"),
        ("We krijgen loonkosten subsidie", "loonkosten subsidie", "loonkostensubsidie"),
        ("Is dit een loonkosten-subsidie?", "loonkosten-subsidie", "loonkostensubsidie"),
        ("Er zit een SROI-eis in", "SROI", "social-return-on-investment"),
        ("Zie de subsidie-aanvraag", "subsidie-aanvraag", "subsidieaanvraag"),
        ("Volgens de A.P.V. mag dat", "A.P.V.", "algemene-plaatselijke-verordening"),
        ("volgens de apv mag dat", "apv", "algemene-plaatselijke-verordening"),
        ("een aanbestdeing van de stad", "aanbestdeing", "aanbesteding"),
        ("een anbesteding van de stad", "anbesteding", "aanbesteding"),
        ("de gemeente wil een loonkostensubsidy geven", "loonkostensubsidy", "loonkostensubsidie"),
        ("Lees de nota van inlichtingen goed", "nota van inlichtingen", "nota-van-inlichtingen"),
        ("Ik zoek funding voor mijn plan", "funding", "subsidie"),
        ("Een klus van de gemeente binnenhalen", "klus van de gemeente", "opdracht"),
        ("Wij maken veel impact", "impact", "maatschappelijke-waarde"),
        ("De Wmo regelt dat", "Wmo", "wmo"),
        ("hoeveel percelen zijn er", "percelen", "perceel"),
        ("Ze hebben twee raamovereenkomsten", "raamovereenkomsten", "raamovereenkomst"),
    ],
)
def test_finds_inflections_compounds_typos_and_everyday_words(
    curated_matcher, text, matched, entry_id
) -> None:
    assert (matched, entry_id) in found(curated_matcher, text)


def test_offsets_point_into_the_text(curated_matcher) -> None:
    text = "Na de gunningsbeslissing start de Alcateltermijn van twintig dagen."
    matches = curated_matcher.lookup(text)
    assert [m.entry_id for m in matches] == ["gunningsbeslissing", "alcateltermijn"]
    for m in matches:
        assert text[m.start : m.end] == m.matched


def test_longest_match_wins_and_matches_do_not_overlap(curated_matcher) -> None:
    text = "Het was een enkelvoudig onderhandse procedure, geen Europese aanbesteding."
    matches = curated_matcher.lookup(text)
    assert [m.entry_id for m in matches] == [
        "enkelvoudig-onderhandse-procedure",
        "europese-aanbesteding",
    ]
    spans = sorted((m.start, m.end) for m in matches)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))


def test_longest_match_on_a_small_index() -> None:
    matcher = Matcher.build(
        [
            make_entry("subsidie", "subsidie"),
            make_entry("subsidieplafond", "subsidieplafond"),
            make_entry("subsidie-aanvraag", "subsidie aanvraag"),
        ]
    )
    assert found(matcher, "het subsidieplafond") == [("subsidieplafond", "subsidieplafond")]
    assert found(matcher, "een subsidie aanvraag doen") == [
        ("subsidie aanvraag", "subsidie-aanvraag")
    ]


def test_short_words_are_not_stemmed_or_corrected(curated_matcher) -> None:
    assert found(curated_matcher, "ik gun het je") == []
    assert found(curated_matcher, "een PSO-trede") == [("PSO", "prestatieladder-socialer-ondernemen")]


def test_ordinary_dutch_words_are_not_taken_for_typos(curated_matcher) -> None:
    # "opdrachten" is a plural of a term, "bedrijven" and "gemeente" are ordinary words.
    assert found(curated_matcher, "Bedrijven en de gemeente praten samen.") == []


def test_only_given_entries_are_indexed() -> None:
    matcher = Matcher.build([make_entry("x-begrip", "flurbatiek")])
    assert found(matcher, "Dit gaat over flurbatieken.") == [("flurbatieken", "x-begrip")]
    assert found(matcher, "Dit gaat over een aanbesteding.") == []


def test_false_match_rate_on_ordinary_sentences_is_at_most_one_percent(curated_matcher) -> None:
    lines = (HERE / "ordinary_sentences.txt").read_text(encoding="utf-8").splitlines()
    sentences = [s for s in lines if s.strip() and not s.startswith("#")]
    assert len(sentences) >= 200
    hits = {s: found(curated_matcher, s) for s in sentences}
    false = {s: h for s, h in hits.items() if h}
    assert len(false) / len(sentences) <= 0.01, false


def test_suggest_offers_close_entries(curated_matcher) -> None:
    ids = [e.id for e in curated_matcher.suggest("subsidieplafon")]
    assert ids[0] == "subsidieplafond"
    assert curated_matcher.suggest("xq") == []


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("de regels voor staatssteun en de-minimissteun", "staatssteun"),
        ("een beschikking en een voorschot", "beschikking"),
    ],
)
def test_a_little_word_after_a_term_is_not_glued_to_it(curated_matcher, text, matched) -> None:
    first = curated_matcher.lookup(text)[0]
    assert first.matched == matched
    assert text[first.start : first.end] == matched
