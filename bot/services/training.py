"""Training examples made in the workspace, in ``data/nlu/inbox.yml``.

Every training (``make train``, "Publiceren") reads all of ``data/``, so the next Publiceren
trains on them. Before an example is added it is masked (``privacy.for_training``) and
checked: not a copy of an existing example (any file in ``data/nlu/``), not an example of
another intent, and no overlap with any sentence of a test set (``tests/nlu/*.yml``): those
measure the assistant and must stay unseen. The database (``nlu_examples``) records who
added what; the file is what Rasa reads. Plain Python (no Rasa).
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services import privacy
from bot.services.db import unit_of_work
from bot.services.learning_models import TrainingExample
from bot.services.topics import TOPICS

FILE_NAME = "inbox.yml"
MIN_WORDS = 2  # an example of fewer words teaches nothing without the dialogue's context
OUT_OF_SCOPE = "out_of_scope"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
HEADER = """version: "3.1"

# Voorbeelden uit de inbox van de werkruimte (Beheer): vragen die de assistent niet goed
# begreep, door een redacteur aan het juiste antwoord gekoppeld (of 'hoort hier niet').
# Geschreven door bot/services/training.py. Wijzig ze in de werkruimte: Inbox > Voorbeelden.
# Persoonsgegevens zijn gemaskeerd. De volgende keer Publiceren traint hierop.

"""


def nlu_path(root: Path) -> Path:
    return Path(root) / "data" / "nlu" / FILE_NAME


def plain_example(line: str) -> str:
    """An example line without Rasa's entity annotations: ``[x](term)`` -> ``x``."""
    return _ANNOTATION.sub(r"\1", line).strip()


