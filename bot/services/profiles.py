"""Municipality profiles with the database as the one source of truth.

``data/municipalities/<slug>.yml`` is the seed of a new installation and an export for
versioning, like ``glossary/terms/*.yml`` for the glossary:

- ``gemeentetolk setup`` copies each file into ``profile_documents`` (the YAML text, with its
  comments), but never over a profile an editor saved in the workspace (``origin``
  "werkruimte");
- the workspace saves a changed profile only when ``parse_profile`` (the same validation as
  the files) accepts it; each save raises the profile's ``revision``;
- the assistant reads ``effective_profiles(settings)``: the documents in the database, parsed
  once per revision (a cheap query per call), or the files when the database has none;
- ``export_document`` writes a profile back to its file (for git).
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import sessionmaker

from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.municipalities import (
    Profile,
    ProfileError,
    load_profiles,
    parse_profile,
    validate_file,
)
from bot.services.workspace_models import ProfileDocument

logger = logging.getLogger(__name__)
EDITED = "werkruimte"
FROM_FILE = "bestand"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    slug: str
    text: str
    revision: int
    origin: str
    edited_by: str | None
    edited_at: datetime | None

    @property
    def data(self) -> dict:
        loaded = yaml.safe_load(self.text)
        return loaded if isinstance(loaded, dict) else {}

    @property
    def edited_in_workspace(self) -> bool:
        return self.origin == EDITED


def _view(row: ProfileDocument) -> Document:
    return Document(row.slug, row.document_yaml, row.revision, row.origin, row.edited_by,
                    row.edited_at)


# --- seeding from the files -------------------------------------------------------------------

def seed_documents(factory: sessionmaker, directory: Path) -> dict[str, str]:
    """Copy the profile files into the database. A file that changed replaces the database
    copy only while no editor saved that profile in the workspace.

    Returns slug -> "nieuw" | "bijgewerkt" | "ongewijzigd" | "bewaard" (workspace edit kept).
    Raises ProfileError when a file is invalid (nothing is stored then).
    """
    profiles = load_profiles(directory)  # validates every file first
    result: dict[str, str] = {}
    with unit_of_work(factory) as session:
        existing = {r.slug: r for r in session.scalars(select(ProfileDocument))}
        for slug in sorted(profiles):
            text = (Path(directory) / f"{slug}.yml").read_text(encoding="utf-8")
            digest = _hash(text)
            row = existing.get(slug)
            if row is None:
                session.add(ProfileDocument(slug=slug, document_yaml=text, revision=1,
                                            origin=FROM_FILE, file_hash=digest))
                result[slug] = "nieuw"
            elif row.origin == EDITED:
                result[slug] = "bewaard"
            elif row.file_hash == digest:
                result[slug] = "ongewijzigd"
            else:
                row.document_yaml, row.file_hash = text, digest
                row.revision += 1
                result[slug] = "bijgewerkt"
    return result


def setup_step(engine: Any, settings: Any) -> str:
    """SETUP_STEP after the municipality files are loaded: the documents editors work on."""
    from bot.services.errors import UserError
    from bot.services.municipalities import sync_profiles

    factory = session_factory(engine)
    try:
        result = seed_documents(factory, settings.municipalities_dir)
    except ProfileError as err:
        raise UserError(f"de gemeenteprofielen zijn niet geldig:\n{err}") from err
    kept = sorted(s for s, v in result.items() if v == "bewaard")
    if kept:  # the database copy for `municipality list` follows the workspace edits
        sync_profiles(factory, parsed_documents(factory))
    line = f"Gemeenteprofielen voor de werkruimte: {len(result)}"
    if kept:
        line += f" (in de werkruimte bewerkt, bestand niet overgenomen: {', '.join(kept)})"
    return line + "."


# --- reading ----------------------------------------------------------------------------------

def documents(factory: sessionmaker) -> dict[str, Document]:
    with unit_of_work(factory) as session:
        return {r.slug: _view(r) for r in session.scalars(select(ProfileDocument).order_by(ProfileDocument.slug))}


def get_document(factory: sessionmaker, slug: str) -> Document | None:
    with unit_of_work(factory) as session:
        row = session.get(ProfileDocument, slug)
        return _view(row) if row else None


def parse_document(slug: str, text: str) -> Profile:
    """The profile in ``text``, validated as the files are; raises ProfileError."""
    profile, issues = parse_profile(text, f"{slug}.yml", slug)
    if issues or profile is None:
        raise ProfileError(issues)
    return profile


def parsed_documents(factory: sessionmaker) -> dict[str, Profile]:
    return {slug: parse_document(slug, doc.text) for slug, doc in documents(factory).items()}


_cache: dict[str, tuple[tuple, dict[str, Profile]]] = {}
_factories: dict[str, sessionmaker] = {}
_lock = threading.Lock()


def _factory_for(db_url: str) -> sessionmaker:
    with _lock:
        factory = _factories.get(db_url)
        if factory is None:
            factory = _factories[db_url] = session_factory(make_engine(db_url))
        return factory


def revision(factory: sessionmaker) -> tuple:
    """Changes whenever a document changes (count, sum of revisions, last edit)."""
    with unit_of_work(factory) as session:
        count, total, last = session.execute(select(
            func.count(ProfileDocument.slug), func.sum(ProfileDocument.revision),
            func.max(ProfileDocument.edited_at))).one()
    return (int(count or 0), int(total or 0), str(last))


def effective_profiles(settings: Any) -> dict[str, Profile]:
    """The profiles the assistant uses: the database documents (cached per revision), or the
    files in ``settings.municipalities_dir`` when the database has none (yet)."""
    factory = _factory_for(settings.db_url)
    try:
        rev = revision(factory)
    except Exception:  # noqa: BLE001 - no table yet (setup not run): the files are the truth
        rev = (0, 0, "")
    if rev[0] == 0:
        return load_profiles(settings.municipalities_dir)
    key = settings.db_url
    with _lock:
        cached = _cache.get(key)
        if cached and cached[0] == rev:
            return dict(cached[1])
    profiles: dict[str, Profile] = {}
    for slug, doc in documents(factory).items():
        try:
            profiles[slug] = parse_document(slug, doc.text)
        except ProfileError:  # e.g. stricter checks after an update: the file still serves
            logger.warning("Profile %s in the database is not valid; using its file", slug)
            path = Path(settings.municipalities_dir) / f"{slug}.yml"
            fallback, _ = validate_file(path) if path.exists() else (None, [])
            if fallback is not None:
                profiles[slug] = fallback
    with _lock:
        _cache[key] = (rev, profiles)
    return dict(profiles)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
        for factory in _factories.values():
            factory.kw["bind"].dispose()
        _factories.clear()


def tables_ready(factory: sessionmaker) -> bool:
    with unit_of_work(factory) as session:
        return inspect(session.get_bind()).has_table(ProfileDocument.__tablename__)


# --- changing ---------------------------------------------------------------------------------

_HEADER = re.compile(r"\A((?:[ \t]*#[^\n]*\n|[ \t]*\n)*)")


def header_comment(text: str) -> str:
    """The comment lines at the top of a profile file (kept when the workspace rewrites it)."""
    match = _HEADER.match(text)
    return match.group(1).rstrip("\n") + "\n" if match and match.group(1).strip() else ""


def dump_document(data: dict, header: str = "") -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100,
                          default_flow_style=False)
    return header + body


def save_document(factory: sessionmaker, slug: str, data: dict, by: str, address: str = "",
                  expected_revision: int | None = None) -> tuple[Document, Profile]:
    """Validate and store a changed profile (with an audit entry). Raises ProfileError with
    Dutch messages naming the field; raises ValueError when someone else saved in between."""
    from bot.services import audit

    with unit_of_work(factory) as session:
        row = session.get(ProfileDocument, slug)
        if row is None:
            raise ValueError(f"Er is geen gemeenteprofiel '{slug}'.")
        if expected_revision is not None and row.revision != expected_revision:
            raise ValueError("Iemand anders heeft dit profiel net opgeslagen. Laad de pagina "
                             "opnieuw; je wijziging is niet opgeslagen.")
        text = dump_document(data, header_comment(row.document_yaml))
        profile = parse_document(slug, text)
        before = yaml.safe_load(row.document_yaml)
        if before == data:
            return _view(row), profile
        row.document_yaml = text
        row.revision += 1
        row.origin = EDITED
        row.edited_by, row.edited_at = by, _now()
        audit.add(session, by, "profiel.bewerkt", "gemeente", slug, _changed(before, data, "before"),
                  _changed(before, data, "after"), address)
        return _view(row), profile


def _changed(before: dict, after: dict, side: str) -> dict:
    """Only the top-level parts that changed (the audit log stays readable)."""
    keys = sorted(set(before or {}) | set(after or {}), key=str)
    source = before if side == "before" else after
    return {k: (source or {}).get(k) for k in keys if (before or {}).get(k) != (after or {}).get(k)}


def export_document(factory: sessionmaker, slug: str, directory: Path) -> Path:
    """Write a profile to ``directory/<slug>.yml``; afterwards the file and the database agree,
    so the profile counts as coming from the file again."""
    with unit_of_work(factory) as session:
        row = session.get(ProfileDocument, slug)
        if row is None:
            raise ValueError(f"Er is geen gemeenteprofiel '{slug}'.")
        path = Path(directory) / f"{slug}.yml"
        path.write_text(row.document_yaml, encoding="utf-8")
        row.file_hash = _hash(row.document_yaml)
        row.origin = FROM_FILE
        return path
