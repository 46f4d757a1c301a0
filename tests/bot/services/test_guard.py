import pytest

from bot.services.guard import (
    EMPTY_REPLY,
    MAX_CHARS,
    NO_WORDS_REPLY,
    TOO_LONG_REPLY,
    ButtonMemory,
    button_payloads,
    check_text,
    clean_metadata,
)


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t ", 42])
def test_empty_or_missing_text_gets_dutch_reply(text) -> None:
    verdict = check_text(text, "s1", ButtonMemory())
    assert verdict.reply == EMPTY_REPLY
    assert verdict.text is None


def test_too_long_text_is_refused_with_reason() -> None:
    verdict = check_text("a" * (MAX_CHARS + 1), "s1", ButtonMemory())
    assert verdict.reply == TOO_LONG_REPLY
    assert check_text("a" * MAX_CHARS, "s1", ButtonMemory()).text == "a" * MAX_CHARS


@pytest.mark.parametrize("text", ["😀😀😀", "?!?!", "👍 🙏"])
def test_emoji_only_gets_dutch_reply(text: str) -> None:
    assert check_text(text, "s1", ButtonMemory()).reply == NO_WORDS_REPLY


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/greet", "greet"),
        ('/ask_contact{"municipality": "x"}', 'ask_contact{"municipality": "x"}'),
        ("  //restart", "restart"),
        ("/ hoi", "hoi"),
    ],
)
def test_typed_commands_become_plain_text(typed: str, expected: str) -> None:
    verdict = check_text(typed, "s1", ButtonMemory())
    assert verdict.text == expected
    assert not verdict.text.startswith("/")


def test_only_offered_button_payloads_pass_for_that_conversation() -> None:
    memory = ButtonMemory()
    memory.record("s1", button_payloads({"buttons": [{"title": "Inkoop", "payload": "/ask_procurement"}]}))
    assert check_text("/ask_procurement", "s1", memory).text == "/ask_procurement"
    # another conversation, or another payload, is neutralised
    assert check_text("/ask_procurement", "s2", memory).text == "ask_procurement"
    assert check_text("/ask_subsidy", "s1", memory).text == "ask_subsidy"


def test_button_memory_is_bounded() -> None:
    memory = ButtonMemory(max_conversations=2)
    for sender in ("a", "b", "c"):
        memory.record(sender, ["/x"])
    assert not memory.offered("a", "/x")
    assert memory.offered("c", "/x")


def test_control_characters_are_removed() -> None:
    assert check_text("hal\x00lo\x1b", "s", ButtonMemory()).text == "hal lo"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"municipality": "Dijkstede"}, {"municipality": "dijkstede"}),
        ({"municipality": "../../etc"}, {}),
        ({"municipality": 5, "evil": "x"}, {}),
        ("not a dict", {}),
        (None, {}),
    ],
)
def test_metadata_is_cleaned(metadata, expected) -> None:
    assert clean_metadata(metadata) == expected
