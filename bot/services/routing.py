"""Routing: who at the municipality (or which national organisation) helps with a question.

Pure functions, no Rasa and no database:

- ``route(topic, subtopic, profile)`` -> Route: the department plus the reason, with national
  organisations where they, not the municipality, are the right place;
- ``detect_topics(text)`` and ``route_text(text, profile, ...)``: questions that touch several
  departments at once (a kringloopwinkel: economic affairs + permits + social domain);
- ``render_card(route, now)``: the Dutch contact card (who, why, how, today's hours, what to
  have ready). Fictional municipalities are always marked as such.

Unknown sub-topics fall back to the topic's default department.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from bot.services import hours
from bot.services.municipalities import Contact, Department, Profile
from bot.services.topics import TOPICS


@dataclass(frozen=True)
class NationalOrg:
    key: str
    name: str
    description: str
    website: str


# Real, public national organisations. Only public websites, no personal data.
NATIONAL = {
    "kvk": NationalOrg("kvk", "KVK (Kamer van Koophandel)",
                       "Hier schrijf je je bedrijf in en kies je een rechtsvorm.", "https://www.kvk.nl"),
    "uwv": NationalOrg("uwv", "UWV",
                       "Regelt de no-riskpolis en het doelgroepregister van de banenafspraak.",
                       "https://www.uwv.nl/werkgevers"),
    "tenderned": NationalOrg("tenderned", "TenderNed",
                             "Hier staan de openbare aanbestedingen van alle overheden.",
                             "https://www.tenderned.nl"),
    "omgevingsloket": NationalOrg("omgevingsloket", "Omgevingsloket",
                                  "Hier vraag je een omgevingsvergunning aan of doe je een melding.",
                                  "https://omgevingswet.overheid.nl"),
    "ondernemersplein": NationalOrg("ondernemersplein", "Ondernemersplein",
                                    "De landelijke informatiesite voor ondernemers van de overheid.",
                                    "https://ondernemersplein.kvk.nl"),
}

@dataclass(frozen=True)
class Destination:
    """One place to go: a department, a contact point, a regional desk or a national body."""

    kind: str  # "department", "contact_point", "regional", "national", "general"
    name: str
    role: str | None
    what: str  # plain: what they do for you
    contact: Contact
    prepare: list[str] = field(default_factory=list)
    key: str | None = None


@dataclass(frozen=True)
class Route:
    topics: list[str]
    subtopic: str | None
    municipality: str | None  # slug
    municipality_name: str | None  # display name (says "fictief voorbeeld" when fictional)
    destinations: list[Destination]
    reason: str
    also: list[Destination] = field(default_factory=list)
    fictional_notice: str = ""

    @property
    def multi(self) -> bool:
        return len(self.destinations) > 1

    @property
    def department_key(self) -> str | None:
        """The key of the first municipal department (for contact requests)."""
        for d in self.destinations:
            if d.kind in ("department", "contact_point") and d.key:
                return d.key
        return None


def _dept_destination(dept: Department, topic: str | None, kind: str = "department") -> Destination:
    prepare = dept.prepare or (list(TOPICS[topic].prepare) if topic in TOPICS else [])
    return Destination(kind, dept.name, dept.role, dept.description, dept.contact, list(prepare), dept.key)


def _national(key: str) -> Destination:
    org = NATIONAL[key]
    return Destination("national", org.name, None, org.description, Contact(website=org.website), [], key)


def _general(profile: Profile | None) -> Destination:
    if profile is None:
        return Destination(
            "general", "het klantcontactcentrum van je gemeente", None,
            "Zij zetten je door naar de juiste afdeling.",
            Contact(phone="14 + het netnummer van je gemeente"), [], None,
        )
    return Destination("general", f"het klantcontactcentrum van {profile.name}", None,
                       "Zij zetten je door naar de juiste afdeling.", profile.general_contact, [], None)


def department_for(topic: str, subtopic: str | None, profile: Profile) -> Department | None:
    """The department for a topic: first a sub-topic match, then the topic's default department."""
    if subtopic:
        for dept in profile.departments:
            if f"{topic}/{subtopic}" in dept.subtopics:
                return dept
    for dept in profile.departments:
        if topic in dept.topics:
            return dept
    scp = profile.single_contact_point
    if scp and topic in scp.topics:
        return scp
    return None


def _national_for(topic: str, subtopic: str | None) -> tuple[list[str], list[str]]:
    """(primary, extra) national organisations for a sub-answer, from the topic registry."""
    sub = TOPICS[topic].subanswer(subtopic)
    if sub is None:
        return [], []
    return list(sub.national), list(sub.also_national)


