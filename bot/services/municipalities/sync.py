"""The database copy of the profiles (``gemeentetolk setup`` and ``municipality load``)."""

from __future__ import annotations

from typing import Any

from bot.services.municipalities.loading import load_profiles
from bot.services.municipalities.profile import Profile
from bot.services.municipalities.validate import ProfileError


def sync_profiles(factory: Any, profiles: dict[str, Profile]) -> dict[str, str]:
    """Store the profiles in the database in one transaction (insert, update, remove).

    Returns slug -> "nieuw" | "bijgewerkt" | "ongewijzigd" | "verwijderd".
    """
    import dataclasses
    import hashlib
    import json
    from datetime import datetime, timezone

    from sqlalchemy import select

    from bot.services.db import unit_of_work
    from bot.services.models import MunicipalDepartment, Municipality

    now = datetime.now(timezone.utc).replace(tzinfo=None)
    result: dict[str, str] = {}
    with unit_of_work(factory) as session:
        existing = {m.slug: m for m in session.scalars(select(Municipality))}
        for slug, profile in sorted(profiles.items()):
            data = dataclasses.asdict(profile)
            data.pop("source_file", None)
            payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
            digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
            row = existing.pop(slug, None)
            if row is not None and row.source_hash == digest:
                result[slug] = "ongewijzigd"
                continue
            if row is None:
                row = Municipality(slug=slug)
                session.add(row)
                result[slug] = "nieuw"
            else:
                result[slug] = "bijgewerkt"
            row.name = profile.name
            row.fictional = profile.fictional
            row.has_single_contact_point = profile.single_contact_point is not None
            row.profile_json = payload
            row.source_hash = digest
            row.loaded_at = now
            row.departments.clear()
            depts = ([profile.single_contact_point] if profile.single_contact_point else []) + profile.departments
            for pos, dept in enumerate(depts):
                row.departments.append(MunicipalDepartment(
                    position=pos, key=dept.key, name=dept.name, role=dept.role,
                    is_contact_point=dept is profile.single_contact_point,
                    topics=",".join(dept.topics), phone=dept.contact.phone,
                    email=dept.contact.email, website=dept.contact.website,
                ))
        for slug, row in existing.items():
            session.delete(row)
            result[slug] = "verwijderd"
    return result


def load_profiles_step(engine: Any, settings: Any) -> str:
    """Setup step: validate data/municipalities/*.yml and store them in the database."""
    from bot.services.db import session_factory
    from bot.services.errors import UserError

    try:
        profiles = load_profiles(settings.municipalities_dir)
    except ProfileError as err:
        raise UserError(f"de gemeenteprofielen zijn niet geldig:\n{err}") from err
    result = sync_profiles(session_factory(engine), profiles)
    changed = sum(1 for v in result.values() if v != "ongewijzigd")
    return f"Gemeenteprofielen geladen: {len(profiles)} ({changed} gewijzigd)."
