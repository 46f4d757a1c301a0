"""Glossary files in the workspace: the Excel import with a dry-run report first, the
exports (CSV for Excel, YAML, SKOS Turtle) and writing ``glossary/terms/*.yml`` for git.

An import from the workspace never approves anything: an entry that is new or changed gets
status ``voorgesteld`` when the file says ``vastgesteld``, so a beoordelaar checks it (four
eyes); entries whose content did not change keep their status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from glossary import io
from glossary.model import ACTIVE, CONTENT_FIELDS, DUTCH_FIELD_NAMES, Entry, GlossaryError
from glossary.store import Store
from glossary.validate import Problem, has_errors, validate_entries

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "begrippen.csv"),
    "yaml": ("application/yaml; charset=utf-8", "begrippen.yml"),
    "ttl": ("text/turtle; charset=utf-8", "begrippen.ttl"),
}


@dataclass
class ImportRow:
    entry: Entry
    state: str  # nieuw | gewijzigd | ongewijzigd
    fields: list[str] = field(default_factory=list)  # Dutch names of changed fields
    status_note: str = ""


@dataclass
class ImportReport:
    rows: list[ImportRow]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def count(self, state: str) -> int:
        return sum(1 for r in self.rows if r.state == state)


def read_upload(path: Path) -> list[Entry]:
    """Entries from an uploaded CSV (Excel: UTF-8 with BOM, ';'), YAML or Turtle file."""
    return io.read_entries(path)


def dry_run(store: Store, entries: list[Entry]) -> ImportReport:
    """What an import would do, and the problems of the glossary after it. Changes nothing."""
    current = {e.id: e for e in store.list()}
    rows = []
    for entry in entries:
        entry = entry.copy()
        old = current.get(entry.id)
        note = ""
        if old is None:
            state, changed = "nieuw", []
        else:
            changed = [k for k in CONTENT_FIELDS if k != "status" and getattr(old, k) != getattr(entry, k)]
            state = "gewijzigd" if changed else "ongewijzigd"
        if state == "ongewijzigd" and old is not None:
            entry.status = old.status
        elif entry.status == ACTIVE:
            entry.status = "voorgesteld"
            note = "wordt voorgesteld: een beoordelaar stelt het vast"
        elif old is None and entry.status not in ("concept", "voorgesteld"):
            entry.status = "concept"
            note = "begint als concept"
        rows.append(ImportRow(entry, state, [DUTCH_FIELD_NAMES.get(k, k) for k in changed], note))
    merged = dict(current)
    merged.update({r.entry.id: r.entry for r in rows})
    ids = {r.entry.id for r in rows}
    problems = [p for p in validate_entries(merged.values()) if p.entry_id in ids]
    return ImportReport(rows, problems)


def apply(store: Store, report: ImportReport, by: str) -> dict:
    """Import the rows of a dry-run report in one transaction (all or nothing)."""
    if not report.ok:
        raise GlossaryError("Het bestand heeft nog fouten. Los die eerst op en lees het opnieuw in.")
    entries = []
    for row in report.rows:
        if row.state == "ongewijzigd":
            continue
        entry = row.entry.copy()
        entry.changed_by, entry.changed_at, entry.reviewed_at = by, None, None
        entries.append(entry)
    return store.import_entries(entries, by=by)


def export_bytes(store: Store, fmt: str, status: str | None = None) -> bytes:
    entries = store.list(status=status or None)
    if fmt == "csv":
        return io.csv_text(entries).encode("utf-8-sig")  # Excel reads UTF-8 with a BOM
    if fmt == "yaml":
        return io.yaml_text(io.sort_entries(entries)).encode("utf-8")
    if fmt == "ttl":
        return io.turtle_text(entries).encode("utf-8")
    raise GlossaryError(f"Onbekend formaat {fmt!r}: kies csv, yaml of ttl.")


def write_terms(store: Store, terms_dir: Path) -> list[Path]:
    """Write the whole glossary to ``glossary/terms/<topic>.yml`` (without meta data), the
    seed of a new installation and the version in git. Old topic files are replaced."""
    entries = store.list()
    if not entries:
        raise GlossaryError("De woordenlijst in de database is leeg; er is niets geschreven.")
    written = io.write_yaml(entries, Path(terms_dir), meta=False)
    for old in Path(terms_dir).glob("*.yml"):
        if old not in written:
            old.unlink()
    return written
