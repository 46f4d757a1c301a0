"""The glossary as the workspace edits it: form fields, checks shown inline, a preview of how
the assistant explains a term, a readable history, four-eyes approval by account, and the
Excel import with a dry-run report. Plain Python over ``glossary`` (no Flask).

The form is built from ``glossary.model.CONTENT_FIELDS``: a field the glossary gains later
(for example ``facts``) appears in the form by itself (a known kind, or YAML text).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from glossary import model
from glossary.model import ACTIVE, TRANSITIONS, Entry, GlossaryError
from glossary.store import Store
from glossary.validate import validate_entries

FACT_KEYS = ("id", "claim", "valid_from", "valid_until", "source", "source_url", "checked")


@dataclass(frozen=True)
class FieldSpec:
    attr: str
    label: str
    kind: str  # text | textarea | list | topic | refs | facts | yaml
    description: str = ""
    required: bool = False


SPECS: dict[str, FieldSpec] = {s.attr: s for s in [
    FieldSpec("pref_label", "Voorkeursterm (prefLabel)", "text",
              "Het woord dat de gemeente gebruikt.", True),
    FieldSpec("alt_labels", "Andere termen (altLabel)", "list",
              "Andere schrijfwijzen en woorden van ondernemers. Eén per regel."),
    FieldSpec("hidden_labels", "Spelfouten om op te zoeken (hiddenLabel)", "list",
              "Veelgemaakte spelfouten. Eén per regel. Ze worden nooit getoond."),
    FieldSpec("definition", "Definitie", "textarea",
              "In B1-taal, zo: 'Een ... is een ... die ...'. Zinnen van hooguit 20 woorden.", True),
    FieldSpec("plain", "Korte uitleg (plain)", "text",
              "Een paar woorden die midden in een antwoord passen, tussen haakjes.", True),
    FieldSpec("example", "Voorbeeldzin", "textarea", "Een zin waarin de term voorkomt."),
    FieldSpec("scope_note", "Toelichting (scopeNote)", "textarea",
              "Bijvoorbeeld bedragen met hun periode."),
    FieldSpec("source", "Bron", "text", "Wetsartikel of organisatie, bijvoorbeeld 'PIANOo'.", True),
    FieldSpec("broader", "Breder begrip (broader)", "refs", "Id's van bredere begrippen. Eén per regel."),
    FieldSpec("related", "Verwante begrippen (related)", "refs", "Id's van verwante begrippen. Eén per regel."),
    FieldSpec("topic", "Onderwerp", "topic", "", True),
    FieldSpec("facts", "Feiten met een geldigheid", "facts",
              "Bedragen of regels die veranderen, met hun periode en bron."),
]}


def form_fields() -> list[FieldSpec]:
    """Every content field of an entry except the status (that has its own buttons)."""
    out = []
    for attr in model.CONTENT_FIELDS:
        if attr == "status":
            continue
        out.append(SPECS.get(attr) or FieldSpec(attr, model.DUTCH_FIELD_NAMES.get(attr, attr), "yaml",
                                                "Als YAML."))
    return out


def labels() -> dict[str, str]:
    return {s.attr: s.label for s in form_fields()}


# --- form <-> entry -------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return [x.strip() for x in re.split(r"[\r\n]+", text or "") if x.strip()]


def _date(value: str, errors: dict, key: str, label: str, required: bool) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            errors[key] = f"{label} ontbreekt. Schrijf een datum als JJJJ-MM-DD."
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        errors[key] = f"'{value}' is geen datum. Schrijf hem als JJJJ-MM-DD, bijvoorbeeld 2026-01-01."
        return None


def facts_from_form(form: Mapping[str, str], errors: dict) -> list[dict]:
    """Rows ``facts-<n>-<key>``; a row with the box ``facts-<n>-weg`` ticked is removed,
    an empty row is ignored."""
    rows = sorted({int(m.group(1)) for k in form if (m := re.match(r"facts-(\d+)-", k))})
    facts = []
    for n in rows:
        get = lambda k, n=n: (form.get(f"facts-{n}-{k}") or "").strip()  # noqa: E731
        if get("weg"):
            continue
        if not any(get(k) for k in FACT_KEYS):
            continue
        key = f"facts-{n}"
        fact: dict[str, Any] = {}
        fid = get("id")
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", fid):
            errors[f"{key}-id"] = "Het id van een feit heeft kleine letters, cijfers en streepjes (bijvoorbeeld eu-drempels-2026)."
        fact["id"] = fid
        fact["claim"] = get("claim")
        if not fact["claim"]:
            errors[f"{key}-claim"] = "Schrijf wat het feit is (de bewering)."
        fact["valid_from"] = _date(get("valid_from"), errors, f"{key}-valid_from", "Geldig vanaf", True)
        fact["valid_until"] = _date(get("valid_until"), errors, f"{key}-valid_until", "Geldig tot en met", False)
        if fact["valid_from"] and fact["valid_until"] and fact["valid_until"] < fact["valid_from"]:
            errors[f"{key}-valid_until"] = "Geldig tot en met ligt vóór geldig vanaf."
        fact["source"] = get("source")
        if not fact["source"]:
            errors[f"{key}-source"] = "Een feit heeft een bron."
        url = get("source_url")
        if url:
            if not re.match(r"^https?://\S+$", url):
                errors[f"{key}-source_url"] = "Een webadres begint met https://."
            fact["source_url"] = url
        fact["checked"] = _date(get("checked"), errors, f"{key}-checked", "Gecontroleerd op", True)
        facts.append(fact)
    ids = [f["id"] for f in facts]
    for dup in {i for i in ids if ids.count(i) > 1 and i}:
        errors["facts"] = f"Het id '{dup}' staat twee keer bij de feiten."
    return facts


def entry_from_form(form: Mapping[str, str], base: Entry | None) -> tuple[Entry, dict[str, str]]:
    """The entry as the form describes it, and parse errors per field."""
    errors: dict[str, str] = {}
    entry = base.copy() if base else Entry(id="", pref_label="")
    if base is None:
        entry.id = (form.get("id") or "").strip() or model.slugify(form.get("pref_label") or "")
        try:
            model.check_id(entry.id, "id")
        except GlossaryError:
            errors["id"] = "Het id heeft kleine letters, cijfers en streepjes, bijvoorbeeld 'open-house'."
    for spec in form_fields():
        raw = form.get(spec.attr, "")
        if spec.kind in ("list", "refs"):
            value: Any = _lines(raw)
        elif spec.kind == "facts":
            value = facts_from_form(form, errors)
        elif spec.kind == "yaml":
            try:
                value = yaml.safe_load(raw) if raw.strip() else getattr(entry, spec.attr, None)
            except yaml.YAMLError:
                errors[spec.attr] = "Dit is geen geldige YAML."
                continue
        elif spec.kind == "topic":
            value = raw.strip()
            if value and value not in model.TOPICS:
                errors[spec.attr] = f"Kies een onderwerp uit: {', '.join(model.TOPICS)}."
        else:
            value = " ".join(raw.split()) if spec.kind == "text" else raw.strip().replace("\r\n", "\n")
        setattr(entry, spec.attr, value)
    return entry, errors


def form_values(entry: Entry | None) -> dict[str, Any]:
    if entry is None:
        return {"facts": []}
    values: dict[str, Any] = {}
    for spec in form_fields():
        value = getattr(entry, spec.attr, "")
        if spec.kind in ("list", "refs"):
            values[spec.attr] = "\n".join(value or [])
        elif spec.kind == "facts":
            values[spec.attr] = [{k: _show(f.get(k)) for k in FACT_KEYS} for f in value or []
                                 if isinstance(f, dict)]
        elif spec.kind == "yaml":
            values[spec.attr] = "" if value in (None, "", []) else yaml.safe_dump(value, allow_unicode=True)
        else:
            values[spec.attr] = value or ""
    return values


def _show(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


# --- checks ---------------------------------------------------------------------------------

def definition_form_problem(entry: Entry) -> str | None:
    """The definition starts with the term: 'Een <term> is ...' (or 'De/Het', or none)."""
    text = " ".join((entry.definition or "").split()).lower()
    if not text:
        return None
    for label in entry.labels:
        label = " ".join(label.split()).lower()
        if label and re.match(r"^(?:(?:een|de|het)\s+)?" + re.escape(label) + r"\s+(?:is|zijn|betekent|betekenen)\b", text):
            return None
    return (f"Begin de definitie met de term zelf, zo: 'Een {entry.pref_label or '...'} is een ... die ...'.")


@dataclass
class CheckResult:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check(entry: Entry, others: Iterable[Entry]) -> CheckResult:
    """What the editor sees inline: the glossary's own checks (B1, labels of other entries,
    references) for this entry, the definition form and a required source."""
    result = CheckResult()
    pool = [e for e in others if e.id != entry.id] + [entry]
    for problem in validate_entries(pool):
        if problem.entry_id != entry.id:
            continue
        target = result.errors if problem.level == "fout" else result.warnings
        target.setdefault(problem.field, problem.message[:1].upper() + problem.message[1:])
    for attr in ("pref_label", "definition", "plain", "source", "topic"):
        if not str(getattr(entry, attr) or "").strip():
            result.errors.setdefault(attr, f"{SPECS[attr].label} is verplicht.")
    form = definition_form_problem(entry)
    if form:
        result.errors.setdefault("definition", form)
    return result


# --- preview --------------------------------------------------------------------------------

def preview(entry: Entry) -> dict[str, str]:
    """How the assistant will use the term: inline in an answer (the glossary bridge) and as
    the answer to "wat betekent ...?"."""
    from glossary.bridge import bridge_text
    from glossary.matcher import Matcher
    from glossary.service import describe

    sample = entry.example.strip() or f"Bij de gemeente hoor je vaak het woord {entry.pref_label}."
    try:
        matcher = Matcher.build([entry])
        bridged = bridge_text(sample, matcher, []).text
    except Exception:  # noqa: BLE001 - an incomplete draft must still show a page
        bridged = sample
    return {"answer": bridged, "define": describe(entry)}


# --- history --------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryItem:
    when: Any
    who: str
    action: str
    field: str
    parts: list[tuple[str, str]]  # (op, text): op is "same", "del" or "ins"


def word_diff(old: Any, new: Any) -> list[tuple[str, str]]:
    def text(v: Any) -> str:
        if isinstance(v, list):
            return "\n".join(str(x) if not isinstance(x, dict) else yaml.safe_dump(x, allow_unicode=True).strip() for x in v)
        if isinstance(v, dict):
            return yaml.safe_dump(v, allow_unicode=True, sort_keys=False).strip()
        return "" if v is None else str(v)

    a, b = re.findall(r"\S+|\s+", text(old)), re.findall(r"\S+|\s+", text(new))
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(b[j1:j2])))
    return parts


ACTION_NAMES = {"create": "aangemaakt", "update": "gewijzigd", "status": "status gewijzigd"}


def history(store: Store, entry_id: str) -> list[HistoryItem]:
    items = []
    for change in reversed(store.history(entry_id)):
        name = labels().get(change.field or "", change.field or "")
        if change.action == "create":
            parts = [("ins", yaml.safe_dump(change.new_value, allow_unicode=True, sort_keys=False).strip())]
            name = "hele begrip"
        else:
            parts = word_diff(change.old_value, change.new_value)
        items.append(HistoryItem(change.changed_at, change.changed_by,
                                 ACTION_NAMES.get(change.action, change.action), name, parts))
    return items


# --- status: four eyes by account -----------------------------------------------------------

def last_content_editor(store: Store, entry_id: str) -> str:
    """Who last changed the content (not only the status) of an entry."""
    for change in reversed(store.history(entry_id)):
        if change.action in ("create", "update"):
            return change.changed_by
    entry = store.find(entry_id)
    return entry.changed_by if entry else ""


def allowed_statuses(entry: Entry, roles: Iterable[str], username: str, store: Store) -> dict[str, str]:
    """Status -> "" when this account may set it now, else the Dutch reason why not."""
    roles = set(roles)
    out: dict[str, str] = {}
    for status in sorted(TRANSITIONS.get(entry.status, set())):
        if status == ACTIVE:
            if "beoordelaar" not in roles:
                out[status] = "Alleen een beoordelaar mag een begrip vaststellen."
            elif username in (entry.changed_by, last_content_editor(store, entry.id)):
                out[status] = ("Jij hebt dit begrip het laatst bewerkt. Een collega met een ander "
                               "account moet het controleren en vaststellen (vier ogen).")
            else:
                out[status] = ""
        else:
            out[status] = "" if roles & {"redacteur", "beoordelaar"} else "Je rol mag de status niet wijzigen."
    return out


def set_status(store: Store, entry_id: str, status: str, roles: Iterable[str], username: str) -> Entry:
    """Change the status, enforcing the roles and four eyes on the server. Raises
    GlossaryError with the Dutch reason."""
    entry = store.get(entry_id)
    reasons = allowed_statuses(entry, roles, username, store)
    if status not in reasons:
        allowed = ", ".join(reasons) or "geen"
        raise GlossaryError(f"Van {entry.status} naar {status} mag niet. Vanaf {entry.status} kan: {allowed}.")
    if reasons[status]:
        raise GlossaryError(reasons[status])
    return store.set_status(entry_id, status, by=username)
