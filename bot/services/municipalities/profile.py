"""The municipality profile as data: departments, contact channels, local schemes.

Plain frozen dataclasses, built by ``validate.parse_profile`` from ``data/municipalities/<slug>.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
ANSWER_MODES = ("add", "replace")

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
class Period:
    """When a profile detail holds (ISO dates as text, None when open or unknown), its source
    and the date it was last checked: the dated-fact keys of ``glossary.facts``."""

    valid_from: str | None = None
    valid_until: str | None = None
    source: str = ""
    checked: str | None = None

    @property
    def dated(self) -> bool:
        return bool(self.valid_from or self.valid_until or self.checked)


@dataclass(frozen=True)
class ProcurementBand:
    label: str
    min_eur: int | None
    max_eur: int | None
    procedure: str
    note: str = ""
    period: Period = field(default_factory=Period)


@dataclass(frozen=True)
class SubsidyScheme:
    name: str
    description: str
    deadline: str | None = None
    max_amount_eur: int | None = None
    url: str | None = None
    period: Period = field(default_factory=Period)


@dataclass(frozen=True)
class LocalAnswer:
    """A municipality's own text for a national sub-answer (``answers:`` in the profile)."""

    key: str  # topic/subkey, a sub-answer in bot.services.topics
    mode: str  # add: after the national text; replace: instead of it
    text: str
    period: Period = field(default_factory=Period)

    @property
    def topic(self) -> str:
        return self.key.split("/", 1)[0]

    @property
    def subkey(self) -> str:
        return self.key.split("/", 1)[1]


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
    answers: dict[str, LocalAnswer] = field(default_factory=dict)  # topic/subkey -> own text
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
