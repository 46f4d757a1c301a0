"""Docs quote the figures of committed reports; tests compare the two with this helper."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def report_and_quote(report: str, doc: str, marker: str) -> tuple[dict, str]:
    """``reports/<report>`` as a dict, and the paragraph of ``docs/<doc>`` from ``marker`` on."""
    data = json.loads((ROOT / "reports" / report).read_text(encoding="utf-8"))
    text = (ROOT / "docs" / doc).read_text(encoding="utf-8")
    return data, text[text.index(marker):].split("\n\n")[0]
