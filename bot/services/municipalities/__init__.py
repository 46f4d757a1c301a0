"""Municipality profiles: YAML files in ``data/municipalities/<slug>.yml``.

Public API (a contract with the other parts of the assistant):

- ``load_profiles(directory) -> dict[str, Profile]`` loads and validates every profile;
- ``get_profile(slug, directory) -> Profile | None``;
- ``resolve_municipality(text, profiles) -> str | None`` finds a slug from a name, an alias
  or a misspelling (fuzzy);
- ``conversation_municipality(profiles, named, slot, ...)``: the one rule for which
  municipality a conversation is about;
- ``sync_profiles`` / ``load_profiles_step``: the database copy.

Validation errors are Dutch and name the file, the line and the field.
Loading is cached per process by file modification time; no side effects at import.

Rooms: ``profile`` (the dataclasses), ``validate`` (file -> Profile or Dutch issues),
``loading`` (cache, fuzzy names, the conversation rule), ``sync`` (database copy).
"""

from bot.services.municipalities.loading import (
    conversation_municipality,
    get_profile,
    load_profiles,
    resolve_municipality,
)
from bot.services.municipalities.profile import (
    SLUG_RE,
    WEEKDAYS,
    Contact,
    Department,
    LocalAnswer,
    Network,
    Period,
    ProcurementBand,
    Profile,
    RegionalDesk,
    SubsidyScheme,
    is_dutch_phone,
)
from bot.services.municipalities.sync import load_profiles_step, sync_profiles
from bot.services.municipalities.validate import Issue, ProfileError, parse_profile, validate_file

__all__ = [
    "SLUG_RE", "WEEKDAYS", "Contact", "Department", "Issue", "LocalAnswer", "Network", "Period",
    "ProcurementBand",
    "Profile", "ProfileError", "RegionalDesk", "SubsidyScheme", "conversation_municipality",
    "get_profile", "is_dutch_phone", "load_profiles", "load_profiles_step", "parse_profile",
    "resolve_municipality", "sync_profiles", "validate_file",
]
