"""Masking personal data before a user's text is shown or stored as training data."""

from __future__ import annotations

import pytest

from bot.services import privacy


@pytest.mark.parametrize("text, expected", [
    ("mail me op jan.jansen@example.nl graag", "mail me op [e-mailadres] graag"),
    ("bel 06-12345678 of 010 123 45 67", "bel [telefoonnummer] of [telefoonnummer]"),
    ("mijn nummer: +31 (0)6 1234 5678.", "mijn nummer: [telefoonnummer]."),
    ("0031612345678", "[telefoonnummer]"),
    ("twee: 0612345678 0201234567", "twee: [telefoonnummer] [telefoonnummer]"),
    ("bsn 123456782 of 111.222.333", "bsn [BSN] of [BSN]"),
    ("iban NL91 ABNA 0417 1643 00", "iban [rekeningnummer]"),
])
def test_personal_data_is_masked(text, expected):
    assert privacy.mask(text) == expected


@pytest.mark.parametrize("text", [
    "nummer 123456789 is geen bsn",  # nine digits that fail the elfproef
    "mijn kvk is 12345678",  # a KVK number is not personal data of a person
    "de drempel is 216.000 euro in 2026 2027",
    "hoe werkt een aanbesteding?",
])
def test_other_numbers_and_text_stay(text):
    assert privacy.mask(text) == text


def test_elfproef():
    assert privacy.elfproef("123456782")
    assert not privacy.elfproef("123456789")
    assert not privacy.elfproef("000000000")
    assert not privacy.elfproef("12345678")


def test_training_text_has_no_annotation_characters_and_no_personal_data():
    text = privacy.for_training("stuur [dit](term) naar a@b.nl {x}\n  of bel 0612345678")
    assert text == "stuur dit term naar e-mailadres x of bel telefoonnummer"
    assert not set("[]{}()") & set(text)


def test_normalise_ignores_case_accents_and_punctuation():
    assert privacy.normalise("Hoe  wérkt een Tender?!") == "hoe werkt een tender"
