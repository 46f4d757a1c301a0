"""Hot spots of the Rasa 3.6 server, made cheaper without changing what they do.

`make bench` with py-spy showed where a turn's CPU goes in the Rasa server, and cProfile where
a start goes. This module replaces costs that are pure overhead. Nothing happens at import:
``install()`` is called from one entry point only, ``bot.plugins.server`` (how ``gemeentetolk
run`` starts the Rasa server), and it refuses to patch any Rasa version but the pinned one
(``RASA_VERSION``, the same as in pyproject.toml; a test fails when the two differ). Each patch
has a name, so the bench can measure it on its own (``GEMEENTETOLK_PATCHES``: ``all``,
``none`` or a list).

``action_validator``: ``RemoteAction._validate_action_result`` calls ``jsonschema.validate``
for every custom action call. That function first checks Rasa's (constant) schema against the
JSON Schema meta-schema (Draft 2020-12 in jsonschema 4.17, the slow part) and builds a new
validator each time: the largest single cost of the Rasa server in a py-spy profile of topic
turns (about 23 ms per call on the 2-core development machine, under 1 ms with the validator
built once). Here the validator is built once; every result is still validated against the
same schema, and a bad one raises the same ``ValidationError`` with Rasa's hint.

``event_lookup`` (removed 2026-12-02): it cached ``Event.resolve_by_type``'s walk over the
subclasses of ``Event``. With the tracker store reading only new events (bot/plugins/tracker_store.py)
a turn reads few events, and ``tools.bench_patches`` measured 0.47 ms per turn, within the
noise (reports/patches.json): it no longer paid. It only shortened Rasa's full read of a long
conversation over the HTTP API.

``eager_build`` (removed 2026-12-02): it made ``RasaModel.load`` (DIET and the ResponseSelector)
build its weights without tracing a TensorFlow graph. Since the NLU is a linear classifier
(``bot/plugins/linear_nlu.py``) and the policies use no TensorFlow, no model of this kind is
loaded any more, so it had nothing left to patch.

The replacements are checked against Rasa's own behaviour in tests/bot/plugins/test_patches.py.
Only what pays stays:
``python -m tools.bench_patches`` measures each patch on its own (reports/patches.json).
``action_validator`` was removed once on 2026-12-02 after a bench run on a busy machine put it
within the noise, and restored the same day when a py-spy profile and a direct measurement
showed its cost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import rasa
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

log = logging.getLogger(__name__)

# The Rasa release these replacements were written and tested against.
RASA_VERSION = "3.6.21"
PATCHES = ("action_validator",)  # = settings.KNOWN_PATCHES

_ORIGINAL_VALIDATE = RemoteAction._validate_action_result
_validator: Any = None


def action_result_validator() -> Any:
    """The validator for action server responses, built once from Rasa's schema."""
    global _validator
    if _validator is None:
        schema = RemoteAction.action_response_format_spec()
        _validator = validator_for(schema)(schema)
    return _validator


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Same contract as Rasa's: True when valid, else raises ValidationError."""
    error = best_match(action_result_validator().iter_errors(result))
    if error is not None:
        # Rasa adds this hint to the message (rasa/core/actions/action.py).
        error.message += (
            ". Failed to validate Action server response from API, "
            "make sure your response from the Action endpoint is valid. "
            "For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


class UnsupportedRasaVersion(RuntimeError):
    """The installed Rasa is not the release the patches were made for."""


def install(names: Iterable[str] = PATCHES, rasa_version: str | None = None) -> list[str]:
    """Replace the named hot spots (idempotent). Returns the names installed.

    Raises UnsupportedRasaVersion for any Rasa release but ``RASA_VERSION``: a replaced
    internal may have changed shape, so nothing is patched until the tests are re-run and
    the pin is moved.
    """
    version = rasa_version or rasa.__version__
    if version != RASA_VERSION:
        raise UnsupportedRasaVersion(
            f"bot.plugins.patches is for Rasa {RASA_VERSION}, not {version}: nothing patched."
        )
    chosen = [n for n in PATCHES if n in set(names)]
    unknown = set(names) - set(PATCHES)
    if unknown:
        raise ValueError(f"Unknown patches: {', '.join(sorted(unknown))}")
    if "action_validator" in chosen:
        RemoteAction._validate_action_result = validate_action_result
    log.info("Rasa speed-ups installed: %s", ", ".join(chosen) or "none")
    return chosen


def uninstall() -> None:
    """Put Rasa's originals back (for tests that compare both)."""
    RemoteAction._validate_action_result = _ORIGINAL_VALIDATE


__all__ = ["PATCHES", "RASA_VERSION", "install", "uninstall", "validate_action_result"]
