"""Answers to topic questions: general answer + local details + glossary bridge.

The general answer text lives in the Rasa domain (``utter_ask_<topic>/<key>`` responses in
``bot/domain/<topic>.yml``), so there is one source of truth. This module picks the right
sub-answer from the NLU parse data, adds the municipality's own details (procurement bands,
subsidy schemes, networks) from its profile, and lets the glossary explain the first official
term that was not explained before in the conversation.

Pure Python: no Rasa imports. The action in ``actions/answers.py`` is a thin adapter.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.services import facts, local_answers, topics
from bot.services.topics import TOPICS, topic_for_intent
from glossary.facts import expired, expired_notice

log = logging.getLogger(__name__)

SOURCE_PREFIX = "Bron:"
NO_ANSWER = (
    "Sorry, op deze vraag heb ik nog geen goed antwoord. "
    "Ik zoek voor je uit wie je bij de gemeente kunt spreken."
)


@dataclass
class Answer:
    messages: list[dict[str, Any]]
    topic: str | None
    subtopic: str | None
    explained: list[str] = field(default_factory=list)
    terms: list[dict[str, str]] = field(default_factory=list)
    municipality: str | None = None  # slug of the profile used for local details


def select_subkey(parse_data: Mapping[str, Any] | None, intent: str) -> str | None:
    """The retrieval sub-key (``thresholds``) that the ResponseSelector chose for ``intent``.

    Rasa 3.6 stores it at ``response_selector[<selector>]["response"]["intent_response_key"]``
    (``ask_procurement/thresholds``); the selector key is the retrieval intent when a
    selector was trained for one intent, otherwise ``default``. When the top response belongs
    to another intent, the best-ranked response of the right intent is used.
    """
    selectors = (parse_data or {}).get("response_selector") or {}
    prefix = f"{intent}/"
    for name in (intent, "default"):
        selector = selectors.get(name)
        if not isinstance(selector, Mapping):
            continue
        top = (selector.get("response") or {}).get("intent_response_key") or ""
        if top.startswith(prefix):
            return top[len(prefix) :]
        for ranked in selector.get("ranking") or []:
            key = (ranked or {}).get("intent_response_key") or ""
            if key.startswith(prefix):
                return key[len(prefix) :]
    return None


def response_text(domain: Mapping[str, Any], intent: str, subkey: str) -> str | None:
    """The first text of ``utter_<intent>/<subkey>`` in the domain (as rasa_sdk passes it)."""
    variants = ((domain or {}).get("responses") or {}).get(f"utter_{intent}/{subkey}") or []
    for variant in variants:
        text = (variant or {}).get("text")
        if text:
            return str(text).strip()
    return None


_responses_cache: dict[str, tuple[tuple, dict[str, Any]]] = {}
_responses_lock = threading.Lock()


def domain_responses(directory: Path) -> dict[str, Any]:
    """``{"responses": ...}`` of the domain files in ``directory`` (``bot/domain``), as rasa_sdk
    would pass the domain to an action.

    The action server reads the answer texts here itself, so Rasa no longer sends its whole
    domain (28 KB) with every topic answer (``send_domain``). Read once per process and again
    only when a file changed (name, size and modification time).
    """
    files = sorted(Path(directory).glob("*.yml"))
    stamp = tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    key = str(Path(directory).resolve())
    with _responses_lock:
        cached = _responses_cache.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
    import yaml

    responses: dict[str, Any] = {}
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        responses.update(data.get("responses") or {})
    domain = {"responses": responses}
    with _responses_lock:
        _responses_cache[key] = (stamp, domain)
    return domain


def subkeys_in_domain(domain: Mapping[str, Any], intent: str) -> list[str]:
    prefix = f"utter_{intent}/"
    return [k[len(prefix) :] for k in ((domain or {}).get("responses") or {}) if k.startswith(prefix)]


def split_source(text: str) -> tuple[str, str]:
    """Split an answer into (body, "Bron: ..." line). The source line is never bridged."""
    idx = text.rfind(SOURCE_PREFIX)
    if idx <= 0:
        return text.strip(), ""
    return text[:idx].strip(), text[idx:].strip()


def euro(amount: int | None) -> str:
    if amount is None:
        return ""
    return "€ " + f"{int(amount):,}".replace(",", ".")


_place = local_answers.place


def _band_range(band: Any) -> str:
    low, high = getattr(band, "min_eur", None), getattr(band, "max_eur", None)
    if high is None and low is None:
        return ""
    if high is None:
        return f"vanaf {euro(low)}"
    if not low:
        return f"tot {euro(high)}"
    return f"{euro(low)} tot {euro(high)}"


def local_details(topic: str, subkey: str, profile: Any, today: date | None = None) -> str | None:
    """Local details for this sub-answer from a municipality profile, or None. A band or
    scheme whose period ended before ``today`` is named without its amounts or deadline."""
    day = today or facts.today()
    if profile is None:
        return None
    sub = TOPICS[topic].subanswer(subkey) if topic in TOPICS else None
    kind = sub.local_details if sub else None
    items = list(getattr(profile, kind, None) or []) if kind else []
    if not items:
        return None
    place = _place(profile)
    lines: list[str] = []
    if kind == topics.PROCUREMENT_BANDS:
        lines.append(f"Zo doet {place} het (staat in het inkoopbeleid):")
        for band in items:
            if local_answers.period_expired(band.period, day):
                lines.append("- " + local_answers.expired_detail(band.period, band.label))
                continue
            rng = _band_range(band)
            label = f"{rng}: {band.label}" if rng else band.label
            lines.append(f"- {label}. {band.procedure}".rstrip())
    elif kind == topics.SUBSIDY_SCHEMES:
        lines.append(f"Regelingen van {place}:")
        for scheme in items:
            if local_answers.period_expired(scheme.period, day):
                lines.append("- " + local_answers.expired_detail(scheme.period, scheme.name))
                continue
            line = f"- {scheme.name}: {scheme.description}"
            extra = []
            if getattr(scheme, "max_amount_eur", None):
                extra.append(f"maximaal {euro(scheme.max_amount_eur)}")
            if getattr(scheme, "deadline", None):
                extra.append(f"aanvragen vóór {scheme.deadline}")
            if extra:
                line += f" ({', '.join(extra)})"
            if getattr(scheme, "url", None):
                line += f" Meer info: {scheme.url}"
            lines.append(line)
    else:
        lines.append(f"Netwerken en plekken in {place}:")
        for net in items:
            line = f"- {net.name}: {net.description}"
            if getattr(net, "url", None):
                line += f" Meer info: {net.url}"
            lines.append(line)
    return "\n".join(lines)


def load_matcher(db_url: str | None) -> Any:
    """The glossary matcher, or None when the glossary is not available."""
    if not db_url:
        return None
    try:
        from glossary.runtime import get_matcher

        return get_matcher(db_url)
    except Exception as err:  # noqa: BLE001 - answer unbridged without a glossary
        log.warning("Glossary not available, answering without explanations: %s", err)
        return None


def bridge(
    text: str, matcher: Any, explained: Iterable[str], today: date | None = None
) -> tuple[str, list[str], list[dict]]:
    """Explain the first official term not yet explained; unbridged on any glossary error."""
    done = list(dict.fromkeys(explained or []))
    if matcher is None:
        return text, done, []
    try:
        from glossary.bridge import bridge_text

        result = bridge_text(text, matcher, done, today)
    except Exception as err:  # noqa: BLE001
        log.warning("Glossary bridge failed, answering unbridged: %s", err)
        return text, done, []
    if result.terms and not insertion_ok(text, result.text):
        log.warning("Glossary bridge skipped (bad insertion point) for %s", result.terms)
        return text, done, []
    return result.text, list(result.explained), list(result.terms)


_FUNCTION_WORDS = frozenset(
    "aan als bij dan dat de die een en het in is met naar of om op te tot van voor wat".split()
)


def insertion_ok(original: str, bridged: str) -> bool:
    """Reject an inline explanation that would land inside brackets ("(ook wel SROI (...))")
    or after a function word (a match that ran past the term: "staatssteun en (...)")."""
    i = 0
    while i < min(len(original), len(bridged)) and original[i] == bridged[i]:
        i += 1
    before = original[:i]
    if before.count("(") > before.count(")"):
        return False
    words = before.split()
    return bool(words) and words[-1].strip(".,:;!?").lower() not in _FUNCTION_WORDS


def build_answer(
    intent: str | None,
    parse_data: Mapping[str, Any] | None,
    domain: Mapping[str, Any],
    profile: Any = None,
    matcher: Any = None,
    explained: Iterable[str] | None = None,
    today: date | None = None,
) -> Answer:
    """Compose the answer for a topic intent. Never raises on missing data.

    ``today`` (default: today in Europe/Amsterdam) judges the dated facts: a national answer
    whose fact expired gives a notice instead of its amounts; a local answer of the profile
    is added after (``add``) or shown instead of (``replace``) the national text."""
    day = today or facts.today()
    base = (intent or "").split("/", 1)[0]
    topic = topic_for_intent(base)
    done = list(dict.fromkeys(explained or []))
    if topic is None:
        return Answer([{"text": NO_ANSWER}], None, None, done)
    available = subkeys_in_domain(domain, base)
    subkey = select_subkey(parse_data, base)
    if subkey not in available:
        default = TOPICS[topic].default_subanswer
        subkey = default if default in available else (available[0] if available else None)
    text = response_text(domain, base, subkey) if subkey else None
    if not text:
        return Answer([{"text": NO_ANSWER}], topic, subkey, done)

    own = local_answers.local_answer(profile, topic, subkey)
    messages: list[dict[str, Any]] = []
    terms: list[dict] = []
    if local_answers.replaces_national(own, day):
        messages.append(local_answers.local_message(profile, own, day))
    else:
        body, source = split_source(text)
        old = expired(facts.response_facts(domain, f"utter_{base}/{subkey}"), day)
        if old:  # never present an expired amount as current
            body = expired_notice(old)
        else:
            body, done, terms = bridge(body, matcher, done, day)
        first: dict[str, Any] = {"text": f"{body}\n{source}" if source else body}
        if terms:
            first["terms"] = terms  # the widget shows them under the answer ("Wat betekent ...?")
        messages.append(first)
        if own is not None:
            messages.append(local_answers.local_message(profile, own, day))
    local = local_details(topic, subkey, profile, day) if subkey else None
    if local:
        messages.append({"text": f"{local}\n{SOURCE_PREFIX} gemeenteprofiel van {_place(profile)}."})
    slug = getattr(profile, "slug", None) if profile is not None else None
    return Answer(messages, topic, subkey, done, terms, slug)
