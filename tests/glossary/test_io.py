"""Import/export: golden files (golden/*.in.* -> *.out.*) and lossless round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from glossary.io import (
    csv_text,
    read_entries,
    sort_entries,
    turtle_text,
    write_entries,
    yaml_text,
)
from glossary.model import GlossaryError

GOLDEN = Path(__file__).resolve().parent / "golden"


def golden_in() -> list:
    return read_entries(GOLDEN / "terms.in.yml")


def test_yaml_export_matches_golden() -> None:
    assert yaml_text(sort_entries(golden_in())) == (GOLDEN / "terms.out.yml").read_text("utf-8")


def test_csv_export_matches_golden_and_opens_in_excel() -> None:
    raw = (GOLDEN / "terms.out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel shows accents correctly
    assert raw.decode("utf-8-sig").splitlines()[0].startswith("id;prefLabel;altLabel")
    assert csv_text(golden_in()).encode("utf-8-sig") == raw


def test_turtle_export_matches_golden() -> None:
    assert turtle_text(golden_in()) == (GOLDEN / "terms.out.ttl").read_text("utf-8")


@pytest.mark.parametrize("source", ["csv", "ttl"])
def test_csv_and_turtle_imports_match_golden(source: str) -> None:
    entries = read_entries(GOLDEN / f"terms.in.{source}")
    expected = (GOLDEN / f"terms.{source}.out.yml").read_text("utf-8")
    assert yaml_text(sort_entries(entries)) == expected


@pytest.mark.parametrize("suffix", ["terms.yml", "terms.csv", "terms.ttl", "folder"])
def test_round_trip_loses_nothing(tmp_path: Path, suffix: str) -> None:
    original = sort_entries(golden_in())
    target = tmp_path / suffix
    write_entries(original, target, "yaml" if suffix == "folder" else None)
    again = sort_entries(read_entries(target, "yaml" if suffix == "folder" else None))
    assert [e.as_json() for e in again] == [e.as_json() for e in original]


def test_curated_terms_round_trip_through_every_format(tmp_path: Path, curated) -> None:
    original = [e.as_json() for e in sort_entries(curated)]
    for name in ("all.csv", "all.ttl", "all.yml"):
        write_entries(curated, tmp_path / name)
        assert [e.as_json() for e in sort_entries(read_entries(tmp_path / name))] == original


def test_yaml_folder_export_is_one_file_per_topic(tmp_path: Path) -> None:
    written = write_entries(golden_in(), tmp_path / "out", "yaml")
    assert sorted(p.name for p in written) == ["business.yml", "social_domain.yml"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.yml", b"- id: x\n  prefLabel: [unclosed\n", "geen geldige YAML"),
        ("bad.yml", b"id: x\n", "lijst van termen"),
        ("bad.yml", b"- id: x\n  prefLabel: y\n  kleur: rood\n", "onbekend veld kleur"),
        ("bad.yml", b"- id: x\n  prefLabel: y\n  status: klaar\n", "status 'klaar' bestaat niet"),
        ("bad.yml", b"- id: X Y\n  prefLabel: y\n", "mag alleen kleine letters"),
        ("dup.yml", b"- {id: x, prefLabel: y}\n- {id: x, prefLabel: z}\n", "twee keer"),
        ("bad.csv", "id;prefLabel\nx;café\n".encode("latin-1"), "geen UTF-8"),
        ("bad.csv", b"naam;uitleg\nx;y\n", "kolomnamen"),
        ("bad.csv", b"id;prefLabel\nx;y;z\n", "meer kolommen"),
        ("bad.ttl", b"@prefix skos: <http://x#> . <a> skos:prefLabel", "geen geldige Turtle"),
        ("bad.txt", b"x", "Onbekend bestandstype"),
    ],
)
def test_bad_files_give_a_dutch_message(tmp_path: Path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(GlossaryError, match=message):
        read_entries(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="bestaat niet"):
        read_entries(tmp_path / "nergens.csv")