def read_examples(path: Path) -> list[tuple[str, str]]:
    """(intent, text) of every example in one Rasa NLU file (empty when unreadable)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    out: list[tuple[str, str]] = []
    for item in data.get("nlu") or []:
        if not isinstance(item, dict) or "intent" not in item:
            continue
        for line in str(item.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append((str(item["intent"]), plain_example(line[2:])))
    return out


def _files_key(paths: Iterable[Path]) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns) for p in sorted(paths) if p.exists())


@lru_cache(maxsize=8)
def _examples_cached(key: tuple) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, _mtime in key:
        for intent, text in read_examples(Path(name)):
            out.setdefault(privacy.normalise(text), intent)
    return out


def known_examples(root: Path) -> dict[str, str]:
    """Normalised example -> its intent, over every file in ``data/nlu/``."""
    return _examples_cached(_files_key((Path(root) / "data" / "nlu").glob("*.yml")))


def test_sentences(root: Path) -> list[str]:
    """Normalised sentences of every test set (``tests/nlu/*.yml``)."""
    return sorted(_examples_cached(_files_key((Path(root) / "tests" / "nlu").glob("*.yml"))))


def example_index(examples: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Normalised training sentence -> its label (``ask_permit/events`` or ``greet``).

    What the assistant was trained on it answers as trained, whatever the classifier's
    confidence (``bot.plugins.known_examples``): an editor who links a question in the inbox
    and publishes sees that exact question answered. A sentence written under two labels is
    left out (the classifier decides), and so is one of fewer than two words ("ja" stays with
    the classifier and the dialogue's context).
    """
    index: dict[str, str] = {}
    conflicts: set[str] = set()
    for text, label in examples:
        norm = privacy.normalise(text)
        if len(norm.split()) < MIN_WORDS or norm in conflicts:
            continue
        if index.get(norm, label) != label:
            conflicts.add(norm)
            del index[norm]
            continue
        index[norm] = label
    return index


def overlaps(a: str, b: str) -> bool:
    """Two normalised sentences are too alike: equal, one inside the other (4+ words), or
    nearly the same letters (typo copies)."""
    if a == b:
        return True
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if len(short) >= 4 and f" {' '.join(short)} " in f" {' '.join(long_)} ":
        return True
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return matcher.real_quick_ratio() >= 0.9 and matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str  # the example as it would be stored
    reason: str = ""  # Dutch, when not ok (or "staat er al" when it already is there)
    already: bool = False


def check(raw: str, intent: str, root: Path) -> Check:
    example = privacy.for_training(raw)
    norm = privacy.normalise(example)
    if len(norm.split()) < MIN_WORDS:
        return Check(False, example, "Dit bericht is te kort om van te leren.")
    known = known_examples(root).get(norm)
    if known == intent:
        return Check(False, example, "Dit voorbeeld staat er al.", already=True)
    if known is not None:
        return Check(False, example, f"Dit voorbeeld staat al bij een ander antwoord ({label(known)}).")
    for sentence in test_sentences(root):
        if overlaps(norm, sentence):
            return Check(False, example, "Dit lijkt te veel op een zin uit een testset. Die zinnen "
                                         "gebruiken we om de assistent te meten; ze mogen niet in de training.")
    return Check(True, example)


def valid_intent(intent: str) -> bool:
    if intent == OUT_OF_SCOPE:
        return True
    base, _, key = intent.partition("/")
    topic = base.removeprefix("ask_")
    return base.startswith("ask_") and topic in TOPICS and key in TOPICS[topic].subanswers


# --- the choices an editor sees -----------------------------------------------------------------


def _answer_texts(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in sorted((Path(root) / "bot" / "domain").glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for name, variants in (data.get("responses") or {}).items():
            if str(name).startswith("utter_ask_") and "/" in str(name) and variants:
                out[str(name).removeprefix("utter_")] = str(variants[0].get("text") or "")
    return out


@lru_cache(maxsize=4)
def _choices(root: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    texts = _answer_texts(Path(root))
    groups = []
    for topic in TOPICS.values():
        options = []
        for key in topic.subanswers:
            intent = f"{topic.intent}/{key}"
            text = " ".join(texts.get(intent, key).split())
            options.append((intent, text if len(text) <= 110 else text[:107].rstrip() + "..."))
        groups.append((topic.title, tuple(options)))
    return tuple(groups)


def choices(root: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Per topic title: (intent, the start of the answer text) for every sub-answer."""
    return [(title, list(options)) for title, options in _choices(str(root))]


def label(intent: str | None, root: Path | None = None) -> str:
    """A Dutch label for an intent: "Subsidie: aanvragen..." or "Hoort hier niet"."""
    if not intent:
        return "onbekend"
    if intent == OUT_OF_SCOPE:
        return "hoort hier niet (buiten het onderwerp)"
    base, _, key = intent.partition("/")
    topic = TOPICS.get(base.removeprefix("ask_"))
    if topic is None:
        return intent
    if root is not None and key:
        for title, options in _choices(str(root)):
            for value, text in options:
                if value == intent:
                    return f"{title}: {text}"
    return topic.title + (f" ({key})" if key else "")


# --- storing and writing the file ----------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def add(factory: sessionmaker, root: Path, items: Iterable[tuple[str, str]], by: str) -> list[tuple[str, Check]]:
    """Check and add (raw text, intent) pairs; returns every (intent, check). The file is
    written once, under a lock, only when something was added."""
    results: list[tuple[str, Check]] = []
    new: list[tuple[str, str]] = []
    seen: set[str] = set()
    for raw, intent in items:
        if not valid_intent(intent):
            raise ValueError(f"Onbekend antwoord: {intent!r}.")
        result = check(raw, intent, root)
        norm = privacy.normalise(result.text)
        if result.ok and norm in seen:
            result = Check(False, result.text, "Dit voorbeeld staat er al.", already=True)
        results.append((intent, result))
        if result.ok:
            seen.add(norm)
            new.append((intent, result.text))
    if new:
        with _locked(root):
            with unit_of_work(factory) as session:
                for intent, example in new:
                    session.add(TrainingExample(intent=intent, text=example, norm=privacy.normalise(example),
                                                added_by=by, added_at=_utcnow()))
            _rewrite(nlu_path(root), add=new)
    return results


def remove(factory: sessionmaker, root: Path, example_id: int) -> TrainingExample | None:
    """Take one example out again (the file and the database)."""
    with _locked(root):
        with unit_of_work(factory) as session:
            row = session.get(TrainingExample, example_id)
            if row is None:
                return None
            session.delete(row)
        _rewrite(nlu_path(root), remove=[(row.intent, row.text)])
    return row


def examples(factory: sessionmaker) -> list[TrainingExample]:
    with unit_of_work(factory) as session:
        return list(session.scalars(select(TrainingExample).order_by(TrainingExample.id.desc())))


class _locked:
    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "var" / "nlu-inbox.lock"

    def __enter__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.fh = open(self.path, "w")  # noqa: SIM115 - closed in __exit__
        fcntl.flock(self.fh, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _rewrite(path: Path, add: Iterable[tuple[str, str]] = (), remove: Iterable[tuple[str, str]] = ()) -> None:
    """Read the file, add and remove examples, write it back atomically."""
    current = read_examples(path) if path.exists() else []
    gone = {(i, privacy.normalise(t)) for i, t in remove}
    kept = [(i, t) for i, t in current if (i, privacy.normalise(t)) not in gone]
    have = {(i, privacy.normalise(t)) for i, t in kept}
    for intent, example in add:
        if (intent, privacy.normalise(example)) not in have:
            kept.append((intent, example))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".yml.tmp")
    tmp.write_text(render(kept), encoding="utf-8")
    os.replace(tmp, path)


def render(items: Iterable[tuple[str, str]]) -> str:
    """The NLU file: examples grouped per intent, intents in a stable order."""
    grouped: dict[str, list[str]] = {}
    for intent, example in items:
        grouped.setdefault(intent, []).append(example)
    if not grouped:
        return HEADER + "nlu: []\n"
    lines = [HEADER + "nlu:"]
    for intent in sorted(grouped):
        lines.append(f"  - intent: {intent}")
        lines.append("    examples: |")
        lines.extend(f"      - {example}" for example in grouped[intent])
        lines.append("")
    return "\n".join(lines)
