"""The social enterprise register: social enterprises that asked, in the chat and with
explicit consent, to be made known to the municipality.

- validation of the form's answers (``clean_kvk``, ``clean_theme``, ``clean_mission``; e-mail
  and name as the contact form does);
- ``join``: stores an entry only with consent; returns the withdrawal token (unguessable; only
  its hash is stored) for the link in the confirmation;
- ``withdraw_by_token`` (the link) and ``withdraw_conversation`` ("haal mijn gegevens weg" in
  the chat) delete the entry: nothing is left;
- ``entries`` / ``export_csv`` for the workspace (by theme; CSV for Excel: UTF-8 with BOM, ``;``);
- ``purge``: entries older than the retention period are deleted.

Plain Python (no Rasa). Personal data never goes to the log.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.services import routing
from bot.services.contact import clean_email, clean_text
from bot.services.db import unit_of_work
from bot.services.learning_models import SocialEnterprise

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 730

THEMES = {
    "werk": "Werk voor mensen met een afstand tot de arbeidsmarkt",
    "circulair": "Circulair",
    "zorg": "Zorg en welzijn",
    "anders": "Anders",
}
_THEME_WORDS = [
    ("werk", r"\b1\b|werk|arbeid|afstand|baan|banen|participatie|re-?integratie|leerwerk"),
    ("circulair", r"\b2\b|circul|hergebruik|recycl|kringloop|duurzaam|afval|repair|reparatie"),
    ("zorg", r"\b3\b|zorg|welzijn|gezond|ouderen|jeugd|dagbesteding"),
    ("anders", r"\b4\b|ander|overig|iets anders|geen van"),
]

PRIVACY_TEXT = (
    "De gemeente bewaart de naam van je onderneming, je KVK-nummer, je thema, je sociale "
    "missie en je e-mailadres in het register van sociale ondernemingen. Ze gebruikt ze alleen "
    "om sociale ondernemingen in beeld te brengen en om je te mailen over kansen en netwerken. "
    "Na {years} jaar halen we ze weg. Je kunt ze altijd eerder weghalen: zeg 'haal mijn "
    "gegevens weg' of gebruik de link in de bevestiging."
)


# The offer after an answer (action_answer): once per conversation, only after these topics.
OFFER_TOPICS = ("social_return", "network", "starting_business")
OFFER_TEXT = (
    "Heb je een sociale onderneming? De gemeente wil graag weten welke sociale ondernemingen "
    "er zijn. Dan kan ze je uitnodigen voor kansen en netwerken. Wil je je onderneming bekend "
    "maken bij de gemeente? Dat mag, het hoeft niet. Ik vraag het maar één keer."
)
OFFER_BUTTONS = (
    {"title": "Ja, meld mijn onderneming aan", "payload": "/register_join"},
    {"title": "Nee, dank je", "payload": "/deny"},
)
_SOCIAL = re.compile(
    r"sociale? (onderneming|ondernemer|bedrijf|werkplaats)|social enterprise|"
    r"maatschappelijke? (onderneming|impact)|impact ?onderneming|social return",
    re.I,
)


def is_social_context(topic: str | None, subtopic: str | None, text: str | None) -> bool:
    """An answer about social return or networks, starting a social enterprise, or a question
    that names one (a social enterprise, or a kind of enterprise such as a zorgboerderij)."""
    if topic in ("social_return", "network"):
        return True
    if topic == "starting_business" and subtopic == "social_enterprise":
        return True
    return bool(_SOCIAL.search(text or "")) or routing.is_case(text or "")


def offer_after_answer(topic: str | None, subtopic: str | None, text: str | None, offered_before: bool) -> bool:
    """Whether the answer to this question ends with the register offer: after an answer about
    social return, networks or starting an enterprise, in a social context, and only once."""
    return topic in OFFER_TOPICS and not offered_before and is_social_context(topic, subtopic, text)


def privacy_text(retention_days: int = DEFAULT_RETENTION_DAYS) -> str:
    years = max(1, round(retention_days / 365))
    return PRIVACY_TEXT.format(years=years)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


# --- validation ----------------------------------------------------------------------------------


def clean_kvk(value: object) -> str | None:
    """A KVK number: exactly 8 digits (spaces, dots and dashes allowed in between)."""
    if not isinstance(value, str):
        return None
    raw = value.strip()
    raw = re.sub(r"^(kvk|kvk-nummer|kvknummer|nummer)[:\s]*", "", raw, flags=re.I)
    if not re.fullmatch(r"[\d\s.\-]+", raw):
        return None
    digits = re.sub(r"\D", "", raw)
    if len(digits) != 8 or digits == "00000000":
        return None
    return digits


def clean_theme(value: object) -> str | None:
    """The theme key for a button title or a typed answer ("circulair", "3", "zorg")."""
    if not isinstance(value, str):
        return None
    low = value.strip().lower()
    for key, title in THEMES.items():
        if low == title.lower() or low == key:
            return key
    for key, pattern in _THEME_WORDS:
        if re.search(pattern, low):
            return key
    return None


def clean_mission(value: object) -> str | None:
    """The social mission in one sentence: 3 to 40 words, at most 300 characters."""
    text = clean_text(value, 300)
    if not text or text.startswith("/") or not 3 <= len(text.split()) <= 40:
        return None
    return text


def clean_company(value: object) -> str | None:
    """The name of the enterprise (as a person's name is checked, but digits are allowed)."""
    name = clean_text(value, 200)
    if not name or "@" in name or "?" in name or len(name) < 2 or len(name.split()) > 10:
        return None
    if not re.search(r"[^\W\d_]", name):
        return None
    return name


# --- joining and leaving --------------------------------------------------------------------------


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def conversation_hash(sender_id: str) -> str:
    return _hash(f"register:{sender_id}")


@dataclass
class Draft:
    name: str
    kvk: str
    theme: str
    mission: str
    email: str
    municipality: str | None = None
    conversation_id: str | None = None
    consent: bool = False


def join(factory: sessionmaker, draft: Draft, now: datetime | None = None) -> str:
    """Store the entry; returns the withdrawal token. Nothing is stored without consent
    (ValueError) or with a missing or invalid answer (ValueError)."""
    if draft.consent is not True:
        raise ValueError("Zonder toestemming wordt niets opgeslagen.")
    name, kvk, theme = clean_company(draft.name), clean_kvk(draft.kvk), clean_theme(draft.theme)
    mission, email = clean_mission(draft.mission), clean_email(draft.email)
    if not (name and kvk and theme and mission and email):
        raise ValueError("De aanmelding is niet compleet.")
    now = now or _utcnow()
    token = secrets.token_urlsafe(32)
    with unit_of_work(factory) as session:
        session.add(SocialEnterprise(
            created_at=now, consent_at=now, municipality=draft.municipality or None, name=name,
            kvk=kvk, theme=theme, mission=mission, email=email,
            conversation=conversation_hash(draft.conversation_id) if draft.conversation_id else None,
            token_hash=_hash(token)))
    logger.info("Social enterprise registered (municipality=%s, theme=%s)", draft.municipality, theme)
    return token


def valid_token(token: object) -> bool:
    return isinstance(token, str) and bool(re.fullmatch(r"[A-Za-z0-9_-]{40,64}", token))


def find_by_token(factory: sessionmaker, token: str) -> SocialEnterprise | None:
    if not valid_token(token):
        return None
    with unit_of_work(factory) as session:
        return session.scalars(select(SocialEnterprise).where(
            SocialEnterprise.token_hash == _hash(token))).first()


def withdraw_by_token(factory: sessionmaker, token: str) -> bool:
    """Delete the entry of this withdrawal link. False when there is none (anymore)."""
    if not valid_token(token):
        return False
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(SocialEnterprise).where(
            SocialEnterprise.token_hash == _hash(token))))
        for row in rows:
            session.delete(row)
    return bool(rows)


