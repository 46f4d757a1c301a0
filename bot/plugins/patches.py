"""Hot spots of the Rasa 3.6 server, made cheaper without changing what it does.

`make bench` with py-spy showed where a turn's CPU goes in the Rasa server, and cProfile where
a start goes. This module replaces costs that are pure overhead. Nothing happens at import: ``install()`` is
called from one entry point only, ``bot.plugins.server`` (how ``gemeentetolk run`` starts the
Rasa server), and it refuses to patch any Rasa version but the pinned one (``RASA_VERSION``,
the same as in pyproject.toml; a test fails when the two differ). Each patch has a name, so
the bench can measure it on its own (``GEMEENTETOLK_PATCHES``: ``all``, ``none`` or a list).

``Event.resolve_by_type`` walks all subclasses of ``Event`` for every event it reads back
from the tracker store (hundreds per turn in a long conversation). Here the type name ->
class lookup is kept in a dict; an unknown name refreshes the dict first, so event classes
imported later are still found.

``eager_build``: loading a model, ``RasaModel.load`` (DIET and the ResponseSelector) trains
on one example "to build weights of the correct size", then loads the trained weights over
them. That one step is traced into a TensorFlow graph with its gradients: on this machine
46 of the 66 s a start took (cProfile of ``Agent.load``). Here that step runs eagerly (no
tracing; the weights it makes are overwritten anyway), then the model is compiled again as
Rasa configured it, so predictions and fine-tuning run exactly as before. The predictions of
a model loaded both ways are compared in tests/bot/plugins/test_patches.py.

The replacements are checked against Rasa's own behaviour in tests/bot/plugins/test_patches.py.
Only what pays stays: ``python -m tools.bench_patches`` measures each patch on its own
(reports/patches.json). A cached validator for action results was removed on 2026-12-02: on
its own it did not lower the CPU per turn by more than the noise between two unpatched runs
(since ``action_answer`` reads the domain itself, the validated results are small).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import rasa
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses
from rasa.utils.tensorflow.models import RasaModel

log = logging.getLogger(__name__)

# The Rasa release these replacements were written and tested against.
RASA_VERSION = "3.6.21"
PATCHES = ("event_lookup", "eager_build")  # the same names as settings.KNOWN_PATCHES

_ORIGINAL_RESOLVE = Event.resolve_by_type
_ORIGINAL_LOAD = RasaModel.__dict__["load"]  # the classmethod object itself
_event_types: dict[str, type[Event]] = {}


def _refresh_event_types() -> None:
    _event_types.clear()
    for cls in reversed(all_subclasses(Event)):
        # Reversed, so that the first class Rasa's own loop would find wins.
        _event_types[cls.type_name] = cls


def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
    """Same contract as ``Event.resolve_by_type``, with the lookup cached."""
    cls = _event_types.get(type_name)
    if cls is None:
        _refresh_event_types()
        cls = _event_types.get(type_name)
    if cls is not None:
        return cls
    # Unknown names: Rasa's own handling ("topic" -> None, default, or ValueError).
    return _ORIGINAL_RESOLVE(type_name, default)


def _load_building_eagerly(cls, model_file_name, model_data_example, predict_data_example=None,
                           finetune_mode=False, *args, **kwargs):
    """``RasaModel.load`` of Rasa 3.6.21, with the one-example build step run eagerly."""
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    model = cls(*args, **kwargs)
    learning_rate = kwargs.get("config", {}).get(LEARNING_RATE, 0.001)
    run_eagerly = kwargs.get("config", {}).get(RUN_EAGERLY)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate), run_eagerly=True)
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.compile(optimizer=model.optimizer, run_eagerly=run_eagerly)  # as Rasa compiled it
    model.load_weights(model_file_name)
    if not finetune_mode and predict_data_example:
        model.run_inference(predict_data_example)  # traces the prediction graph, as Rasa does
    return model


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
    if "event_lookup" in chosen:
        Event.resolve_by_type = staticmethod(resolve_by_type)
    if "eager_build" in chosen:
        RasaModel.load = classmethod(_load_building_eagerly)
    log.info("Rasa speed-ups installed: %s", ", ".join(chosen) or "none")
    return chosen


def uninstall() -> None:
    """Put Rasa's originals back (for tests that compare both)."""
    Event.resolve_by_type = staticmethod(_ORIGINAL_RESOLVE)
    RasaModel.load = _ORIGINAL_LOAD


__all__ = ["PATCHES", "RASA_VERSION", "install", "uninstall"]
