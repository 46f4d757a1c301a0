"""Only the known third-party warnings are dropped; everything else is still shown."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

from bot.services import noise
from bot.services.topics import TOPICS

ROOT = Path(__file__).resolve().parents[3]
SITE = "/x/.venv/lib/python3.10/site-packages"


def test_known_warnings_are_recognised_by_text_and_place() -> None:
    assert noise.is_known("pkg_resources is deprecated as an API. See ...", f"{SITE}/rasa/shared/utils/validation.py")
    assert noise.is_known("'setParseAction' deprecated - use 'set_parse_action'", f"{SITE}/matplotlib/fontconfig_pattern.py")
    assert noise.is_known("The utterance 'utter_ask_subsidy' is not used in any story or rule.", f"{SITE}/rasa/shared/utils/io.py")
    dup = ("The following duplicated intents have been found across multiple domain files: "
           "ask_hiring_support, ask_permit, ask_subsidy")
    assert noise.is_known(dup, f"{SITE}/rasa/shared/utils/io.py")


def test_a_real_warning_still_stands_out() -> None:
    io_py = f"{SITE}/rasa/shared/utils/io.py"
    assert not noise.is_known("The utterance 'utter_greet' is not used in any story or rule.", io_py)
    assert not noise.is_known("The following duplicated intents have been found across multiple "
                              "domain files: greet", io_py)
    assert not noise.is_known("The following duplicated intents have been found across multiple "
                              "domain files: ask_subsidy, greet", io_py)
    # The same text from our own code is not someone else's noise.
    assert not noise.is_known("pkg_resources is deprecated as an API", str(ROOT / "bot" / "x.py"))
    assert not noise.is_known("something new is deprecated", f"{SITE}/rasa/core/agent.py")


def test_the_topic_names_in_the_filter_are_the_registrys() -> None:
    pattern = re.compile(noise._TOPIC_INTENT + "$")
    assert all(pattern.match(f"ask_{key}") for key in TOPICS)
    named = set(re.findall(r"[a-z_]+", noise._TOPIC_INTENT.split("ask_(", 1)[1]))
    assert named == set(TOPICS)


def test_quiet_drops_known_and_shows_others() -> None:
    before = warnings.showwarning
    shown: list[str] = []
    try:
        warnings.showwarning = lambda message, *args, **kwargs: shown.append(str(message))
        noise.quiet_known_warnings()
        noise.quiet_known_warnings()  # twice is once
        warnings.showwarning("distutils Version classes are deprecated.", DeprecationWarning,
                             f"{SITE}/sanic_cors/extension.py", 39)
        warnings.showwarning("a new problem", UserWarning, f"{SITE}/rasa/core/agent.py", 1)
        assert shown == ["a new problem"]
    finally:
        warnings.showwarning = before


def test_rasa_data_validate_prints_no_warning() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run(
        [sys.executable, "-m", "bot.plugins.quiet", "data", "validate", "--config", "config.yml",
         "--domain", "bot/domain", "--data", "data", "--fail-on-warnings"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert "Warning" not in out.stdout + out.stderr, (out.stdout + out.stderr)[-3000:]
