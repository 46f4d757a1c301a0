"""Every dated fact the assistant holds, in one list, with its status on a given date.

Dated facts (the model is in ``glossary.facts``) live in four places:

- ``answer``: a national answer, in the domain response's ``metadata.facts``
  (``bot/domain/<topic>.yml``, ``utter_ask_procurement/thresholds``);
- ``glossary``: a glossary entry's ``facts`` (the database, or ``glossary/terms/*.yml``);
- ``profile``: a municipality profile detail (``procurement_bands``, ``subsidy_schemes``) with
  ``valid_from`` / ``valid_until`` / ``source`` / ``checked``;
- ``local_answer``: a municipality's own text for a sub-answer (``answers:`` in the profile).

``collect`` reads them (pure: the caller passes the folders and, optionally, the database);
``report`` computes the status for a date: current / expiring (within 90 days) / expired, and
stale (checked more than a year ago). The date is always a parameter; ``today(settings)`` is
the production default: GEMEENTETOLK_TODAY (tests only) or today in Europe/Amsterdam.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from glossary import facts as model
from glossary.facts import CURRENT, EXPIRED, EXPIRING, is_stale, status

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KINDS = {
    "answer": "antwoord",
    "glossary": "woordenlijst",
    "profile": "gemeenteprofiel",
    "local_answer": "lokaal antwoord",
}


def today(settings: Any = None) -> date:
    """The date facts are judged on: ``settings.today`` (GEMEENTETOLK_TODAY, tests only) or
    today in Europe/Amsterdam."""
    fixed = getattr(settings, "today", None)
    return fixed if isinstance(fixed, date) else datetime.now(AMSTERDAM).date()


@dataclass(frozen=True)
class PlacedFact:
    """One dated fact and where it lives."""

    kind: str  # answer / glossary / profile / local_answer
    file: str  # relative to the project root (or "database")
    owner: str  # utter_ask_procurement/thresholds, drempelwaarde, dijkstede procurement_bands[2]
    fact: Mapping[str, Any]
    subanswer: str | None = None  # topic/subkey when the fact belongs to a sub-answer

    def status(self, day: date) -> str:
        return status(self.fact, day)

    def stale(self, day: date) -> bool:
        return is_stale(self.fact, day)

    def as_json(self, day: date) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "owner": self.owner,
            "subanswer": self.subanswer,
            **{k: self.fact.get(k) for k in model.FACT_KEYS},
            "status": self.status(day),
            "stale": self.stale(day),
        }


@dataclass
class Collection:
    facts: list[PlacedFact] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # invalid facts (Dutch)


def response_facts(domain: Mapping[str, Any], response: str) -> list[Mapping[str, Any]]:
    """The facts in ``metadata.facts`` of the first variant of ``response`` that has them."""
    for variant in ((domain or {}).get("responses") or {}).get(response) or []:
        found = ((variant or {}).get("metadata") or {}).get("facts")
        if found:
            return [f for f in found if isinstance(f, Mapping)]
    return []


def _subanswer(response: str) -> str | None:
    """``utter_ask_procurement/thresholds`` -> ``procurement/thresholds``."""
    name, _, sub = response.partition("/")
    return f"{name.removeprefix('utter_ask_')}/{sub}" if sub and name.startswith("utter_ask_") else None


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def domain_facts(domain_dir: Path, root: Path, out: Collection) -> None:
    for path in sorted(Path(domain_dir).glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for response, variants in (data.get("responses") or {}).items():
            for i, variant in enumerate(variants or []):
                raw = ((variant or {}).get("metadata") or {}).get("facts")
                if not raw:
                    continue
                where = f"{_rel(path, root)}, {response}"
                try:
                    found = model.normalise_facts(raw, where)
                except model.FactError as err:
                    out.problems.extend(str(err).splitlines())
                    continue
                for fact in found:
                    owner = response if i == 0 else f"{response} (variant {i + 1})"
                    out.facts.append(PlacedFact("answer", _rel(path, root), owner, fact, _subanswer(response)))


def _glossary_entries(terms_dir: Path, db_url: str | None) -> tuple[list[Any], str]:
    """Entries from the database when it is ready, otherwise from the curated files."""
    if db_url:
        try:
            from glossary.store import Store

            store = Store.from_url(db_url, create=False)
            if store.is_ready():
                try:
                    return [e for e in store.list() if e.status != "vervallen"], "database"
                finally:
                    store.engine.dispose()
        except Exception:  # noqa: BLE001 - no usable database: the files are the truth
            pass
    from glossary.io import read_entries

    return [e for e in read_entries(Path(terms_dir)) if e.status != "vervallen"], ""


def glossary_facts(terms_dir: Path, db_url: str | None, root: Path, out: Collection) -> str:
    """Add the glossary's facts; returns where they came from ("database" or "files")."""
    from glossary.model import GlossaryError

    try:
        entries, origin = _glossary_entries(terms_dir, db_url)
    except GlossaryError as err:
        out.problems.append(str(err))
        return "files"
    for entry in entries:
        file = origin or _rel(Path(terms_dir) / f"{entry.topic or 'overig'}.yml", root)
        for i, fact in enumerate(entry.facts):
            problems = model.fact_problems(fact, f"{file}, {entry.id}, feit {i + 1}")
            if problems:
                out.problems.extend(problems)
                continue
            out.facts.append(PlacedFact("glossary", file, entry.id, model.normalise_fact(fact, entry.id)))
    return origin or "files"


