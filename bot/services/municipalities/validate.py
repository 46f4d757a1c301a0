"""Validation of a profile file: Dutch errors that name the file, the line and the field.

Topics and ``topic/subkey`` sub-answers are checked against the topic registry
(``bot.services.topics``), so a profile cannot route a sub-answer the assistant does not have.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.services.municipalities.profile import (
    ANSWER_MODES,
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
from bot.services.topics import TOPIC_KEYS as TOPICS
from bot.services.topics import TOPICS as TOPIC_REGISTRY
from bot.services.topics import is_subanswer
from glossary.facts import parse_day

_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE_14 = re.compile(r"^14 ?0\d{2,3}$")
_URL = re.compile(r"^https?://[^\s]+$")
_HOURS = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}(, ?\d{2}:\d{2}-\d{2}:\d{2})*$")


# --- errors ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issue:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, regel {self.line}" if self.line else self.file
        return f"{where}, veld '{self.field}': {self.message}" if self.field else f"{where}: {self.message}"


class ProfileError(ValueError):
    """A profile file is invalid. ``issues`` lists every problem found (Dutch)."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


# --- validation --------------------------------------------------------------------------------


def _line_map(node: yaml.Node, path: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map every key path in a YAML document to its (1-based) line number."""
    out = {} if out is None else out
    out.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (i,), out)
    return out


def _field_name(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class _Checker:
    def __init__(self, file: str, lines: dict[tuple, int]) -> None:
        self.file = file
        self.lines = lines
        self.issues: list[Issue] = []

    def fail(self, path: tuple, message: str) -> None:
        line = None
        probe: tuple | None = path
        while probe is not None:
            if probe in self.lines:
                line = self.lines[probe]
                break
            probe = probe[:-1] if probe else None
        self.issues.append(Issue(self.file, line, _field_name(path), message))

    def mapping(self, data: Any, path: tuple, required: bool = True) -> dict | None:
        if data is None and not required:
            return None
        if not isinstance(data, dict):
            self.fail(path, "moet een lijst van velden zijn (sleutel: waarde)." if data is not None
                      else "ontbreekt.")
            return None
        return data

    def text(self, data: dict, key: str, path: tuple, required: bool = True,
             pattern: re.Pattern | None = None, hint: str = "") -> str | None:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(path + (key,), "ontbreekt of is leeg.")
            return None
        if not isinstance(value, str | int):
            self.fail(path + (key,), "moet tekst zijn.")
            return None
        value = str(value).strip()
        if pattern and not pattern.match(value):
            self.fail(path + (key,), f"'{value}' is ongeldig. {hint}".strip())
            return None
        return value

    def amount(self, data: dict, key: str, path: tuple) -> int | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(path + (key,), f"moet een heel bedrag in euro's zijn (0 of meer), niet {value!r}.")
            return None
        return value

    def text_list(self, data: dict, key: str, path: tuple, allowed: Iterable[str] | None = None,
                  required: bool = False) -> list[str]:
        value = data.get(key)
        if value is None:
            if required:
                self.fail(path + (key,), "ontbreekt.")
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(path + (key,), "moet een lijst met tekst zijn.")
            return []
        if allowed is not None:
            allowed = set(allowed)
            for i, v in enumerate(value):
                if v not in allowed:
                    self.fail(path + (key, i), f"'{v}' is onbekend. Kies uit: {', '.join(sorted(allowed))}.")
        return [v.strip() for v in value]


PERIOD_KEYS = ("valid_from", "valid_until", "source", "checked")


def _check_period(c: _Checker, data: dict, path: tuple, required: bool = False) -> Period:
    """The dated-fact keys of a profile detail (``glossary.facts``): dates as YYYY-MM-DD,
    valid_until not before valid_from, and ``checked`` whenever a date is given."""
    days: dict[str, str | None] = {}
    for key in ("valid_from", "valid_until", "checked"):
        value = data.get(key)
        try:
            day = parse_day(value)
        except (ValueError, TypeError):
            c.fail(path + (key,), f"'{value}' is geen datum. Schrijf JJJJ-MM-DD, bijvoorbeeld 2026-01-01.")
            day = None
        days[key] = day.isoformat() if day else None
    if days["valid_from"] and days["valid_until"] and days["valid_until"] < days["valid_from"]:
        c.fail(path + ("valid_until",), f"{days['valid_until']} ligt vóór valid_from ({days['valid_from']}).")
    source = c.text(data, "source", path, required=required) or ""
    dated = any(data.get(k) not in (None, "") for k in ("valid_from", "valid_until"))
    if (required or dated) and not days["checked"] and data.get("checked") in (None, ""):
        c.fail(path + ("checked",), "ontbreekt: vul de datum in waarop je dit het laatst hebt gecontroleerd (JJJJ-MM-DD).")
    if dated and not source:
        c.fail(path + ("source",), "ontbreekt: noem de bron van dit gedateerde gegeven.")
    return Period(days["valid_from"], days["valid_until"], source, days["checked"])


ANSWER_KEYS = ("mode", "text", *PERIOD_KEYS)


def _check_answers(c: _Checker, data: dict) -> dict[str, LocalAnswer]:
    """``answers:`` topic/subkey -> {mode, text, source, valid_from, valid_until, checked}."""
    raw = data.get("answers")
    if raw is None:
        return {}
    raw = c.mapping(raw, ("answers",))
    out: dict[str, LocalAnswer] = {}
    for key, item in (raw or {}).items():
        path = ("answers", key)
        key = str(key)
        topic, _, sub = key.partition("/")
        if topic not in TOPICS or not sub:
            c.fail(path, f"'{key}' moet de vorm 'onderwerp/deelantwoord' hebben, bijvoorbeeld 'procurement/thresholds'.")
            continue
        if not is_subanswer(topic, sub):
            known = ", ".join(f"{topic}/{k}" for k in TOPIC_REGISTRY[topic].subanswers)
            c.fail(path, f"'{key}' bestaat niet: de assistent heeft geen antwoord '{sub}' bij '{topic}'. Kies uit: {known}.")
            continue
        item = c.mapping(item, path)
        if item is None:
            continue
        for extra in sorted(str(k) for k in item if k not in ANSWER_KEYS):
            c.fail(path + (extra,), f"onbekend veld. Toegestaan: {', '.join(ANSWER_KEYS)}.")
        mode = item.get("mode")
        if mode not in ANSWER_MODES:
            c.fail(path + ("mode",), f"'{mode}' is onbekend. Kies 'add' (na het landelijke antwoord) of 'replace' (in plaats ervan).")
        text = c.text(item, "text", path)
        period = _check_period(c, item, path, required=True)
        if mode in ANSWER_MODES and text and period.source:
            out[key] = LocalAnswer(key, str(mode), text, period)
    return out


def _check_contact(c: _Checker, data: Any, path: tuple, phone_14: bool = False) -> Contact:
    data = c.mapping(data, path)
    if data is None:
        return Contact()
    if phone_14:
        phone = c.text(data, "phone", path, pattern=_PHONE_14,
                       hint="Gebruik 14 met het netnummer, bijvoorbeeld '14 010'.")
    else:
        phone = c.text(data, "phone", path, required=False)
        if phone and not is_dutch_phone(phone):
            c.fail(path + ("phone",), f"'{phone}' is geen Nederlands telefoonnummer.")
    email = c.text(data, "email", path, required=False, pattern=_EMAIL,
                   hint="Schrijf een e-mailadres als naam@gemeente.example.")
    website = c.text(data, "website", path, required=False, pattern=_URL,
                     hint="Een website begint met https://.")
    if not (phone or email or website) and not c.issues:
        c.fail(path, "geef minstens een telefoonnummer, e-mailadres of website.")
    hours: dict[str, str] = {}
    raw_hours = data.get("opening_hours")
    if raw_hours is not None:
        raw_hours = c.mapping(raw_hours, path + ("opening_hours",))
        for day, value in (raw_hours or {}).items():
            hpath = path + ("opening_hours", day)
            if day not in WEEKDAYS:
                c.fail(hpath, f"'{day}' is geen weekdag. Gebruik: {', '.join(WEEKDAYS)}.")
                continue
            value = str(value).strip().lower()
            if value != "gesloten" and not (_HOURS.match(value) and _hours_ok(value)):
                c.fail(hpath, f"'{value}' is ongeldig. Schrijf bijvoorbeeld '08:30-12:00, 13:00-17:00' of 'gesloten'.")
                continue
            hours[day] = value
    return Contact(phone=phone, email=email, website=website, opening_hours=hours)


def _hours_ok(value: str) -> bool:
    previous = -1
    for part in value.split(","):
        start, end = part.strip().split("-")
        s = int(start[:2]) * 60 + int(start[3:])
        e = int(end[:2]) * 60 + int(end[3:])
        if not (0 <= s < e <= 24 * 60) or s < previous or int(start[3:]) > 59 or int(end[3:]) > 59:
            return False
        previous = e
    return True


def _check_department(c: _Checker, data: Any, path: tuple) -> Department | None:
    data = c.mapping(data, path)
    if data is None:
        return None
    key = c.text(data, "key", path, pattern=re.compile(r"^[a-z][a-z0-9_]*$"),
                 hint="Gebruik kleine letters, cijfers en _.")
    name = c.text(data, "name", path)
    role = c.text(data, "role", path)
    description = c.text(data, "description", path)
    topics = c.text_list(data, "topics", path, allowed=TOPICS)
    subtopics = c.text_list(data, "subtopics", path)
    for i, sub in enumerate(subtopics):
        topic, _, rest = sub.partition("/")
        if topic not in TOPICS or not rest:
            c.fail(path + ("subtopics", i), f"'{sub}' moet de vorm 'onderwerp/subonderwerp' hebben, bijvoorbeeld 'procurement/thresholds'.")
        elif not is_subanswer(topic, rest):
            known = ", ".join(f"{topic}/{k}" for k in TOPIC_REGISTRY[topic].subanswers)
            c.fail(path + ("subtopics", i), f"'{sub}' bestaat niet: de assistent heeft geen antwoord '{rest}' bij '{topic}'. Kies uit: {known}.")
    contact = _check_contact(c, data.get("contact"), path + ("contact",))
    prepare = c.text_list(data, "prepare", path)
    if key is None or name is None or role is None or description is None:
        return None
    return Department(key=key, name=name, role=role, description=description, topics=topics,
                      subtopics=subtopics, contact=contact, prepare=prepare)


def _items(c: _Checker, data: dict, key: str, path: tuple) -> list[tuple[tuple, dict]]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        c.fail(path + (key,), "moet een lijst zijn.")
        return []
    out = []
    for i, item in enumerate(value):
        item = c.mapping(item, path + (key, i))
        if item is not None:
            out.append((path + (key, i), item))
    return out


def parse_profile(text: str, file: str, slug: str) -> tuple[Profile | None, list[Issue]]:
    """Validate the YAML text of one profile. Returns the profile or the list of problems."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        return None, [Issue(file, line, "", f"geen geldige YAML ({problem}).")]
    c = _Checker(file, _line_map(node) if node is not None else {})
    if not SLUG_RE.match(slug):
        c.fail((), f"de bestandsnaam '{slug}' mag alleen kleine letters, cijfers en '-' bevatten.")
    data = c.mapping(data, ())
    if data is None:
        return None, c.issues
    if data.get("slug") not in (None, slug):
        c.fail(("slug",), f"'{data.get('slug')}' moet gelijk zijn aan de bestandsnaam '{slug}'.")
    name = c.text(data, "name", ())
    fictional = data.get("fictional")
    if not isinstance(fictional, bool):
        c.fail(("fictional",), "zet 'fictional: true' of 'fictional: false'.")
        fictional = True
    notice = c.text(data, "fictional_notice", (), required=fictional) or ""
    aliases = c.text_list(data, "aliases", ())
    general = _check_contact(c, data.get("general_contact"), ("general_contact",), phone_14=True)
    scp = None
    if data.get("single_contact_point") is not None:
        scp = _check_department(c, data["single_contact_point"], ("single_contact_point",))
    departments = []
    for path, item in _items(c, data, "departments", ()):
        dept = _check_department(c, item, path)
        if dept:
            departments.append(dept)
    if not data.get("departments"):
        c.fail(("departments",), "geef minstens één afdeling of team.")
    keys = [d.key for d in departments] + ([scp.key] if scp else [])
    for dup in {k for k in keys if keys.count(k) > 1}:
        c.fail(("departments",), f"de sleutel '{dup}' komt meer dan eens voor.")
    covered = {t for d in departments for t in d.topics}
    for topic in TOPICS:
        if topic not in covered:
            c.fail(("departments",), f"geen afdeling behandelt het onderwerp '{topic}'.")

    bands = []
    for path, item in _items(c, data, "procurement_bands", ()):
        label = c.text(item, "label", path)
        procedure = c.text(item, "procedure", path)
        lo, hi = c.amount(item, "min_eur", path), c.amount(item, "max_eur", path)
        if lo is not None and hi is not None and lo >= hi:
            c.fail(path + ("max_eur",), "moet hoger zijn dan min_eur.")
        period = _check_period(c, item, path)
        if label and procedure:
            bands.append(ProcurementBand(label, lo, hi, procedure, c.text(item, "note", path, required=False) or "", period))
    schemes = []
    for path, item in _items(c, data, "subsidy_schemes", ()):
        sname, desc = c.text(item, "name", path), c.text(item, "description", path)
        deadline = c.text(item, "deadline", path, required=False)
        url = c.text(item, "url", path, required=False, pattern=_URL, hint="Een website begint met https://.")
        period = _check_period(c, item, path)
        if sname and desc:
            schemes.append(SubsidyScheme(sname, desc, deadline, c.amount(item, "max_amount_eur", path), url, period))
    networks = []
    for path, item in _items(c, data, "networks", ()):
        nname, desc = c.text(item, "name", path), c.text(item, "description", path)
        url = c.text(item, "url", path, required=False, pattern=_URL, hint="Een website begint met https://.")
        if nname and desc:
            networks.append(Network(nname, desc, url))
    wsp = None
    if data.get("werkgeversservicepunt") is not None:
        wdata = c.mapping(data["werkgeversservicepunt"], ("werkgeversservicepunt",))
        if wdata is not None:
            wname = c.text(wdata, "name", ("werkgeversservicepunt",))
            wdesc = c.text(wdata, "description", ("werkgeversservicepunt",))
            wcontact = _check_contact(c, wdata.get("contact"), ("werkgeversservicepunt", "contact"))
            if wname and wdesc:
                wsp = RegionalDesk(wname, wdesc, wcontact)
    answers = _check_answers(c, data)
    known = {"slug", "name", "fictional", "fictional_notice", "aliases", "general_contact",
             "single_contact_point", "departments", "procurement_bands", "subsidy_schemes",
             "networks", "werkgeversservicepunt", "answers"}
    for key in data:
        if key not in known:
            c.fail((key,), f"onbekend veld. Toegestaan: {', '.join(sorted(known))}.")
    if c.issues or name is None:
        return None, c.issues
    profile = Profile(
        slug=slug, name=name, fictional=fictional, aliases=aliases, general_contact=general,
        single_contact_point=scp, departments=departments, procurement_bands=bands,
        subsidy_schemes=schemes, networks=networks, werkgeversservicepunt=wsp, answers=answers,
        fictional_notice=notice, source_file=file,
    )
    return profile, []


def validate_file(path: Path) -> tuple[Profile | None, list[Issue]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Issue(path.name, None, "", f"kan het bestand niet lezen ({err}).")]
    return parse_profile(text, path.name, path.stem)