def route(topic: str | None, subtopic: str | None, profile: Profile | None) -> Route:
    """Map (topic, sub-topic, municipality profile) to where the entrepreneur should go, and why."""
    topic = topic if topic in TOPICS else None
    slug = profile.slug if profile else None
    mname = profile.display_name if profile else None
    notice = profile.fictional_notice if profile and profile.fictional else ""
    if topic is None:
        scp = profile.single_contact_point if profile else None
        if scp:
            return Route([], subtopic, slug, mname, [_dept_destination(scp, None, "contact_point")],
                         f"{scp.name} is het vaste aanspreekpunt voor (sociaal) ondernemers. "
                         "Zij zoeken uit wie je verder helpt.", [], notice)
        return Route([], subtopic, slug, mname, [_general(profile)],
                     "Het klantcontactcentrum weet welke afdeling je vraag behandelt.", [], notice)

    primary_orgs, extra_orgs = _national_for(topic, subtopic)
    label = TOPICS[topic].label
    destinations: list[Destination] = []
    also: list[Destination] = [_national(k) for k in extra_orgs]
    dept = department_for(topic, subtopic, profile) if profile else None

    if primary_orgs:
        destinations.extend(_national(k) for k in primary_orgs)
        reason = f"Voor deze vraag over {label} ben je bij {NATIONAL[primary_orgs[0]].name} aan het goede adres, niet bij de gemeente."
        if dept:
            also.append(_dept_destination(dept, topic))
    elif dept and profile:
        destinations.append(_dept_destination(dept, topic, "contact_point" if dept is profile.single_contact_point else "department"))
        reason = f"{dept.name} gaat bij {profile.name} over {label}."
    else:
        destinations.append(_general(profile))
        reason = f"Het klantcontactcentrum weet wie bij de gemeente over {label} gaat."

    if topic == "hiring_support" and profile and profile.werkgeversservicepunt:
        sub = TOPICS[topic].subanswer(subtopic)
        wsp = profile.werkgeversservicepunt
        wsp_dest = Destination("regional", wsp.name, None, wsp.description, wsp.contact, [], "werkgeversservicepunt")
        if sub is not None and sub.regional_desk_first:
            destinations.insert(0, wsp_dest)
            reason = f"Het werkgeversservicepunt van de regio helpt werkgevers met {label}."
        else:
            also.append(wsp_dest)
    return Route([topic], subtopic, slug, mname, destinations, reason, also, notice)


# --- questions that touch several departments ---------------------------------------------------

# Kinds of enterprise that touch several departments at once (seed research: a
# kringloopwinkel touches economic affairs, environment and the social domain).
CASES: dict[str, list[str]] = {
    "kringloop": ["starting_business", "permit", "hiring_support"],
    "repair ?caf": ["starting_business", "permit", "hiring_support"],
    "zorgboerderij": ["starting_business", "permit", "hiring_support"],
    "leerwerk": ["hiring_support", "social_return", "starting_business"],
    "sociaal restaurant|buurtrestaurant|sociale horeca|leerwerkrestaurant": ["starting_business", "permit", "hiring_support"],
    "fietsenwerkplaats|fietsenmakerij": ["starting_business", "permit", "hiring_support"],
    "dagbesteding": ["starting_business", "hiring_support", "permit"],
}

def detect_topics(text: str | None) -> list[str]:
    """The topics a question touches, in a stable order (case keywords first)."""
    if not text:
        return []
    low = text.lower()
    found: list[str] = []
    for pattern, topics in CASES.items():
        if re.search(pattern, low):
            found.extend(t for t in topics if t not in found)
    for topic in TOPICS.values():
        if topic.key not in found and re.search(topic.keywords, low):
            found.append(topic.key)
    return found


def is_case(text: str | None) -> bool:
    """True when the text names a kind of enterprise that touches several departments."""
    low = (text or "").lower()
    return any(re.search(p, low) for p in CASES)


def route_many(topics: list[str], profile: Profile | None) -> Route:
    """A question that touches several topics: one contact point, or a list of departments."""
    topics = [t for t in dict.fromkeys(topics) if t in TOPICS]
    if len(topics) <= 1:
        return route(topics[0] if topics else None, None, profile)
    labels = ", ".join(TOPICS[t].label for t in topics)
    if profile is None:
        return Route(topics, None, None, None, [_general(None)],
                     f"Je vraag gaat over meer onderwerpen tegelijk ({labels}). "
                     "Het klantcontactcentrum van je gemeente brengt je bij de juiste mensen.")
    notice = profile.fictional_notice if profile.fictional else ""
    depts: list[Department] = []
    for t in topics:
        d = department_for(t, None, profile)
        if d and d not in depts:
            depts.append(d)
    if len(depts) <= 1:
        return route(topics[0], None, profile)
    scp = profile.single_contact_point
    if scp:
        reason = (f"Je vraag gaat over meer afdelingen tegelijk ({labels}). {profile.name} heeft "
                  f"één contactpunt voor sociaal ondernemers: {scp.name}. Daar regelen ze dat de "
                  "juiste collega's samen naar je plan kijken.")
        also = [_dept_destination(d, None) for d in depts]
        return Route(topics, None, profile.slug, profile.display_name,
                     [_dept_destination(scp, None, "contact_point")], reason, also, notice)
    reason = (f"Je vraag gaat over meer afdelingen tegelijk ({labels}). {profile.name} heeft geen "
              "apart contactpunt voor sociaal ondernemers. Dit zijn de afdelingen en wat ze doen:")
    dests = [_dept_destination(d, t) for d, t in zip(depts, topics, strict=False)]
    return Route(topics, None, profile.slug, profile.display_name, dests, reason, [], notice)