def withdraw_conversation(factory: sessionmaker, sender_id: str) -> int:
    """Delete the entries made in this conversation; returns how many."""
    if not sender_id:
        return 0
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(SocialEnterprise).where(
            SocialEnterprise.conversation == conversation_hash(sender_id))))
        for row in rows:
            session.delete(row)
    return len(rows)


# --- the workspace -------------------------------------------------------------------------------


def entries(factory: sessionmaker, municipality: str | None = None, theme: str | None = None) -> list[SocialEnterprise]:
    stmt = select(SocialEnterprise).order_by(SocialEnterprise.theme, SocialEnterprise.name)
    if municipality:
        stmt = stmt.where(SocialEnterprise.municipality == municipality)
    if theme:
        stmt = stmt.where(SocialEnterprise.theme == theme)
    with unit_of_work(factory) as session:
        return list(session.scalars(stmt))


def by_theme(rows: Iterable[SocialEnterprise]) -> list[tuple[str, str, list[SocialEnterprise]]]:
    """(theme key, Dutch title, entries) in the order of THEMES, empty themes included."""
    grouped: dict[str, list[SocialEnterprise]] = {key: [] for key in THEMES}
    for row in rows:
        grouped.setdefault(row.theme, []).append(row)
    return [(key, THEMES.get(key, key), items) for key, items in grouped.items()]


CSV_HEADER = ["naam", "kvk_nummer", "thema", "sociale_missie", "e_mailadres", "gemeente",
              "aangemeld_op", "bewaren_tot"]


def _csv_safe(value: object) -> str:
    """No spreadsheet formulas from user text."""
    text_value = "" if value is None else str(value)
    return "'" + text_value if text_value[:1] in ("=", "+", "-", "@", "\t", "\r") else text_value


def export_csv(rows: Iterable[SocialEnterprise], retention_days: int = DEFAULT_RETENTION_DAYS) -> bytes:
    """CSV for Excel: UTF-8 with a byte order mark, ';' between the fields."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([_csv_safe(v) for v in (
            row.name, row.kvk, THEMES.get(row.theme, row.theme), row.mission, row.email,
            row.municipality or "", row.created_at.strftime("%Y-%m-%d"),
            (row.created_at + timedelta(days=retention_days)).strftime("%Y-%m-%d"))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def purge(factory: sessionmaker, retention_days: int = DEFAULT_RETENTION_DAYS,
          now: datetime | None = None) -> int:
    """Delete entries older than the retention period; returns how many."""
    if retention_days < 1:
        raise ValueError("De bewaartermijn moet minstens 1 dag zijn.")
    cutoff = (now or _utcnow()) - timedelta(days=retention_days)
    with unit_of_work(factory) as session:
        rows = list(session.scalars(select(SocialEnterprise).where(SocialEnterprise.created_at < cutoff)))
        for row in rows:
            session.delete(row)
    return len(rows)


def count(factory: sessionmaker) -> int:
    with unit_of_work(factory) as session:
        return len(list(session.scalars(select(SocialEnterprise.id))))

