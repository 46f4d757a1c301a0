"""Municipality profiles: the two fictional samples, validation with file/line/field, fuzzy names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.services.db import make_engine, session_factory, unit_of_work
from bot.services.municipalities import (
    ProfileError,
    get_profile,
    is_dutch_phone,
    load_profiles,
    parse_profile,
    resolve_municipality,
    sync_profiles,
)
from bot.services.topics import TOPIC_KEYS as TOPICS
from tests.support.db import migrated_sqlite

ROOT = Path(__file__).resolve().parents[3]
PROFILES_DIR = ROOT / "data" / "municipalities"

MINIMAL = """\
name: Gemeente Testdorp
fictional: true
fictional_notice: Testdorp is verzonnen.
general_contact:
  phone: "14 089"
  email: info@testdorp.example
departments:
  - key: alles
    name: Team Alles
    role: adviseur
    description: Doet alles.
    topics: [procurement, social_return, subsidy, hiring_support, permit, starting_business, network, municipality_process]
    contact:
      email: alles@testdorp.example
"""


@pytest.fixture
def profiles():
    return load_profiles(PROFILES_DIR)


def test_both_samples_load_and_are_marked_fictional(profiles) -> None:
    assert set(profiles) >= {"dijkstede", "vlietmonde"}
    for slug in ("dijkstede", "vlietmonde"):
        p = profiles[slug]
        assert p.fictional is True
        assert "fictief" in p.display_name
        assert "verzonnen" in p.fictional_notice
        assert p.general_contact.phone.startswith("14 0")
        assert p.general_contact.email.endswith(f"@{slug}.example")
        text = (PROFILES_DIR / f"{slug}.yml").read_text(encoding="utf-8")
        assert "FICTIEF" in text.splitlines()[0]


def test_samples_have_different_structures(profiles) -> None:
    assert profiles["dijkstede"].single_contact_point is not None
    assert profiles["vlietmonde"].single_contact_point is None
    assert {d.key for d in profiles["dijkstede"].departments} != {d.key for d in profiles["vlietmonde"].departments}


def test_samples_cover_every_topic_and_have_local_details(profiles) -> None:
    for p in profiles.values():
        assert {t for d in p.departments for t in d.topics} == set(TOPICS)
        assert p.procurement_bands and p.subsidy_schemes and p.networks
        band = p.procurement_bands[0]
        assert band.label and band.procedure and band.min_eur == 0
        for d in p.departments:
            assert d.role and d.description and (d.contact.phone or d.contact.email)
            for day in d.contact.opening_hours:
                assert day in ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


# EU threshold for supplies and services of gemeenten, 2026-01-01 to 2027-12-31
# (Gedelegeerde Verordening (EU) 2025/2152); see docs/fact-sources.md.
EU_THRESHOLD_2026_2027 = 216000


def test_sample_bands_end_at_the_current_eu_threshold(profiles) -> None:
    for p in profiles.values():
        bands = p.procurement_bands
        european = bands[-1]
        assert european.label.startswith("Europees") and european.max_eur is None
        assert european.min_eur == EU_THRESHOLD_2026_2027
        assert bands[-2].max_eur == EU_THRESHOLD_2026_2027
        assert "2026" in european.note and "2027" in european.note


def test_get_profile(profiles) -> None:
    assert get_profile("dijkstede", PROFILES_DIR).name == "Gemeente Dijkstede"
    assert get_profile("DIJKSTEDE", PROFILES_DIR).slug == "dijkstede"
    assert get_profile("amsterdam", PROFILES_DIR) is None
    assert get_profile("../etc/passwd", PROFILES_DIR) is None


def test_minimal_profile_is_valid() -> None:
    profile, issues = parse_profile(MINIMAL, "testdorp.yml", "testdorp")
    assert issues == []
    assert profile.slug == "testdorp" and profile.single_contact_point is None


def _issues(text: str) -> list[str]:
    profile, issues = parse_profile(text, "testdorp.yml", "testdorp")
    assert profile is None
    return [str(i) for i in issues]


def test_bad_email_names_file_line_and_field() -> None:
    text = MINIMAL.replace("alles@testdorp.example", "alles-at-testdorp")
    (msg,) = _issues(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "alles-at-testdorp" in row)
    assert msg.startswith(f"testdorp.yml, regel {line}, veld 'departments[0].contact.email'")
    assert "alles-at-testdorp" in msg


def test_general_phone_must_be_14_form() -> None:
    (msg,) = _issues(MINIMAL.replace('"14 089"', '"020-1234567"'))
    assert "regel 5" in msg and "general_contact.phone" in msg and "14" in msg


def test_unknown_topic_missing_name_and_bad_hours_are_all_reported() -> None:
    text = MINIMAL.replace("name: Gemeente Testdorp\n", "").replace("topics: [procurement,", "topics: [inkopen, procurement,")
    text = text.replace("      email: alles@testdorp.example\n",
                        "      email: alles@testdorp.example\n      opening_hours:\n        maandag: '17:00-09:00'\n        funday: '09:00-10:00'\n")
    issues = " | ".join(_issues(text))
    assert "veld 'name': ontbreekt" in issues
    assert "'inkopen' is onbekend" in issues
    assert "'17:00-09:00' is ongeldig" in issues
    assert "'funday' is geen weekdag" in issues


def test_topic_without_department_is_an_error() -> None:
    text = MINIMAL.replace(", municipality_process]", "]")
    assert any("municipality_process" in m for m in _issues(text))


def test_bad_yaml_and_slug_mismatch() -> None:
    (msg,) = _issues("name: [oops\n")
    assert "geen geldige YAML" in msg and "testdorp.yml" in msg
    assert any("bestandsnaam" in m for m in _issues("slug: anders\n" + MINIMAL))


def test_load_profiles_raises_with_every_problem(tmp_path: Path) -> None:
    (tmp_path / "goed.yml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "fout.yml").write_text(MINIMAL.replace("fictional: true", "fictional: misschien"), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profiles(tmp_path)
    assert "fout.yml" in str(err.value) and "fictional" in str(err.value)
    (tmp_path / "fout.yml").unlink()
    assert set(load_profiles(tmp_path)) == {"goed"}


def test_load_profiles_sees_changes(tmp_path: Path) -> None:
    (tmp_path / "testdorp.yml").write_text(MINIMAL, encoding="utf-8")
    assert load_profiles(tmp_path)["testdorp"].name == "Gemeente Testdorp"
    (tmp_path / "testdorp.yml").write_text(MINIMAL.replace("Testdorp\n", "Testdorp-Noord\n", 1), encoding="utf-8")
    assert load_profiles(tmp_path)["testdorp"].name == "Gemeente Testdorp-Noord"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Dijkstede", "dijkstede"),
        ("gemeente dijkstede", "dijkstede"),
        ("Dijkstee", "dijkstede"),  # alias
        ("Dijkstad", "dijkstede"),  # misspelling
        ("ik zit eigenlijk in vlietmond", "vlietmonde"),
        ("Vlietmonde aan Zee", "vlietmonde"),
        ("Vliedmondee", "vlietmonde"),
        ("Rotterdam", None),
        ("hoe werkt inkoop", None),
        ("", None),
    ],
)
def test_resolve_municipality(profiles, text: str, slug: str | None) -> None:
    assert resolve_municipality(text, profiles) == slug


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("06-12345678", True), ("0612345678", True), ("+31 6 12345678", True), ("+31 (0)6 1234 5678", True),
        ("010-1234567", True), ("14 010", True), ("14 0599", True), ("0031 20 123 4567", True),
        ("0800-1234", True), ("12345", False), ("06-1234", False), ("bel me", False), ("+32 2 123 45 67", False),
    ],
)
def test_is_dutch_phone(phone: str, ok: bool) -> None:
    assert is_dutch_phone(phone) is ok


def test_sync_profiles_to_the_database(tmp_path: Path, profiles) -> None:
    from sqlalchemy import select

    from bot.services.models import MunicipalDepartment, Municipality

    engine = make_engine(migrated_sqlite(tmp_path / "db.sqlite"))
    factory = session_factory(engine)
    assert sync_profiles(factory, profiles) == {"dijkstede": "nieuw", "vlietmonde": "nieuw"}
    assert sync_profiles(factory, profiles) == {"dijkstede": "ongewijzigd", "vlietmonde": "ongewijzigd"}
    with unit_of_work(factory) as session:
        dijk = session.scalars(select(Municipality).where(Municipality.slug == "dijkstede")).one()
        assert dijk.has_single_contact_point and dijk.fictional
        assert len(dijk.departments) == len(profiles["dijkstede"].departments) + 1
        assert yaml.safe_load(dijk.profile_json)["name"] == "Gemeente Dijkstede"
    assert sync_profiles(factory, {"vlietmonde": profiles["vlietmonde"]}) == {
        "vlietmonde": "ongewijzigd", "dijkstede": "verwijderd"}
    with unit_of_work(factory) as session:
        assert session.scalars(select(Municipality.slug)).all() == ["vlietmonde"]
        keys = set(session.scalars(select(MunicipalDepartment.key)))
        assert "loket_sociaal_ondernemen" not in keys
    engine.dispose()


def test_cli_validate_load_list(tmp_path: Path, monkeypatch, capsys) -> None:
    from bot.cli import main

    monkeypatch.setenv("GEMEENTETOLK_DB_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["municipality", "validate"]) == 0
    assert "dijkstede.yml: in orde" in capsys.readouterr().out
    bad = tmp_path / "kapot.yml"
    bad.write_text(MINIMAL.replace("info@testdorp.example", "geen-mail"), encoding="utf-8")
    assert main(["municipality", "validate", str(bad)]) == 1
    assert "kapot.yml, regel 6, veld 'general_contact.email'" in capsys.readouterr().out
    assert main(["municipality", "list"]) == 0
    assert "nog geen gemeenten" in capsys.readouterr().out
    assert main(["municipality", "load"]) == 0
    assert "dijkstede: nieuw" in capsys.readouterr().out
    assert main(["municipality", "list"]) == 0
    out = capsys.readouterr().out
    assert "Gemeente Dijkstede" in out and "één contactpunt" in out and "geen apart contactpunt" in out
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "kapot.yml").write_text("name: [", encoding="utf-8")
    assert main(["municipality", "load", "--directory", str(tmp_path / "profiles")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fout:") and "kapot.yml" in err and "Traceback" not in err


def test_setup_step_loads_profiles_and_stops_on_errors(tmp_path: Path) -> None:
    from bot.services.bootstrap import SETUP_STEPS
    from bot.services.errors import UserError
    from bot.services.municipalities import load_profiles_step
    from bot.services.settings import load_settings

    assert load_profiles_step in SETUP_STEPS
    engine = make_engine(migrated_sqlite(tmp_path / "setup.db"))
    settings = load_settings(env={}, root=ROOT)
    assert load_profiles_step(engine, settings) == "Gemeenteprofielen geladen: 2 (2 gewijzigd)."
    assert load_profiles_step(engine, settings) == "Gemeenteprofielen geladen: 2 (0 gewijzigd)."
    broken_root = tmp_path / "root"
    (broken_root / "data" / "municipalities").mkdir(parents=True)
    (broken_root / "data" / "municipalities" / "kapot.yml").write_text("name: x\n", encoding="utf-8")
    with pytest.raises(UserError, match="kapot.yml"):
        load_profiles_step(engine, load_settings(env={}, root=broken_root))
    engine.dispose()
