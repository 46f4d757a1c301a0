"""Known third-party warnings that tell a Gemeentetolk user nothing, in one place.

Each entry names the warning's text (a regular expression, matched from the start), the
module it comes from, and why it is harmless here. ``quiet_known_warnings()`` drops exactly
these and nothing else, so a real warning still stands out. The launchers call it first:
``bot/plugins/server.py`` (the Rasa server and shell), ``bot/plugins/quiet.py`` (training,
``rasa data validate`` and the conversation tests in the Makefile) and ``actions/server.py``.

It works by wrapping ``warnings.showwarning``: Sanic turns every DeprecationWarning back on
when it is imported (``filterwarnings("once", DeprecationWarning)`` in sanic/app.py) and Rasa
puts its own "once" filter in front, so an "ignore" filter or PYTHONWARNINGS entry would lose.
The last three entries are Rasa's own data warnings that are false alarms for this design
(see the comment there); any other data warning is shown.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Known:
    message: str  # regular expression, matched at the start of the warning's text
    module: str  # regular expression for the file the warning points at (path, "/" separated)
    why: str


_TOPIC_INTENT = (r"ask_(procurement|social_return|subsidy|hiring_support|permit|starting_business|"
                 r"network|municipality_process)")

KNOWN_WARNINGS: tuple[Known, ...] = (
    Known(r"Deprecated API features detected! These feature\(s\) are not compatible with SQLAlchemy 2\.0",
          r".*/rasa/core/tracker_store\.py$",
          "SQLAlchemy's 2.0 'uber warning': Rasa 3.6 pins SQLAlchemy 1.4 and we cannot upgrade."),
    Known(r"pkg_resources is deprecated as an API", r".*/rasa/",
          "Rasa 3.6 imports pkg_resources; setuptools announces its removal. Rasa's problem."),
    Known(r"Deprecated call to `pkg_resources\.declare_namespace", r".*/pkg_resources/",
          "Old namespace packages (mpl_toolkits, ruamel) installed by Rasa's dependencies."),
    Known(r"jax\.xla_computation is deprecated", r".*/tensorflow/",
          "TensorFlow 2.12 (Rasa's pin) imports an old jax API when jax is installed."),
    Known(r"'\w+' deprecated - use '\w+'", r".*/(matplotlib|packaging)/",
          "pyparsing 3 renamed its functions; matplotlib and packaging still use the old names."),
    Known(r"('click\.utils\.get_(binary|text)_stream'|'BaseCommand'|Importing 'parser\.split_arg_string') is deprecated",
          r".*/(typer|spacy)/",
          "Click 8.2 deprecations in typer and spaCy's command line (spaCy 3.4 is Rasa's pin)."),
    Known(r"distutils Version classes are deprecated", r".*/sanic_cors/",
          "Sanic-CORS (Rasa's pin) compares versions with distutils."),
    # Rasa's data warnings that are false alarms for this design (a retrieval intent per topic,
    # answered by one custom action); docs/operations.md ("First run") explains why the data
    # cannot avoid them. Only these exact topic names are dropped: a new case still shows.
    Known(rf"The following duplicated intents have been found across multiple domain files: "
          rf"{_TOPIC_INTENT}(, {_TOPIC_INTENT})*$",
          r".*/rasa/",
          "Rasa's ResponsesSyncImporter merges the retrieval intents from the NLU data into the "
          "domain that already declares them (each in one file) and reports that merge as a "
          "duplicate; leaving them out of the domain makes the story reader warn instead."),
    Known(rf"The utterance 'utter_{_TOPIC_INTENT}' is not used in any story or rule",
          r".*/rasa/",
          "Rasa's validator does not see that action_answer uses these sub-answer responses "
          "(bot/services/answers.py reads them from the domain); rules name action_answer."),
    Known(r"The utterance 'utter_default' is not used in any story or rule", r".*/rasa/",
          "utter_default is said by Rasa's own action_default_fallback (config.yml: "
          "core_fallback_action_name), which no rule names."),
    # Rasa's training-data checks know only its own components (rasa/shared/utils/io.py via
    # rasa/graph_components/validators/default_recipe_validator.py). The project's
    # LinearIntentClassifier learns the sub-answers, and the RegexEntityExtractor finds the
    # entities from the lookup tables, so these three are false alarms for config.yml.
    Known(r"You have defined training data with examples for training a response selector, "
          r"but your NLU configuration does not include a response selector component",
          r".*/rasa/",
          "bot.plugins.linear_nlu.LinearIntentClassifier learns the sub-answers from these "
          "examples; Rasa's check only knows its own ResponseSelector."),
    Known(r"You have defined training data consisting of entity examples, but your NLU "
          r"configuration does not include an entity extractor trained on your training data",
          r".*/rasa/",
          "The entities come from the lookup tables (RegexEntityExtractor); the annotations "
          "in the examples are kept for make eval's entity score and for the glossary export."),
    Known(r"You have defined training data consisting of lookup tables, but your NLU "
          r"configuration does not include any components that uses the features created "
          r"from the lookup table",
          r".*/rasa/",
          "RegexEntityExtractor uses the lookup tables directly (use_lookup_tables: true); "
          "Rasa's check only looks for components that use them as features."),
)

_COMPILED = [(re.compile(k.message), re.compile(k.module)) for k in KNOWN_WARNINGS]


def is_known(message: object, filename: str) -> bool:
    text = str(message)
    path = filename.replace("\\", "/")
    return any(m.match(text) and f.match(path) for m, f in _COMPILED)


def quiet_known_warnings() -> None:
    """Drop the known warnings when they are shown; every other warning is shown as before."""
    current = warnings.showwarning
    if getattr(current, "_gemeentetolk_quiet", False):
        return

    def showwarning(message: Any, category: type[Warning], filename: str, lineno: int,
                    file: Any = None, line: str | None = None) -> None:
        if is_known(message, filename):
            return
        current(message, category, filename, lineno, file, line)

    showwarning._gemeentetolk_quiet = True  # type: ignore[attr-defined]
    warnings.showwarning = showwarning
