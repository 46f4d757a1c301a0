"""Import and export: YAML (one file per topic), CSV for Excel, SKOS Turtle (NL-SBB).

Every reader raises GlossaryError with a Dutch message naming the file (and line or entry)
on malformed input or a wrong encoding; nothing is written to the database by this module.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

import yaml

from glossary.model import (
    DATE_FIELDS,
    FACT_FIELDS,
    FILE_KEYS,
    LIST_FIELDS,
    TOPICS,
    Entry,
    GlossaryError,
    parse_date,
)

CSV_DELIMITER = ";"
CSV_LIST_SEPARATOR = " | "
FORMATS = ("yaml", "csv", "ttl")


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Stable order for git-friendly files: by topic, then id."""
    order = {t: i for i, t in enumerate(TOPICS)}
    return sorted(entries, key=lambda e: (order.get(e.topic, len(order)), e.topic, e.id))


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as err:
        raise GlossaryError(f"Bestand {path} bestaat niet.") from err
    except OSError as err:
        raise GlossaryError(f"Bestand {path} kan niet gelezen worden: {err.strerror}.") from err
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise GlossaryError(
            f"Bestand {path} is geen UTF-8 (fout bij byte {err.start}). "
            "Sla het op als 'CSV UTF-8' of 'UTF-8' en probeer opnieuw."
        ) from err


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if path.is_dir() or suffix in ("yml", "yaml") or not suffix:
        return "yaml"
    if suffix == "csv":
        return "csv"
    if suffix in ("ttl", "turtle"):
        return "ttl"
    raise GlossaryError(
        f"Onbekend bestandstype {path.name!r}. Gebruik .yml, .csv of .ttl (of een map)."
    )


def _check_unique(entries: list[Entry], where: str) -> list[Entry]:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise GlossaryError(f"{where}: id {entry.id!r} staat er twee keer in.")
        seen.add(entry.id)
    return entries


# --- YAML ---------------------------------------------------------------------------
def yaml_entries(text: str, where: str) -> list[Entry]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" (regel {mark.line + 1})" if mark else ""
        raise GlossaryError(f"{where}{line}: dit is geen geldige YAML.") from err
    if data is None:
        return []
    if not isinstance(data, list):
        raise GlossaryError(f"{where}: het bestand moet een lijst van termen zijn (- id: ...).")
    return [Entry.from_dict(item, f"{where}, term {i + 1}") for i, item in enumerate(data)]


def read_yaml(path: Path) -> list[Entry]:
    if path.is_dir():
        files = sorted(path.glob("*.yml")) + sorted(path.glob("*.yaml"))
        if not files:
            raise GlossaryError(f"In map {path} staan geen .yml-bestanden.")
        entries: list[Entry] = []
        for file in files:
            entries.extend(read_yaml(file))
        return _check_unique(entries, str(path))
    return _check_unique(yaml_entries(_read_text(path), str(path)), str(path))


class _Dumper(yaml.SafeDumper):
    pass


