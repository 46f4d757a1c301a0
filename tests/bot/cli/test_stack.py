"""The launcher builds command lines Rasa parses, whatever the API token looks like."""

from __future__ import annotations

import pytest

from bot.cli import stack as stack_module
from bot.services.settings import load_settings


@pytest.mark.parametrize("token", ["-starts-with-a-dash", "--looks-like-an-option", "plain"])
def test_rasa_parses_the_api_token_even_when_it_starts_with_a_dash(monkeypatch, tmp_path, token) -> None:
    from rasa.__main__ import create_argument_parser

    spawned: dict = {}
    monkeypatch.setattr(stack_module.Stack, "start_part", lambda self, part: spawned.update(cmd=part.cmd))
    stack = stack_module.Stack(load_settings(env={}, root=tmp_path), enable_api=True, api_token=token)
    stack.start_rasa()
    cmd = spawned["cmd"]
    assert cmd[:3] == stack_module.rasa_server_command()
    args = create_argument_parser().parse_args(cmd[3:])
    assert args.auth_token == token and args.enable_api


def test_generated_tokens_never_start_with_a_dash(tmp_path) -> None:
    settings = load_settings(env={}, root=tmp_path)
    tokens = {stack_module.Stack(settings).api_token for _ in range(500)}
    assert len(tokens) == 500 and not any(t.startswith("-") for t in tokens)


def test_the_test_date_reaches_the_action_server(monkeypatch):
    """GEMEENTETOLK_TODAY in the settings (tests only) is passed to the processes."""
    monkeypatch.delenv("GEMEENTETOLK_TODAY", raising=False)
    assert "GEMEENTETOLK_TODAY" not in stack_module.child_env(load_settings(env={}))
    env = stack_module.child_env(load_settings(env={"GEMEENTETOLK_TODAY": "2028-01-15"}))
    assert env["GEMEENTETOLK_TODAY"] == "2028-01-15"


def test_the_website_limits_of_the_settings_reach_the_rasa_server(monkeypatch):
    """A Stack started with other limits (tests, load runs) gives them to the channel, which
    reads them from its environment; before, they were silently the defaults."""
    import dataclasses

    monkeypatch.setenv("GEMEENTETOLK_WEB_ADDRESS_MESSAGES_PER_MINUTE", "7")
    settings = dataclasses.replace(load_settings(env={}), web_address_messages_per_minute=900,
                                   web_sessions_per_minute=800, web_messages_per_minute=30)
    env = stack_module.child_env(settings)
    back = load_settings(env=env)
    assert (back.web_address_messages_per_minute, back.web_sessions_per_minute,
            back.web_messages_per_minute) == (900, 800, 30)
