"""``gemeentetolk review QUESTIONS.csv``: an answer review for civil servants.

Runs every question through the trained assistant (Rasa server + action server, started on
free ports) and writes a readable HTML report: the question, the recognised topic and
confidence, the full answer, the terms it explained and the contact it routed to. Rows with a
low confidence (or a fallback) are marked, so reviewers look at those first.

The CSV needs a header with a column ``vraag`` (or ``question``); an optional column
``gemeente`` (or ``municipality``) holds a profile slug such as ``dijkstede``.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import html
import io
import json
import secrets
import socket
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

EXAMPLE = "gemeentetolk review QUESTIONS.csv --out reports/review.html"
QUESTION_COLUMNS = ("vraag", "question")
MUNICIPALITY_COLUMNS = ("gemeente", "municipality")
MAX_QUESTIONS = 1000
DEFAULT_THRESHOLD = 0.6
ANSWER_ACTION = "action_answer"
ROUTE_ACTION = "action_route_contact"


class ReviewInputError(ValueError):
    """The CSV cannot be used; the message is Dutch and meant for the user."""


@dataclass
class Question:
    line: int
    text: str
    municipality: str = ""


@dataclass
class Row:
    question: Question
    intent: str = ""
    confidence: float = 0.0
    topic: str = ""
    subtopic: str = ""
    answer: list[str] = field(default_factory=list)
    contact: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # small talk, fallback, ...
    buttons: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    error: str = ""

    def low(self, threshold: float) -> bool:
        return bool(self.error) or self.intent == "nlu_fallback" or self.confidence < threshold


# --- reading the CSV --------------------------------------------------------------------------


def read_questions(path: Path) -> list[Question]:
    """Questions from a CSV file. Raises ReviewInputError with a clear Dutch message."""
    path = Path(path)
    if not path.is_file():
        raise ReviewInputError(f"Het bestand {path} bestaat niet.")
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ReviewInputError(
            f"{path} is geen UTF-8-tekstbestand (fout op byte {err.start}). Sla het op als 'CSV UTF-8'."
        ) from err
    return parse_questions(raw, str(path))


def parse_questions(raw: str, name: str = "CSV") -> list[Question]:
    if not raw.strip():
        raise ReviewInputError(f"{name} is leeg. Zet op de eerste regel de kolomnaam 'vraag'.")
    try:
        dialect = csv.Sniffer().sniff(raw.splitlines()[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(raw), dialect)
    try:
        rows = list(reader)
    except csv.Error as err:
        raise ReviewInputError(f"{name} is geen geldig CSV-bestand: {err}.") from err
    header = [h.strip().lower() for h in rows[0]]
    q_col = next((header.index(c) for c in QUESTION_COLUMNS if c in header), None)
    if q_col is None:
        raise ReviewInputError(
            f"{name} heeft geen kolom 'vraag'. De eerste regel moet de kolomnamen bevatten, "
            f"bijvoorbeeld: vraag,gemeente (gevonden: {', '.join(rows[0]) or 'niets'})."
        )
    m_col = next((header.index(c) for c in MUNICIPALITY_COLUMNS if c in header), None)
    questions: list[Question] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        text = row[q_col].strip() if q_col < len(row) else ""
        if not text:
            raise ReviewInputError(f"{name}, regel {line}: de vraag is leeg.")
        if len(text) > 1000:
            raise ReviewInputError(f"{name}, regel {line}: de vraag is langer dan 1000 tekens.")
        slug = row[m_col].strip().lower() if m_col is not None and m_col < len(row) else ""
        questions.append(Question(line, text, slug))
    if not questions:
        raise ReviewInputError(f"{name} bevat geen vragen (alleen een kopregel).")
    if len(questions) > MAX_QUESTIONS:
        raise ReviewInputError(f"{name} bevat meer dan {MAX_QUESTIONS} vragen. Splits het bestand.")
    return questions


# --- turning a conversation into a row -------------------------------------------------------


def row_from_tracker(question: Question, tracker: dict[str, Any]) -> Row:
    """Read intent, confidence, answer, contact and explained terms from a Rasa tracker."""
    row = Row(question)
    latest = tracker.get("latest_message") or {}
    intent = latest.get("intent") or {}
    row.intent = str(intent.get("name") or "")
    row.confidence = float(intent.get("confidence") or 0.0)
    slots = tracker.get("slots") or {}
    row.topic = str(slots.get("topic") or "")
    row.subtopic = str(slots.get("subtopic") or "")
    explained = list(slots.get("explained_terms") or [])
    row.terms = [str(t) for t in explained]
    current_action = ""
    for event in tracker.get("events") or []:
        kind = event.get("event")
        if kind == "action":
            current_action = str(event.get("name") or "")
        elif kind == "bot":
            text = str(event.get("text") or "")
            buttons = ((event.get("data") or {}).get("buttons")) or []
            row.buttons += [f"{b.get('title')} ({b.get('payload')})" for b in buttons]
            if not text:
                continue
            if current_action == ANSWER_ACTION:
                row.answer.append(text)
            elif current_action == ROUTE_ACTION:
                row.contact.append(text)
            else:
                row.other.append(text)
    return row


# --- HTML -------------------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .5rem; vertical-align: top; text-align: left; }
th { background: #eef2f7; }
tr.low { background: #fff4e5; }
.flag { color: #a33; font-weight: bold; }
.msg { white-space: pre-wrap; margin: 0 0 .5rem; }
.small { color: #555; font-size: .9em; }
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _messages(items: Sequence[str]) -> str:
    return "".join(f'<p class="msg">{_e(t)}</p>' for t in items) or '<span class="small">-</span>'


def expiring_for(row: Row, expiring: dict[str, list[Any]]) -> list[Any]:
    """The dated facts of this row's sub-answer that expire soon (``facts.subanswers_expiring``);
    a local answer counts only for its own municipality."""
    if not (row.topic and row.subtopic):
        return []
    found = expiring.get(f"{row.topic}/{row.subtopic}") or []
    return [p for p in found if p.kind != "local_answer" or p.owner.startswith(f"{row.question.municipality} ")]


def render_html(
    rows: Sequence[Row],
    threshold: float,
    title: str = "Antwoordcontrole Gemeentetolk",
    expiring: dict[str, list[Any]] | None = None,
) -> str:
    """``expiring``: topic/subkey -> facts that expire within 90 days; those rows are marked."""
    expiring = expiring or {}
    low = [r for r in rows if r.low(threshold)]
    soon = [r for r in rows if expiring_for(r, expiring)]
    topics = Counter(r.topic or r.intent or "?" for r in rows)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="small">Gemaakt op {_e(datetime.now().strftime("%d-%m-%Y %H:%M"))}. '
        f"{len(rows)} vragen, {len(low)} met lage zekerheid (onder {threshold:.2f} of niet begrepen): "
        "die rijen zijn oranje. "
        f"{len(soon)} antwoorden met een feit dat binnen 90 dagen verloopt: controleer de bron.</p>",
        "<p>Onderwerpen: "
        + ", ".join(f"{_e(k)} ({v})" for k, v in sorted(topics.items(), key=lambda kv: -kv[1]))
        + "</p>",
        "<table><thead><tr><th>#</th><th>Vraag</th><th>Onderwerp en zekerheid</th><th>Antwoord</th>"
        "<th>Uitgelegde begrippen</th><th>Contact</th></tr></thead><tbody>",
    ]
    for i, r in enumerate(rows, start=1):
        is_low = r.low(threshold)
        flag = '<div class="flag">Lage zekerheid: controleren</div>' if is_low else ""
        for placed in expiring_for(r, expiring):
            until = placed.fact.get("valid_until")
            flag += (f'<div class="flag">Feit verloopt op {_e(until)}: {_e(placed.fact.get("claim"))} '
                     f'(bron: {_e(placed.fact.get("source"))}). Controleer en werk bij.</div>')
        topic = f"{r.topic}/{r.subtopic}" if r.topic and r.subtopic else (r.topic or "-")
        where = f'<div class="small">gemeente: {_e(r.question.municipality)}</div>' if r.question.municipality else ""
        answer = _messages(r.answer + r.other)
        if r.buttons:
            answer += '<div class="small">Knoppen: ' + _e("; ".join(r.buttons)) + "</div>"
        if r.error:
            answer = f'<p class="flag">{_e(r.error)}</p>'
        parts.append(
            f'<tr class="{"low" if is_low else "ok"}"><td>{i}</td>'
            f"<td>{_e(r.question.text)}{where}</td>"
            f"<td>{flag}intent: {_e(r.intent or '-')}<br>zekerheid: {r.confidence:.2f}<br>"
            f"onderwerp: {_e(topic)}</td>"
            f"<td>{answer}</td>"
            f"<td>{_e(', '.join(r.terms) or '-')}</td>"
            f"<td>{_messages(r.contact)}</td></tr>"
        )
    parts.append("</tbody></table></body></html>")
    return "\n".join(parts)


# --- running against the assistant ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ask(stack: Any, question: Question, sender: str) -> Row:
    from bot.cli.stack import http_get

    metadata = {"municipality": question.municipality} if question.municipality else None
    status, _reply = stack.send(sender, question.text, metadata)
    if status != 200:
        return Row(question, error=f"De assistent gaf een fout (HTTP {status}).")
    token = urllib.parse.quote(stack.api_token)
    url = f"{stack.settings.rasa_url}/conversations/{urllib.parse.quote(sender)}/tracker?token={token}"
    status, body = http_get(url, timeout=30)
    if status != 200:
        return Row(question, error=f"Kon het gesprek niet ophalen (HTTP {status}).")
    return row_from_tracker(question, json.loads(body))


def run_review(questions: Sequence[Question], settings: Any) -> list[Row]:
    from bot.cli.stack import Stack

    settings = dataclasses.replace(settings, rasa_port=_free_port(), action_port=_free_port())
    stack = Stack(settings, enable_api=True)
    run_id = secrets.token_hex(4)
    rows: list[Row] = []
    try:
        stack.start()
        for i, q in enumerate(questions, start=1):
            rows.append(ask(stack, q, f"review-{run_id}-{i}"))
            print(f"\r{i}/{len(questions)} vragen", end="", flush=True)
        print()
    finally:
        stack.stop()
    return rows


def _expiring(settings: Any) -> dict[str, list[Any]]:
    from bot.services import facts

    return facts.subanswers_expiring(facts.collect(settings.root, settings.db_url), facts.today(settings))


def cmd_review(args: argparse.Namespace) -> int:
    from bot.cli import CommandError
    from bot.services.settings import load_settings

    try:
        questions = read_questions(args.csv)
        settings = load_settings()
    except (ReviewInputError, ValueError) as err:
        raise CommandError(str(err)) from err
    if not any(settings.model_dir.glob("*.tar.gz")):
        raise CommandError("Er is nog geen getraind model in models/. Draai eerst: make train")
    print(f"{len(questions)} vragen gelezen. De assistent start (ongeveer een halve minuut)...")
    try:
        rows = run_review(questions, settings)
    except (RuntimeError, TimeoutError, OSError) as err:
        raise CommandError(f"De assistent kon niet starten of antwoorden: {err}") from err
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(rows, args.threshold, expiring=_expiring(settings)), encoding="utf-8")
    low = sum(r.low(args.threshold) for r in rows)
    print(f"Rapport geschreven: {out} ({len(rows)} vragen, {low} met lage zekerheid).")
    print(f"Open het in je browser: file://{out.resolve()}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "review",
        help="vragen uit een CSV door de assistent halen en een HTML-rapport maken",
        description=(
            "Stelt elke vraag uit het CSV-bestand aan de getrainde assistent en schrijft een "
            "HTML-rapport: vraag, herkend onderwerp en zekerheid, het hele antwoord, de uitgelegde "
            "begrippen en het contact. Rijen met lage zekerheid zijn gemarkeerd. Het CSV-bestand "
            "heeft een kopregel met de kolom 'vraag' en eventueel 'gemeente' (bijvoorbeeld dijkstede)."
        ),
        epilog=f"Voorbeeld: {EXAMPLE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("csv", type=Path, metavar="VRAGEN.csv", help="CSV-bestand met een kolom 'vraag'")
    p.add_argument(
        "--out", type=Path, default=Path("reports/review.html"), help="HTML-rapport (standaard reports/review.html)"
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"onder deze zekerheid wordt een rij gemarkeerd (standaard {DEFAULT_THRESHOLD})",
    )
    p.set_defaults(func=cmd_review)
