"""Editing a municipality profile in the workspace: the sections of the form, the form ->
document conversion, and the validation problems (``parse_profile``, the same checks as
the files) mapped back to the form fields. Plain Python (no Flask).

The document is the profile's YAML as a dict; a section changes only its own part, so
everything else in the file stays as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.services.municipalities import WEEKDAYS, ProfileError


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | int | date | url | lines | select
    description: str = ""
    options: tuple[tuple[str, str], ...] = ()


PERIOD = (
    Field("valid_from", "Geldig vanaf", "date", "JJJJ-MM-DD"),
    Field("valid_until", "Geldig tot en met", "date", "JJJJ-MM-DD. Leeg: geen einddatum bekend."),
    Field("source", "Bron", "text", "Waar staat dit? Bijvoorbeeld het inkoopbeleid van de gemeente."),
    Field("checked", "Gecontroleerd op", "date", "Wanneer iemand dit laatst bij de bron controleerde."),
)


@dataclass(frozen=True)
class Section:
    slug: str  # URL part
    key: str  # document key
    title: str
    item: str  # what one row is called
    fields: tuple[Field, ...]
    intro: str = ""
    mapping: bool = False  # answers: a mapping topic/subkey -> item, the key is a field


def _answer_keys() -> tuple[tuple[str, str], ...]:
    from bot.services.topics import TOPICS

    return tuple((f"{t.key}/{k}", f"{t.title}: {k}") for t in TOPICS.values() for k in t.subanswers)


SECTIONS: dict[str, Section] = {s.slug: s for s in [
    Section("antwoorden", "answers", "Lokale antwoorden", "Antwoord", (
        Field("key", "Bij welk landelijk antwoord", "select", "Onderwerp en deelantwoord.", ()),
        Field("mode", "Hoe", "select", "", (("add", "toevoegen na de landelijke tekst"),
                                              ("replace", "in plaats van de landelijke tekst"))),
        Field("text", "Tekst", "textarea", "In B1-taal, met 'je'."),
        *PERIOD), "Een lokaal antwoord voegt iets toe aan een landelijk antwoord of vervangt het.",
        mapping=True),
    Section("inkoopgrenzen", "procurement_bands", "Inkoopgrenzen", "Grens", (
        Field("label", "Naam van de procedure"),
        Field("min_eur", "Vanaf (euro)", "int", "Een heel bedrag, zonder punt."),
        Field("max_eur", "Tot (euro)", "int", "Leeg: geen bovengrens."),
        Field("procedure", "Wat de gemeente doet", "textarea"),
        Field("note", "Toelichting", "textarea"),
        *PERIOD)),
    Section("regelingen", "subsidy_schemes", "Subsidieregelingen", "Regeling", (
        Field("name", "Naam"),
        Field("description", "Korte uitleg", "textarea"),
        Field("deadline", "Wanneer aanvragen", "text", "Bijvoorbeeld '1 oktober (voor het jaar erna)'."),
        Field("max_amount_eur", "Hoogste bedrag (euro)", "int"),
        Field("url", "Webadres", "url", "Begint met https://."),
        *PERIOD)),
    Section("netwerken", "networks", "Netwerken", "Netwerk", (
        Field("name", "Naam"),
        Field("description", "Korte uitleg", "textarea"),
        Field("url", "Webadres", "url", "Begint met https://."),
    )),
]}

CONTACT_FIELDS = (
    Field("phone", "Telefoon", "text", "Bijvoorbeeld 14 089 of 010-1234567."),
    Field("email", "E-mail", "text", "naam@gemeente.example"),
    Field("website", "Website", "url", "Begint met https://."),
)
DEPARTMENT_FIELDS = (
    Field("name", "Officiële naam"),
    Field("role", "Functie om naar te vragen", "text", "Een functie, nooit de naam van een persoon."),
    Field("description", "Wat doen ze voor ondernemers", "textarea"),
    Field("prepare", "Wat moet je klaar hebben", "lines", "Eén punt per regel."),
)


def section(slug: str) -> Section | None:
    sec = SECTIONS.get(slug)
    if sec and sec.mapping:
        fields = tuple(Field(f.name, f.label, f.kind, f.description, _answer_keys()) if f.name == "key" else f
                       for f in sec.fields)
        return Section(sec.slug, sec.key, sec.title, sec.item, fields, sec.intro, True)
    return sec


# --- values for the form --------------------------------------------------------------------

def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return str(value)


def rows_of(doc: Mapping[str, Any], sec: Section) -> list[dict[str, str]]:
    raw = doc.get(sec.key)
    if sec.mapping:
        items = [{"key": str(k), **(v if isinstance(v, dict) else {})} for k, v in (raw or {}).items()]
    else:
        items = [v for v in (raw or []) if isinstance(v, dict)]
    return [{f.name: _show(item.get(f.name)) for f in sec.fields} for item in items]


def hours_of(contact: Mapping[str, Any] | None) -> dict[str, str]:
    hours = (contact or {}).get("opening_hours") or {}
    return {day: _show(hours.get(day)) for day in WEEKDAYS}


# --- form -> document -----------------------------------------------------------------------

@dataclass
class FormResult:
    doc: dict
    errors: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)  # form row number of each saved item
    keys: list[str] = field(default_factory=list)  # answers: the key of each saved item


def _convert(f: Field, raw: str, errors: dict, name: str) -> Any:
    raw = (raw or "").strip()
    if not raw:
        return None
    if f.kind == "int":
        digits = raw.replace(".", "").replace(" ", "").replace("€", "")
        if not digits.isdigit():
            errors[name] = f"'{raw}' is geen heel bedrag. Schrijf alleen cijfers, bijvoorbeeld 50000."
            return raw
        return int(digits)
    if f.kind == "date":
        try:
            return date.fromisoformat(raw)
        except ValueError:
            errors[name] = f"'{raw}' is geen datum. Schrijf hem als JJJJ-MM-DD, bijvoorbeeld 2026-01-01."
            return raw
    if f.kind == "lines":
        return [x.strip() for x in raw.splitlines() if x.strip()]
    if f.kind == "textarea":
        return raw.replace("\r\n", "\n")
    return " ".join(raw.split())


def apply_section(doc: Mapping[str, Any], sec: Section, form: Mapping[str, str]) -> FormResult:
    """Rows ``<slug>-<n>-<field>``; ``<slug>-<n>-weg`` removes a row; empty rows are skipped."""
    new = dict(doc)
    result = FormResult(new)
    numbers = sorted({int(m.group(1)) for k in form if (m := re.match(rf"{sec.slug}-(\d+)-", k))})
    items: list[dict] = []
    for n in numbers:
        prefix = f"{sec.slug}-{n}-"
        if form.get(prefix + "weg"):
            continue
        if not any((form.get(prefix + f.name) or "").strip() for f in sec.fields if f.name not in ("mode",)):
            continue
        item: dict[str, Any] = {}
        for f in sec.fields:
            value = _convert(f, form.get(prefix + f.name, ""), result.errors, prefix + f.name)
            if value is not None:
                item[f.name] = value
        items.append(item)
        result.rows.append(n)
    if sec.mapping:
        mapped: dict[str, dict] = {}
        for n, item in zip(list(result.rows), items, strict=True):
            key = str(item.pop("key", "") or "")
            if not key:
                result.errors[f"{sec.slug}-{n}-key"] = "Kies bij welk landelijk antwoord dit hoort."
                continue
            if key in mapped:
                result.errors[f"{sec.slug}-{n}-key"] = f"Voor '{key}' staat er al een lokaal antwoord."
                continue
            mapped[key] = item
            result.keys.append(key)
        if mapped:
            new[sec.key] = mapped
        else:
            new.pop(sec.key, None)
    elif items:
        new[sec.key] = items
    else:
        new.pop(sec.key, None)
    return result


def apply_contact(contact: Mapping[str, Any] | None, form: Mapping[str, str], prefix: str,
                  errors: dict) -> dict:
    out = dict(contact or {})
    for f in CONTACT_FIELDS:
        value = _convert(f, form.get(prefix + f.name, ""), errors, prefix + f.name)
        if value is None:
            out.pop(f.name, None)
        else:
            out[f.name] = value
    hours = {}
    for day in WEEKDAYS:
        value = (form.get(f"{prefix}uren-{day}") or "").strip()
        if value:
            hours[day] = value
    if hours:
        out["opening_hours"] = hours
    else:
        out.pop("opening_hours", None)
    return out


def apply_general(doc: Mapping[str, Any], form: Mapping[str, str]) -> FormResult:
    new = dict(doc)
    result = FormResult(new)
    new["general_contact"] = apply_contact(doc.get("general_contact"), form, "algemeen-", result.errors)
    return result


def find_department(doc: Mapping[str, Any], key: str) -> tuple[str, int | None] | None:
    """("single_contact_point", None) or ("departments", index) for a department key."""
    scp = doc.get("single_contact_point")
    if isinstance(scp, dict) and scp.get("key") == key:
        return "single_contact_point", None
    for i, dept in enumerate(doc.get("departments") or []):
        if isinstance(dept, dict) and dept.get("key") == key:
            return "departments", i
    return None


def apply_department(doc: Mapping[str, Any], key: str, form: Mapping[str, str]) -> FormResult:
    new = dict(doc)
    result = FormResult(new)
    place = find_department(doc, key)
    if place is None:
        raise KeyError(key)
    where, index = place
    old = dict(doc[where] if index is None else doc[where][index])
    for f in DEPARTMENT_FIELDS:
        value = _convert(f, form.get("afdeling-" + f.name, ""), result.errors, "afdeling-" + f.name)
        if value is None:
            old.pop(f.name, None)
        else:
            old[f.name] = value
    old["contact"] = apply_contact(old.get("contact"), form, "afdeling-", result.errors)
    if index is None:
        new[where] = old
    else:
        new[where] = [*doc[where][:index], old, *doc[where][index + 1:]]
    return result


# --- validation problems -> form fields -----------------------------------------------------

def field_errors(err: ProfileError, sec: Section | None = None, result: FormResult | None = None,
                 prefix: str = "") -> dict[str, str]:
    """Map ``Issue.field`` ("procurement_bands[1].max_eur", "answers.x/y.text",
    "general_contact.phone") to a form field name; anything else goes to "form"."""
    out: dict[str, str] = {}
    for issue in err.issues:
        name = _form_name(issue.field, sec, result, prefix)
        message = issue.message[:1].upper() + issue.message[1:]
        if name is None:
            out.setdefault("form", "")
            out["form"] = (out["form"] + " " + str(issue).split(", veld ", 1)[-1]).strip()
        else:
            out.setdefault(name, message)
    return out


def _form_name(path: str, sec: Section | None, result: FormResult | None, prefix: str) -> str | None:
    if sec is not None and result is not None:
        if sec.mapping:
            m = re.match(rf"^{sec.key}\.(.+?)(?:\.(\w+))?$", path)
            if m and m.group(1) in result.keys:
                n = result.rows[result.keys.index(m.group(1))]
                return f"{sec.slug}-{n}-{m.group(2) or 'key'}"
        m = re.match(rf"^{sec.key}\[(\d+)\]\.(\w+)", path)
        if m and int(m.group(1)) < len(result.rows):
            return f"{sec.slug}-{result.rows[int(m.group(1))]}-{m.group(2)}"
    m = re.match(r"^(?:general_contact|single_contact_point|departments\[\d+\])\.(?:contact\.)?(\w+)(?:\.(\w+))?$", path)
    if m and prefix:
        if m.group(1) == "opening_hours" and m.group(2):
            return f"{prefix}uren-{m.group(2)}"
        return prefix + m.group(1)
    return None


# --- the national answers (for reference next to a local one) -------------------------------

def national_texts(domain_dir: Path) -> dict[str, str]:
    """topic/subkey -> the first text of ``utter_ask_<topic>/<subkey>`` in the domain."""
    texts: dict[str, str] = {}
    for path in sorted(Path(domain_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            m = re.match(r"^utter_ask_(\w+)/(\w+)$", name)
            if m and variants and isinstance(variants[0], dict):
                texts[f"{m.group(1)}/{m.group(2)}"] = str(variants[0].get("text") or "")
    return texts