# Topic pairs that naturally come up together in one question for one department
# (social return is part of a tender; a network helps a starter).
RELATED = {
    frozenset({"procurement", "social_return"}),
    frozenset({"hiring_support", "social_return"}),
    frozenset({"starting_business", "network"}),
    frozenset({"subsidy", "network"}),
}


def is_cross_department(text: str | None, topic: str | None = None) -> bool:
    """True when a question touches several departments (a known case, or unrelated topics)."""
    if is_case(text):
        return True
    found = set(detect_topics(text)) | ({topic} if topic else set())
    if len(found) >= 3:
        return True
    return len(found) == 2 and frozenset(found) not in RELATED


def route_text(text: str | None, topic: str | None, subtopic: str | None, profile: Profile | None) -> Route:
    """Route a question: several departments when the text says so, else by topic/sub-topic."""
    found = detect_topics(text)
    if is_cross_department(text, topic) and (topic is None or topic in found or is_case(text)):
        if topic and topic not in found:
            found.insert(0, topic)
        multi = route_many(found, profile)
        if multi.multi or len(multi.topics) > 1:
            return multi
    if topic is None and found:
        topic = found[0]
    return route(topic, subtopic, profile)


# --- the card ------------------------------------------------------------------------------------


def _contact_lines(contact: Contact, now: datetime | None) -> list[str]:
    lines = []
    if contact.phone:
        lines.append(f"- Telefoon: {contact.phone}")
    if contact.email:
        lines.append(f"- E-mail: {contact.email}")
    if contact.website:
        lines.append(f"- Website: {contact.website}")
    if contact.opening_hours:
        lines.append(f"- {hours.today_line(contact.opening_hours, now)}. {hours.describe(contact.opening_hours, now)}")
    return lines


def _who(dest: Destination) -> str:
    return f"{dest.name}, vraag naar de {dest.role}" if dest.role else dest.name


def render_card(r: Route, now: datetime | None = None) -> str:
    """The contact card as Dutch text (B1): who, why, how to reach them, what to have ready."""
    out: list[str] = []
    if r.municipality_name:
        out.append(f"Contact bij {r.municipality_name}")
    if len(r.destinations) == 1:
        d = r.destinations[0]
        out.append(f"Wie: {_who(d)}.")
        out.append(f"Waarom: {r.reason} {d.what}".strip())
        out.append("Zo bereik je ze:")
        out.extend(_contact_lines(d.contact, now))
        if d.prepare:
            out.append("Heb dit klaar:")
            out.extend(f"- {p}" for p in d.prepare)
    else:
        out.append(r.reason)
        for d in r.destinations:
            out.append(f"* {_who(d)}: {d.what}")
            out.extend("  " + line for line in _contact_lines(d.contact, now))
    if r.also:
        out.append("Ook handig:")
        for d in r.also:
            how = d.contact.phone or d.contact.website or d.contact.email or ""
            out.append(f"- {_who(d)}: {d.what} ({how})" if how else f"- {_who(d)}: {d.what}")
    if r.fictional_notice:
        out.append(r.fictional_notice)
    return "\n".join(out)


def general_route_text(profile: Profile | None) -> str:
    """The short phone route for when something fails."""
    if profile is None:
        return "Bel de gemeente op 14 met daarachter het netnummer van je gemeente."
    c = profile.general_contact
    text = f"Bel {profile.display_name} op {c.phone}"
    text += f" of mail naar {c.email}." if c.email else "."
    return text


# --- the card step of a turn ---------------------------------------------------------------------

ASK_MUNICIPALITY = "Over welke gemeente gaat je vraag? Dan zoek ik op wie je daar kunt spreken."


def municipality_buttons(profiles: dict[str, Profile]) -> list[dict[str, str]]:
    """One button per known municipality (payload ``/inform{"municipality": "<slug>"}``)."""
    import json

    return [
        {"title": p.display_name,
         "payload": "/inform" + json.dumps({"municipality": slug}, separators=(",", ":"))}
        for slug, p in sorted(profiles.items())
    ]


@dataclass(frozen=True)
class CardStep:
    """What a turn shows for "who can help": the contact card, or first the question which
    municipality the conversation is about (asked once, when several are possible)."""

    messages: list[dict]
    asked_municipality: bool = False
    route: Route | None = None


def card_step(topic: str | None, subtopic: str | None, text: str | None, slug: str | None,
              profiles: dict[str, Profile], already_asked: bool, may_ask: bool = True,
              now: datetime | None = None) -> CardStep:
    """The card for (topic, sub-answer, question text) in the conversation's municipality."""
    if slug is None and profiles and may_ask and not already_asked:
        return CardStep([{"text": ASK_MUNICIPALITY, "buttons": municipality_buttons(profiles)}], True)
    r = route_text(text, topic, subtopic, profiles.get(slug) if slug else None)
    return CardStep([{"text": render_card(r, now)}], False, r)
