"""bridge_text: the first official term not yet explained gets its plain paraphrase, once."""

from __future__ import annotations

from glossary.bridge import bridge_text


def test_first_official_term_gets_its_paraphrase(curated_matcher) -> None:
    text = "Bij een aanbesteding let de gemeente op de gunningscriteria."
    result = bridge_text(text, curated_matcher, [])
    assert result.text == (
        "Bij een aanbesteding (een opdracht waar meerdere bedrijven op mogen bieden) "
        "let de gemeente op de gunningscriteria."
    )
    assert result.explained == ["aanbesteding"]
    entry = curated_matcher.entry("aanbesteding")
    # Everything the widget shows under the answer travels with it (no second lookup).
    assert result.terms == [
        {
            "id": "aanbesteding",
            "term": "aanbesteding",
            "plain": "een opdracht waar meerdere bedrijven op mogen bieden",
            "definition": entry.definition,
            "source": entry.source,
        }
    ]
    assert entry.definition.startswith("Een aanbesteding is") and entry.source


def test_already_explained_terms_are_skipped(curated_matcher) -> None:
    text = "Bij een aanbesteding let de gemeente op de gunningscriteria."
    result = bridge_text(text, curated_matcher, ["aanbesteding"])
    assert "gunningscriteria (de punten waarop de gemeente de aanbiedingen vergelijkt)" in result.text
    assert "aanbesteding (" not in result.text
    assert result.explained == ["aanbesteding", "gunningscriteria"]


def test_entrepreneur_words_are_not_explained(curated_matcher) -> None:
    result = bridge_text("Zoek je funding?", curated_matcher, [])
    assert result.text == "Zoek je funding?"
    assert result.terms == []


def test_abbreviations_count_as_official(curated_matcher) -> None:
    result = bridge_text("De gemeente vraagt 5% SROI.", curated_matcher, None)
    assert result.text.startswith("De gemeente vraagt 5% SROI (")
    assert result.explained == ["social-return-on-investment"]


def test_nothing_to_bridge(curated_matcher) -> None:
    result = bridge_text("Fijn dat je er bent.", curated_matcher, ["wmo"])
    assert result.text == "Fijn dat je er bent."
    assert result.explained == ["wmo"]
    assert bridge_text("", curated_matcher, []).text == ""
