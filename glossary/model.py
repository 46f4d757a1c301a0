"""The glossary entry (NL-SBB, the Dutch SKOS profile) and its field names in files."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime

TOPICS = ("procurement", "subsidy", "social_domain", "organisation", "permits", "business")
STATUSES = ("concept", "voorgesteld", "vastgesteld", "vervallen")
ACTIVE = "vastgesteld"

# Allowed status changes (the editors' workflow).
TRANSITIONS: dict[str, set[str]] = {
    "concept": {"voorgesteld", "vervallen"},
    "voorgesteld": {"concept", "vastgesteld", "vervallen"},
    "vastgesteld": {"concept", "vervallen"},
    "vervallen": {"concept"},
}

# Python attribute -> NL-SBB / file key, in the stable order used by every export.
FILE_KEYS: dict[str, str] = {
    "id": "id",
    "pref_label": "prefLabel",
    "alt_labels": "altLabel",
    "hidden_labels": "hiddenLabel",
    "definition": "definition",
    "plain": "plain",
    "example": "example",
    "scope_note": "scopeNote",
    "source": "source",
    "broader": "broader",
    "related": "related",
    "topic": "topic",
    "status": "status",
    "facts": "facts",
    "changed_by": "changed_by",
    "changed_at": "changed_at",
    "reviewed_at": "reviewed_at",
}
LIST_FIELDS = ("alt_labels", "hidden_labels", "broader", "related")
# Lists of dated facts (glossary.facts): dicts with id, claim, valid_from, valid_until, ...
FACT_FIELDS = ("facts",)
DATE_FIELDS = ("changed_at", "reviewed_at")
META_FIELDS = ("changed_by", "changed_at", "reviewed_at")
CONTENT_FIELDS = tuple(k for k in FILE_KEYS if k not in META_FIELDS and k != "id")
DUTCH_FIELD_NAMES = {
    "pref_label": "voorkeursterm (prefLabel)",
    "alt_labels": "andere termen (altLabel)",
    "hidden_labels": "zoektermen/spelfouten (hiddenLabel)",
    "definition": "definitie",
    "plain": "korte uitleg (plain)",
    "example": "voorbeeldzin",
    "scope_note": "toelichting (scopeNote)",
    "source": "bron",
    "broader": "breder begrip (broader)",
    "related": "verwant (related)",
    "topic": "onderwerp",
    "status": "status",
    "facts": "gedateerde feiten (facts)",
}


class GlossaryError(Exception):
    """An error with a Dutch message for editors (shown without a stack trace)."""


@dataclass
class Entry:
    id: str
    pref_label: str
    alt_labels: list[str] = field(default_factory=list)
    hidden_labels: list[str] = field(default_factory=list)
    definition: str = ""
    plain: str = ""
    example: str = ""
    scope_note: str = ""
    source: str = ""
    broader: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    topic: str = ""
    status: str = "concept"
    facts: list[dict] = field(default_factory=list)
    changed_by: str = ""
    changed_at: datetime | None = None
    reviewed_at: datetime | None = None

    @property
    def labels(self) -> list[str]:
        """prefLabel first, then altLabels (hiddenLabels are search-only)."""
        return [self.pref_label, *self.alt_labels]

    def content(self) -> dict:
        return {k: getattr(self, k) for k in CONTENT_FIELDS}

    def to_dict(self, meta: bool = True) -> dict:
        """File representation: NL-SBB keys in a stable order, empty fields left out."""
        out: dict = {}
        for attr, key in FILE_KEYS.items():
            if not meta and attr in META_FIELDS:
                continue
            value = getattr(self, attr)
            if isinstance(value, datetime):
                value = value.replace(microsecond=0).isoformat()
            if value in ("", None, []):
                continue
            out[key] = list(value) if isinstance(value, list) else value
        return out

    @classmethod
    def from_dict(cls, data: dict, where: str = "") -> Entry:
        """Build an entry from file keys (NL-SBB names or attribute names)."""
        if not isinstance(data, dict):
            raise GlossaryError(f"{where}: een term moet een lijst van velden zijn.")
        by_key = {v: k for k, v in FILE_KEYS.items()} | {k: k for k in FILE_KEYS}
        unknown = sorted(str(k) for k in data if k not in by_key)
        if unknown:
            raise GlossaryError(f"{where}: onbekend veld {', '.join(unknown)}.")
        values: dict = {}
        for key, value in data.items():
            attr = by_key[key]
            if attr in LIST_FIELDS:
                if value is None:
                    value = []
                elif isinstance(value, str):
                    value = [v.strip() for v in value.split("|") if v.strip()]
                elif not isinstance(value, list):
                    raise GlossaryError(f"{where}: veld {key} moet een lijst zijn.")
                value = [str(v).strip() for v in value if str(v).strip()]
            elif attr in DATE_FIELDS:
                value = parse_date(value, where, key)
            elif attr in FACT_FIELDS:
                value = _facts(value, where, values.get("id") or data.get("id"))
            else:
                value = "" if value is None else str(value).strip()
            values[attr] = value
        if not values.get("id"):
            raise GlossaryError(f"{where}: het veld id ontbreekt.")
        if not values.get("pref_label"):
            raise GlossaryError(f"{where} ({values['id']}): het veld prefLabel ontbreekt.")
        entry = cls(**values)
        check_id(entry.id, where)
        if entry.status not in STATUSES:
            raise GlossaryError(
                f"{where} ({entry.id}): status {entry.status!r} bestaat niet; "
                f"kies uit {', '.join(STATUSES)}."
            )
        if entry.topic and entry.topic not in TOPICS:
            raise GlossaryError(
                f"{where} ({entry.id}): onderwerp {entry.topic!r} bestaat niet; "
                f"kies uit {', '.join(TOPICS)}."
            )
        return entry

    def copy(self) -> Entry:
        return Entry(**{f.name: _copy(getattr(self, f.name)) for f in fields(self)})

    def as_json(self) -> dict:
        data = asdict(self)
        for key in DATE_FIELDS:
            if data[key] is not None:
                data[key] = data[key].isoformat()
        return data


def _copy(value):
    if isinstance(value, list):
        return [dict(v) if isinstance(v, dict) else v for v in value]
    return value


def clean_value(attr: str, value, entry_id: str = ""):
    """A field value as the store keeps it: dated facts checked and normalised."""
    return _facts(value, "", entry_id) if attr in FACT_FIELDS else value


def _facts(value, where: str, entry_id) -> list[dict]:
    from glossary.facts import FactError, normalise_facts

    try:
        label = f"{where} ({entry_id})" if where and entry_id else (where or f"term {entry_id}")
        return normalise_facts(value, label)
    except FactError as err:
        raise GlossaryError(str(err)) from err


def check_id(entry_id: str, where: str = "") -> None:
    import re

    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", entry_id or ""):
        raise GlossaryError(
            f"{where}: id {entry_id!r} mag alleen kleine letters, cijfers en streepjes bevatten "
            "(bijvoorbeeld 'open-house')."
        )


def parse_date(value, where: str = "", key: str = "") -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    try:
        return datetime.fromisoformat(str(value)).replace(tzinfo=None)
    except ValueError as err:
        raise GlossaryError(
            f"{where}: {key} {value!r} is geen datum (JJJJ-MM-DDTUU:MM:SS)."
        ) from err


def slugify(label: str) -> str:
    from glossary.text import normalise

    words = [normalise(w) for w in label.replace("-", " ").split()]
    return "-".join(w for w in words if w)
