"""Municipality profiles: YAML files in ``data/municipalities/<slug>.yml``.

Public API (a contract with the other parts of the assistant):

- ``load_profiles(directory) -> dict[str, Profile]`` loads and validates every profile;
- ``get_profile(slug, directory) -> Profile | None``;
- ``resolve_municipality(text, profiles) -> str | None`` finds a slug from a name, an alias
  or a misspelling (fuzzy).

Validation errors are Dutch and name the file, the line and the field.
Loading is cached per process by file modification time; no side effects at import.
"""

from __future__ import annotations

import difflib
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOPICS = (
    "procurement",
    "social_return",
    "subsidy",
    "hiring_support",
    "permit",
    "starting_business",
    "network",
    "municipality_process",
)

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PHONE_14 = re.compile(r"^14 ?0\d{2,3}$")
_URL = re.compile(r"^https?://[^\s]+$")
_HOURS = re.compile(r"^\d{2}:\d{2}-\d{2}:\d{2}(, ?\d{2}:\d{2}-\d{2}:\d{2})*$")


# --- the profile ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    # weekday (Dutch, lower case) -> "08:30-12:00, 13:00-17:00" or "gesloten"
    opening_hours: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Department:
    key: str
    name: str  # the official name
    role: str  # the person-role to ask for, never a private person's name
    description: str  # plain words: what they do for entrepreneurs
    topics: list[str] = field(default_factory=list)
    subtopics: list[str] = field(default_factory=list)  # "topic/subtopic"
    contact: Contact = field(default_factory=Contact)
    prepare: list[str] = field(default_factory=list)  # what to have ready

    def handles(self, topic: str, subtopic: str | None = None) -> bool:
        if subtopic and f"{topic}/{subtopic}" in self.subtopics:
            return True
        return topic in self.topics


@dataclass(frozen=True)
class ProcurementBand:
    label: str
    min_eur: int | None
    max_eur: int | None
    procedure: str
    note: str = ""


@dataclass(frozen=True)
class SubsidyScheme:
    name: str
    description: str
    deadline: str | None = None
    max_amount_eur: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Network:
    name: str
    description: str
    url: str | None = None


@dataclass(frozen=True)
class RegionalDesk:
    """A regional organisation, such as the werkgeversservicepunt of the labour market region."""

    name: str
    description: str
    contact: Contact = field(default_factory=Contact)


@dataclass(frozen=True)
class Profile:
    slug: str
    name: str
    fictional: bool
    aliases: list[str]
    general_contact: Contact
    single_contact_point: Department | None
    departments: list[Department]
    procurement_bands: list[ProcurementBand] = field(default_factory=list)
    subsidy_schemes: list[SubsidyScheme] = field(default_factory=list)
    networks: list[Network] = field(default_factory=list)
    werkgeversservicepunt: RegionalDesk | None = None
    fictional_notice: str = ""
    source_file: str = ""

    @property
    def display_name(self) -> str:
        """The name as shown to users; fictional samples always say so."""
        return f"{self.name} (fictief voorbeeld)" if self.fictional else self.name

    def department(self, key: str) -> Department | None:
        for dept in self.departments:
            if dept.key == key:
                return dept
        if self.single_contact_point and self.single_contact_point.key == key:
            return self.single_contact_point
        return None


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
        probe = path
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
        if label and procedure:
            bands.append(ProcurementBand(label, lo, hi, procedure, c.text(item, "note", path, required=False) or ""))
    schemes = []
    for path, item in _items(c, data, "subsidy_schemes", ()):
        sname, desc = c.text(item, "name", path), c.text(item, "description", path)
        deadline = c.text(item, "deadline", path, required=False)
        url = c.text(item, "url", path, required=False, pattern=_URL, hint="Een website begint met https://.")
        if sname and desc:
            schemes.append(SubsidyScheme(sname, desc, deadline, c.amount(item, "max_amount_eur", path), url))
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
    known = {"slug", "name", "fictional", "fictional_notice", "aliases", "general_contact",
             "single_contact_point", "departments", "procurement_bands", "subsidy_schemes",
             "networks", "werkgeversservicepunt"}
    for key in data:
        if key not in known:
            c.fail((key,), f"onbekend veld. Toegestaan: {', '.join(sorted(known))}.")
    if c.issues or name is None:
        return None, c.issues
    profile = Profile(
        slug=slug, name=name, fictional=fictional, aliases=aliases, general_contact=general,
        single_contact_point=scp, departments=departments, procurement_bands=bands,
        subsidy_schemes=schemes, networks=networks, werkgeversservicepunt=wsp,
        fictional_notice=notice, source_file=file,
    )
    return profile, []


def validate_file(path: Path) -> tuple[Profile | None, list[Issue]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Issue(path.name, None, "", f"kan het bestand niet lezen ({err}).")]
    return parse_profile(text, path.name, path.stem)


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


def is_dutch_phone(value: str) -> bool:
    """True for Dutch phone numbers: 06-12345678, +31 6 12345678, 010-1234567, 14 010, 0800-1234."""
    raw = value.strip()
    if not re.fullmatch(r"[0-9+()\s.-]+", raw):
        return False
    digits = re.sub(r"[\s().-]", "", raw)
    if re.fullmatch(r"140\d{2,3}", digits):  # 14 + area code
        return True
    if digits.startswith("+31"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0031"):
        digits = "0" + digits[4:].removeprefix("0")
    if re.fullmatch(r"0(800|900|906|909)\d{4,7}", digits):
        return True
    return bool(re.fullmatch(r"0[1-9]\d{8}", digits))


# --- the database copy ---------------------------------------------------------------------------


def sync_profiles(factory: Any, profiles: dict[str, Profile]) -> dict[str, str]:
    """Store the profiles in the database in one transaction (insert, update, remove).

    Returns slug -> "nieuw" | "bijgewerkt" | "ongewijzigd" | "verwijderd".
    """
    import dataclasses
    import hashlib
    import json
    from datetime import datetime, timezone

    from sqlalchemy import select

    from bot.db import unit_of_work
    from bot.models import MunicipalDepartment, Municipality

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
    from bot.db import session_factory
    from bot.models import Base

    Base.metadata.create_all(engine)
    try:
        profiles = load_profiles(settings.municipalities_dir)
    except ProfileError as err:
        from bot.cli import CommandError

        raise CommandError(f"de gemeenteprofielen zijn niet geldig:\n{err}") from err
    result = sync_profiles(session_factory(engine), profiles)
    changed = sum(1 for v in result.values() if v != "ongewijzigd")
    return f"Gemeenteprofielen geladen: {len(profiles)} ({changed} gewijzigd)."