def _period_fact(fid: str, claim: str, period: Any) -> dict[str, Any]:
    return {
        "id": fid,
        "claim": claim,
        "valid_from": period.valid_from,
        "valid_until": period.valid_until,
        "source": period.source,
        "source_url": None,
        "checked": period.checked,
    }


def _amounts(low: int | None, high: int | None) -> str:
    def eur(x: int) -> str:
        return "€ " + f"{int(x):,}".replace(",", ".")

    if high is None:
        return f"vanaf {eur(low or 0)}"
    return f"{eur(low or 0)} tot {eur(high)}"


def profile_facts(municipalities_dir: Path, root: Path, out: Collection) -> None:
    from bot.services.municipalities.validate import validate_file

    for path in sorted(Path(municipalities_dir).glob("*.yml")):
        profile, issues = validate_file(path)
        if profile is None:
            out.problems.extend(str(i) for i in issues)
            continue
        file = _rel(path, root)
        for i, band in enumerate(profile.procurement_bands):
            if band.period.dated:
                claim = f"inkoopgrens '{band.label}': {_amounts(band.min_eur, band.max_eur)}"
                fact = _period_fact(f"procurement-bands-{i}", claim, band.period)
                out.facts.append(PlacedFact("profile", file, f"{profile.slug} procurement_bands[{i}]", fact))
        for i, scheme in enumerate(profile.subsidy_schemes):
            if scheme.period.dated:
                claim = f"regeling '{scheme.name}'" + (f", aanvragen vóór {scheme.deadline}" if scheme.deadline else "")
                fact = _period_fact(f"subsidy-schemes-{i}", claim, scheme.period)
                out.facts.append(PlacedFact("profile", file, f"{profile.slug} subsidy_schemes[{i}]", fact))
        for key, local in profile.answers.items():
            fact = _period_fact(f"answer-{key.replace('/', '-')}", local.text[:120], local.period)
            out.facts.append(PlacedFact("local_answer", file, f"{profile.slug} answers.{key}", fact, key))


def collect(root: Path, db_url: str | None = None) -> Collection:
    """Every dated fact under ``root`` (bot/domain, glossary, data/municipalities). With
    ``db_url`` the glossary is read from that database when it has the tables."""
    root = Path(root)
    out = Collection()
    domain_facts(root / "bot" / "domain", root, out)
    glossary_facts(root / "glossary" / "terms", db_url, root, out)
    profile_facts(root / "data" / "municipalities", root, out)
    return out


def expiring(facts: Iterable[PlacedFact], day: date, days: int) -> list[PlacedFact]:
    """Facts whose valid_until lies within ``days`` days from ``day`` (or already passed)."""
    from datetime import timedelta

    limit = day + timedelta(days=days)
    out = []
    for placed in facts:
        until = model.parse_day(placed.fact.get("valid_until"))
        if until is not None and until <= limit:
            out.append(placed)
    return out


def failures(collection: Collection, day: date) -> list[str]:
    """Why a release must not ship (Dutch): invalid, expired or stale facts."""
    out = list(collection.problems)
    for placed in collection.facts:
        where = f"{placed.file}, {placed.owner}, feit {placed.fact.get('id')}"
        if placed.status(day) == EXPIRED:
            out.append(f"{where}: verlopen (geldig tot en met {placed.fact.get('valid_until')}).")
        if placed.stale(day):
            out.append(f"{where}: meer dan een jaar niet gecontroleerd (laatst: {placed.fact.get('checked') or 'nooit'}).")
    return out


def subanswers_expiring(collection: Collection, day: date, days: int = model.EXPIRING_DAYS) -> dict[str, list[PlacedFact]]:
    """topic/subkey -> its facts (answer and local answers) that expire within ``days``."""
    out: dict[str, list[PlacedFact]] = {}
    for placed in expiring(collection.facts, day, days):
        if placed.subanswer:
            out.setdefault(placed.subanswer, []).append(placed)
    return out


__all__ = [
    "CURRENT", "EXPIRED", "EXPIRING", "KINDS", "Collection", "PlacedFact", "collect", "expiring",
    "failures", "response_facts", "subanswers_expiring", "today",
]