def _str_presenter(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list_presenter(dumper, value: list):
    flow = all(not isinstance(v, (dict, list)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict_presenter(dumper, value: dict):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(list, _list_presenter)
_Dumper.add_representer(dict, _dict_presenter)


def yaml_text(entries: Iterable[Entry], meta: bool = True, header: str = "") -> str:
    items = [e.to_dict(meta=meta) for e in entries]
    if not items:
        return header + "[]\n"
    body = yaml.dump(items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
    # Top level: a block list of entries (one "- id:" per entry), lists inside in flow style.
    return header + body


def write_yaml(entries: Iterable[Entry], target: Path, meta: bool = True) -> list[Path]:
    """One file per topic in a folder (``target`` is a folder), or one file (``target.yml``)."""
    entries = sort_entries(entries)
    if target.suffix.lower() in (".yml", ".yaml"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(yaml_text(entries, meta), encoding="utf-8")
        return [target]
    target.mkdir(parents=True, exist_ok=True)
    written = []
    by_topic: dict[str, list[Entry]] = {}
    for entry in entries:
        by_topic.setdefault(entry.topic or "overig", []).append(entry)
    for topic, items in by_topic.items():
        path = target / f"{topic}.yml"
        path.write_text(yaml_text(items, meta), encoding="utf-8")
        written.append(path)
    return written


# --- CSV (Excel: semicolons, UTF-8 with BOM) ------------------------------------------
CSV_COLUMNS = list(FILE_KEYS.values())


def csv_text(entries: Iterable[Entry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in sort_entries(entries):
        row = []
        for attr in FILE_KEYS:
            value = getattr(entry, attr)
            if attr in LIST_FIELDS:
                value = CSV_LIST_SEPARATOR.join(value)
            elif attr in FACT_FIELDS:  # a list of dicts does not fit a cell: JSON text
                value = json.dumps(value, ensure_ascii=False) if value else ""
            elif attr in DATE_FIELDS:
                value = value.replace(microsecond=0).isoformat() if value else ""
            row.append(value)
        writer.writerow(row)
    return out.getvalue()


def write_csv(entries: Iterable[Entry], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(csv_text(entries).encode("utf-8-sig"))


def read_csv(path: Path) -> list[Entry]:
    text = _read_text(path)
    sample = text.split("\n", 1)[0]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    if "id" not in header or "prefLabel" not in header:
        raise GlossaryError(
            f"{path}: de eerste regel moet de kolomnamen bevatten, minstens id en prefLabel "
            f"(gescheiden door puntkomma's). Gevonden: {';'.join(header)[:120]!r}."
        )
    entries = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise GlossaryError(f"{path}, regel {line}: meer kolommen dan in de kopregel.")
        data = {k: v for k, v in row.items() if k and v not in (None, "")}
        for key in ("altLabel", "hiddenLabel", "broader", "related"):
            if key in data:
                data[key] = [v.strip() for v in data[key].split("|") if v.strip()]
        if "facts" in data:
            data["facts"] = _json_facts(data["facts"], f"{path}, regel {line}")
        if not any(data.values()):
            continue
        entries.append(Entry.from_dict(data, f"{path}, regel {line}"))
    return _check_unique(entries, str(path))


def _json_facts(text: str, where: str) -> list:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise GlossaryError(
            f"{where}, kolom facts: geen geldige JSON-lijst van feiten ({err.msg})."
        ) from err
    return value


# --- SKOS Turtle (NL-SBB) ---------------------------------------------------------------
SCHEME_URI = "https://gemeentetolk.example/begrippen"
CONCEPT_BASE = SCHEME_URI + "/"
GT_NS = "https://gemeentetolk.example/def#"


def _namespaces():
    from rdflib import Namespace
    from rdflib.namespace import DCTERMS, RDF, SKOS

    return RDF, SKOS, DCTERMS, Namespace(GT_NS), Namespace("http://purl.org/adms/status/")


def turtle_text(entries: Iterable[Entry]) -> str:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    rdf, skos, dct, gt, _ = _namespaces()
    graph = Graph()
    graph.bind("skos", skos)
    graph.bind("dct", dct)
    graph.bind("gt", gt)
    scheme = URIRef(SCHEME_URI)
    graph.add((scheme, rdf.type, skos.ConceptScheme))
    graph.add((scheme, skos.prefLabel, Literal("Gemeentetolk begrippenlijst", lang="nl")))
    for entry in sort_entries(entries):
        c = URIRef(CONCEPT_BASE + entry.id)
        graph.add((c, rdf.type, skos.Concept))
        graph.add((c, skos.inScheme, scheme))
        graph.add((c, skos.notation, Literal(entry.id)))
        graph.add((c, skos.prefLabel, Literal(entry.pref_label, lang="nl")))
        for pos, label in enumerate(entry.alt_labels):
            graph.add((c, skos.altLabel, Literal(label, lang="nl")))
            graph.add((c, gt.altLabelOrder, Literal(f"{pos:03d} {label}")))
        for pos, label in enumerate(entry.hidden_labels):
            graph.add((c, skos.hiddenLabel, Literal(label, lang="nl")))
            graph.add((c, gt.hiddenLabelOrder, Literal(f"{pos:03d} {label}")))
        for attr, prop in (
            ("definition", skos.definition),
            ("example", skos.example),
            ("scope_note", skos.scopeNote),
        ):
            if getattr(entry, attr):
                graph.add((c, prop, Literal(getattr(entry, attr), lang="nl")))
        if entry.plain:
            graph.add((c, gt.plain, Literal(entry.plain, lang="nl")))
        if entry.source:
            graph.add((c, dct.source, Literal(entry.source)))
        for pos, ref in enumerate(entry.broader):
            graph.add((c, skos.broader, URIRef(CONCEPT_BASE + ref)))
            graph.add((c, gt.broaderOrder, Literal(f"{pos:03d} {ref}")))
        for pos, ref in enumerate(entry.related):
            graph.add((c, skos.related, URIRef(CONCEPT_BASE + ref)))
            graph.add((c, gt.relatedOrder, Literal(f"{pos:03d} {ref}")))
        if entry.topic:
            graph.add((c, gt.topic, Literal(entry.topic)))
        graph.add((c, gt.status, Literal(entry.status)))
        if entry.facts:  # no SKOS property for dated facts: one JSON literal (gt:facts)
            graph.add((c, gt.facts, Literal(json.dumps(entry.facts, ensure_ascii=False))))
        if entry.changed_by:
            graph.add((c, dct.contributor, Literal(entry.changed_by)))
        if entry.changed_at:
            graph.add(
                (c, dct.modified, Literal(entry.changed_at.isoformat(), datatype=XSD.dateTime))
            )
        if entry.reviewed_at:
            graph.add(
                (c, gt.reviewedAt, Literal(entry.reviewed_at.isoformat(), datatype=XSD.dateTime))
            )
    return graph.serialize(format="turtle")


def _ordered(graph, subject, prop, order_prop, convert=str) -> list[str]:
    values = {convert(v) for v in graph.objects(subject, prop)}
    ordered = sorted(str(v) for v in graph.objects(subject, order_prop))
    result = [o.split(" ", 1)[1] for o in ordered if o.split(" ", 1)[1] in values]
    return result + sorted(values - set(result))


def read_turtle(path: Path) -> list[Entry]:
    from rdflib import Graph

    rdf, skos, dct, gt, _ = _namespaces()
    text = _read_text(path)
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as err:  # noqa: BLE001 - rdflib raises many types
        raise GlossaryError(f"{path}: dit is geen geldige Turtle (SKOS): {str(err)[:200]}") from err

    def one(subject, prop) -> str:
        value = graph.value(subject, prop)
        return "" if value is None else str(value)

    def ref(value) -> str:
        return str(value).rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    entries = []
    for c in sorted(graph.subjects(rdf.type, skos.Concept), key=str):
        where = f"{path}, begrip {c}"
        data = {
            "id": one(c, skos.notation) or ref(c),
            "prefLabel": one(c, skos.prefLabel),
            "altLabel": _ordered(graph, c, skos.altLabel, gt.altLabelOrder),
            "hiddenLabel": _ordered(graph, c, skos.hiddenLabel, gt.hiddenLabelOrder),
            "definition": one(c, skos.definition),
            "plain": one(c, gt.plain),
            "example": one(c, skos.example),
            "scopeNote": one(c, skos.scopeNote),
            "source": one(c, dct.source),
            "broader": _ordered(graph, c, skos.broader, gt.broaderOrder, ref),
            "related": _ordered(graph, c, skos.related, gt.relatedOrder, ref),
            "topic": one(c, gt.topic),
            "status": one(c, gt.status) or "concept",
            "facts": _json_facts(one(c, gt.facts), where) if one(c, gt.facts) else [],
            "changed_by": one(c, dct.contributor),
            "changed_at": parse_date(one(c, dct.modified), where, "changed_at"),
            "reviewed_at": parse_date(one(c, gt.reviewedAt), where, "reviewed_at"),
        }
        entries.append(Entry.from_dict(data, where))
    return _check_unique(entries, str(path))


# --- dispatch ---------------------------------------------------------------------------
def read_entries(path: Path, fmt: str | None = None) -> list[Entry]:
    fmt = fmt or detect_format(path)
    if not path.exists():
        raise GlossaryError(f"Bestand of map {path} bestaat niet.")
    return {"yaml": read_yaml, "csv": read_csv, "ttl": read_turtle}[fmt](path)


def write_entries(
    entries: Iterable[Entry], path: Path, fmt: str | None = None, meta: bool = True
) -> list[Path]:
    """Write entries; ``meta=False`` leaves out changed_by/changed_at/reviewed_at (YAML only,
    for the curated files in git)."""
    fmt = fmt or detect_format(path)
    entries = list(entries)
    if fmt == "yaml":
        return write_yaml(entries, path, meta=meta)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(entries, path)
    else:
        path.write_text(turtle_text(entries), encoding="utf-8")
    return [path]
