"""Loading profiles (cached per process by file modification time) and finding a
municipality: in the user's words, and for a whole conversation (the one rule every action uses).
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.services.municipalities.profile import SLUG_RE, Profile
from bot.services.municipalities.validate import Issue, ProfileError, validate_file

# --- loading (cached per process) ----------------------------------------------------------------

_cache: dict[str, tuple[tuple, dict[str, Profile]]] = {}
_cache_lock = threading.Lock()


def _fingerprint(files: list[Path]) -> tuple:
    return tuple((f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def load_profiles(directory: Path) -> dict[str, Profile]:
    """Load and validate every ``*.yml`` profile in ``directory``. Raises ProfileError."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ProfileError([Issue(str(directory), None, "", "de map met gemeenteprofielen bestaat niet.")])
    files = sorted(directory.glob("*.yml"))
    fp = _fingerprint(files)
    key = str(directory.resolve())
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == fp:
            return dict(cached[1])
    profiles: dict[str, Profile] = {}
    issues: list[Issue] = []
    for f in files:
        profile, problems = validate_file(f)
        issues.extend(problems)
        if profile:
            profiles[profile.slug] = profile
    if issues:
        raise ProfileError(issues)
    with _cache_lock:
        _cache[key] = (fp, profiles)
    return dict(profiles)


def get_profile(slug: str, directory: Path) -> Profile | None:
    """The profile for ``slug``, or None when there is none (or the slug is not a valid one)."""
    if not isinstance(slug, str) or not SLUG_RE.match(slug.strip().lower()):
        return None
    return load_profiles(directory).get(slug.strip().lower())


# --- finding a municipality in the user's words ---------------------------------------------------


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9 ]+", " ", text.replace("-", " "))
    text = re.sub(r"\b(de )?gemeente\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _names(profile: Profile) -> list[str]:
    return [n for n in {_norm(profile.name), _norm(profile.slug), *(_norm(a) for a in profile.aliases)} if n]


def resolve_municipality(text: str | None, profiles: dict[str, Profile], cutoff: float = 0.8) -> str | None:
    """Find the slug of the municipality named in ``text`` (a name, an alias or a misspelling).

    ``text`` may be just the name ("Dijkstee") or a sentence ("ik zit eigenlijk in dijkstede").
    Returns None when nothing matches well enough.
    """
    if not text or not profiles:
        return None
    query = _norm(text)
    if not query:
        return None
    words = query.split()
    best: tuple[float, str] | None = None
    for slug, profile in profiles.items():
        for name in _names(profile):
            n = len(name.split())
            candidates = {query} | {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
            for cand in candidates:
                if cand == name:
                    return slug
                score = difflib.SequenceMatcher(None, cand, name).ratio()
                # short words need a closer match to avoid false hits
                need = cutoff if len(name) >= 6 else 0.9
                if score >= need and (best is None or score > best[0]):
                    best = (score, slug)
    return best[1] if best else None


# --- which municipality a conversation is about ---------------------------------------------------


def conversation_municipality(
    profiles: Mapping[str, Profile],
    named: Iterable[str | None] = (),
    slot: Any = None,
    message_metadata: Any = None,
    session_metadata: Any = None,
    default: str | None = None,
) -> str | None:
    """The one rule for which municipality a conversation is about (every action uses it).

    In this order: a municipality the user names (an entity value or a text, matched fuzzily:
    "Dijkstee" is Dijkstede), the choice made earlier in the conversation (``slot``), the
    website page's metadata (latest message, then session start), then the default setting.
    Only slugs of loaded profiles count; None when none is known.
    """
    for value in named:
        slug = resolve_municipality(value, dict(profiles)) if value else None
        if slug:
            return slug
    candidates = [
        slot,
        message_metadata.get("municipality") if isinstance(message_metadata, Mapping) else None,
        session_metadata.get("municipality") if isinstance(session_metadata, Mapping) else None,
        default,
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip().lower() in profiles:
            return candidate.strip().lower()
    return None
