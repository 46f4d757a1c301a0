"""The editor CLI: every command works, bad input gives Dutch errors and changes nothing,
and every command is documented in the README (like sqlite-utils tests/test_docs.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from glossary import cli as glossary_cli
from glossary.cli import COMMANDS
from glossary.store import Store

# The glossary package reads no settings: the `glossary` program passes these (bot/cli/glossary.py).
DEFAULTS = glossary_cli.Defaults(
    db_url="sqlite:///:memory:", user="tester", nlu_path=Path("data/nlu/glossary.yml")
)


def main(argv: list[str]) -> int:
    return glossary_cli.main(argv, DEFAULTS)


def build_parser(_env=None):
    return glossary_cli.build_parser(DEFAULTS)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(fresh_store, db_url, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--db", db_url, "--door", "anna", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def add_offerte(cli) -> None:
    code, _, err = cli(
        "add", "offerte", "--alt", "prijsopgave", "--hidden", "oferte",
        "--definition", "Een offerte is een aanbod van een bedrijf met een prijs.",
        "--plain", "een aanbod met een prijs", "--source", "PIANOo", "--topic", "procurement",
        "--example", "Stuur je offerte voor vrijdag.",
    )  # fmt: skip
    assert code == 0, err


def test_every_command_is_documented_in_the_readme_or_docs() -> None:
    docs = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    section = "\n".join(p.read_text(encoding="utf-8") for p in docs)
    documented = set(re.findall(r"glossary ([a-z][a-z-]+)", section))
    assert set(COMMANDS) - documented == set()


def test_every_command_has_help_with_an_example() -> None:
    parser = build_parser({})
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == set(COMMANDS)
    for name, command in sub.choices.items():
        text = command.format_help()
        assert "Voorbeeld: glossary " + name in text, name


def test_add_show_edit_history(cli) -> None:
    add_offerte(cli)
    code, out, _ = cli("show", "offerte", "--json")
    assert code == 0 and json.loads(out)["alt_labels"] == ["prijsopgave"]
    code, out, _ = cli("edit", "offerte", "--add-alt", "prijsofferte", "--plain", "een prijs")
    assert code == 0
    code, out, _ = cli("history", "offerte")
    assert "aangemaakt" in out and 'plain: "een aanbod met een prijs" -> "een prijs"' in out


def test_status_workflow_through_the_cli(cli, db_url) -> None:
    add_offerte(cli)
    assert cli("set-status", "offerte", "voorgesteld")[0] == 0
    code, _, err = cli("set-status", "offerte", "vastgesteld")
    assert code == 1 and "vier ogen" in err
    assert main(["--db", db_url, "--door", "bram", "set-status", "offerte", "vastgesteld"]) == 0
    code, out, _ = cli("list", "--status", "vastgesteld")
    assert "offerte" in out and "1 termen." in out


def test_lookup_json_contract(cli, db_url) -> None:
    add_offerte(cli)
    text = "Twee offertes en een oferte"
    code, out, _ = cli("lookup", text, "--json")
    assert code == 0 and json.loads(out) == []  # concept entries are not used
    code, out, _ = cli("lookup", text, "--json", "--all-statuses")
    found = json.loads(out)
    assert [(m["matched"], m["start"], m["end"]) for m in found] == [("offertes", 5, 13), ("oferte", 21, 27)]
    assert found[0] == {
        "id": "offerte", "term": "offerte", "labels": ["offerte", "prijsopgave"],
        "matched": "offertes", "start": 5, "end": 13,
    }  # fmt: skip


def test_search_validate_export_import(cli, tmp_path) -> None:
    add_offerte(cli)
    assert "offerte" in cli("search", "prijsopg")[1]
    code, out, _ = cli("validate")
    assert code == 0 and "0 fouten" in out
    for name in ("export.csv", "export.ttl", "export.yml"):
        code, out, _ = cli("export", str(tmp_path / name))
        assert code == 0 and "1 termen" in out
        code, out, _ = cli("import", str(tmp_path / name))
        assert code == 0 and "1 ongewijzigd" in out, out


def test_import_new_terms_from_csv(cli, tmp_path, db_url) -> None:
    path = tmp_path / "nieuw.csv"
    path.write_bytes(
        "id;prefLabel;altLabel;definition;plain;source;topic;status\n"
        "kwartaalstaat;kwartaalstaat;kwartaaloverzicht | kwartaalcijfers;"
        "Een kwartaalstaat is een overzicht van drie maanden.;een overzicht per kwartaal;"
        "testbron;subsidy;voorgesteld\n".encode("utf-8-sig")
    )
    code, out, err = cli("import", str(path))
    assert code == 0, err
    assert Store.from_url(db_url).get("kwartaalstaat").alt_labels == ["kwartaaloverzicht", "kwartaalcijfers"]


def test_gaps_command(cli, db_url) -> None:
    store = Store.from_url(db_url)
    store.record_gap("flurbatiek")
    store.record_gap("flurbatiek")
    code, out, _ = cli("gaps")
    assert code == 0 and re.search(r"flurbatiek\s+2\s+\d{4}-\d\d-\d\d", out)
    assert json.loads(cli("gaps", "--json")[1])[0]["count"] == 2


def test_export_nlu_and_check(cli, tmp_path, db_url) -> None:
    out_file = tmp_path / "glossary.yml"
    code, _, _ = cli("export-nlu", "--out", str(out_file), "--check")
    assert code == 1
    assert cli("export-nlu", "--out", str(out_file))[0] == 0
    assert cli("export-nlu", "--out", str(out_file), "--check")[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "bestaat-niet"], "geen term met id 'bestaat-niet'"),
        (["set-status", "offerte", "klaar"], "Status 'klaar' bestaat niet"),
        (["edit", "offerte", "--topic", "sport"], "Onderwerp 'sport' bestaat niet"),
        (["edit", "offerte", "--remove-alt", "nooit"], "staat niet bij"),
        (["add", "prijs", "--alt", "Offerte"], "hoort al bij 'offerte'"),
        (["add", "Offerte"], "Er is al een term met id 'offerte'"),
        (["import", "/nergens/termen.csv"], "bestaat niet"),
        (["list", "--status", "klaar"], "bestaat niet"),
    ],
)
def test_bad_input_gives_dutch_message_and_leaves_db_unchanged(cli, db_url, args, message) -> None:
    add_offerte(cli)
    before = [e.as_json() for e in Store.from_url(db_url).list()], len(Store.from_url(db_url).history())
    code, out, err = cli(*args)
    assert code == 1
    assert err.startswith("Fout: ") and message in err
    assert "Traceback" not in err
    after = [e.as_json() for e in Store.from_url(db_url).list()], len(Store.from_url(db_url).history())
    assert after == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("id;prefLabel\nx;café\n".encode("latin-1"), "geen UTF-8"),
        (b"id;prefLabel;related\nx;y;bestaat-niet\n", "Niets ingelezen"),
        (b"id;prefLabel;definition\nx;prijsopgave;Een x is een y.\n", "Niets ingelezen"),
    ],
)
def test_bad_import_changes_nothing(cli, db_url, tmp_path, content, message) -> None:
    add_offerte(cli)
    path = tmp_path / "fout.csv"
    path.write_bytes(content)
    code, _, err = cli("import", str(path))
    assert code == 1 and message in err
    assert [e.id for e in Store.from_url(db_url).list()] == ["offerte"]


def test_bad_database_url(capsys) -> None:
    assert main(["--db", "geen-url", "list"]) == 1
    assert "database" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show"], "dit ontbreekt: id"),
        (["gaps", "--limit", "veel"], "'veel' is geen getal"),
        (["list", "--onbekend"], "onbekende opties: --onbekend"),
        (["export", "x.csv", "--format", "pdf"], "kan niet, kies uit"),
    ],
)
def test_usage_errors_are_dutch(db_url, capsys, args, message) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db_url, *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
