"""Charts as SVG, made on the server (no JavaScript): horizontal bars and weekly columns.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that says what it
shows in words; the page puts the same numbers in a data table next to it, for screen readers
and for printing. Colours are presentation attributes (the workspace's CSP allows no inline
styles) with at least 3:1 contrast to white; all text is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

COLORS = ("#1f4e8c", "#b3261e", "#2e6b30", "#6b4c9a")  # contrast >= 4.5:1 on white
TEXT = "#1a1a1a"
GRID = "#767676"


def _header(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gt-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_chart(chart_id: str, title: str, items: Sequence[tuple[str, int]], unit: str = "",
              limit: int = 12) -> str:
    """Horizontal bars, biggest first (at most ``limit``)."""
    items = list(items)[:limit]
    if not items:
        desc = "Er zijn geen gegevens in deze periode."
    else:
        parts = [f"{label}: {value}{(' ' + unit) if unit else ''}" for label, value in items]
        desc = "; ".join(parts) + "."
    row, label_w, width = 26, 300, 760
    height = max(1, len(items)) * row + 24
    out = _header(chart_id, title, desc, width, height)
    top = max([v for _, v in items] or [1]) or 1
    bar_w = width - label_w - 60
    for i, (label, value) in enumerate(items):
        y = 10 + i * row
        w = max(1, round(bar_w * value / top)) if value else 0
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="13" '
                   f'fill="{TEXT}">{escape(_shorten(label, 42))}</text>')
        if w:
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{w}" height="{row - 8}" fill="{COLORS[0]}"/>')
        out.append(f'<text x="{label_w + w + 6}" y="{y + 15}" font-size="13" fill="{TEXT}">{value}</text>')
    if not items:
        out.append(f'<text x="10" y="20" font-size="13" fill="{TEXT}">Geen gegevens.</text>')
    out.append("</svg>")
    return "\n".join(out)


def column_chart(chart_id: str, title: str, labels: Sequence[str],
                 series: Sequence[tuple[str, Sequence[int]]]) -> str:
    """Columns per week; one or more series side by side, with a legend."""
    labels = list(labels)
    if not labels:
        desc = "Er zijn geen gegevens in deze periode."
    else:
        parts = []
        for i, label in enumerate(labels):
            shown = ", ".join(f"{name} {numbers[i]}" for name, numbers in series)
            parts.append(f"{label}: {shown}")
        desc = "; ".join(parts) + "."
    width, height, left, bottom, top_pad = 760, 260, 44, 40, 34
    out = _header(chart_id, title, desc, width, height)
    peak = max([max(v) for _, v in series if v] or [1]) or 1
    plot_h = height - bottom - top_pad
    plot_w = width - left - 10
    # legend
    for s, (name, _values) in enumerate(series):
        x = left + s * 180
        out.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{COLORS[s % len(COLORS)]}"/>')
        out.append(f'<text x="{x + 20}" y="18" font-size="13" fill="{TEXT}">{escape(name)}</text>')
    # axis and scale
    base = height - bottom
    out.append(f'<line x1="{left}" y1="{base}" x2="{width - 10}" y2="{base}" stroke="{GRID}"/>')
    out.append(f'<text x="{left - 6}" y="{top_pad + 10}" text-anchor="end" font-size="12" fill="{TEXT}">{peak}</text>')
    out.append(f'<text x="{left - 6}" y="{base}" text-anchor="end" font-size="12" fill="{TEXT}">0</text>')
    if labels:
        slot = plot_w / len(labels)
        bar = max(2.0, min(28.0, (slot - 8) / max(1, len(series))))
        for i, label in enumerate(labels):
            x0 = left + i * slot + (slot - bar * len(series)) / 2
            for s, (_name, numbers) in enumerate(series):
                value = numbers[i]
                h = round(plot_h * value / peak) if value else 0
                if h:
                    out.append(f'<rect x="{x0 + s * bar:.1f}" y="{base - h}" width="{bar:.1f}" '
                               f'height="{h}" fill="{COLORS[s % len(COLORS)]}"/>')
            out.append(f'<text x="{left + i * slot + slot / 2:.1f}" y="{base + 16}" text-anchor="middle" '
                       f'font-size="12" fill="{TEXT}">{escape(label)}</text>')
    else:
        out.append(f'<text x="{left + 10}" y="{base - 10}" font-size="13" fill="{TEXT}">Geen gegevens.</text>')
    out.append("</svg>")
    return "\n".join(out)


def paired_bar_chart(chart_id: str, title: str, labels: Sequence[str],
                     series: Sequence[tuple[str, Sequence[int]]], limit: int = 12) -> str:
    """Horizontal bars, two (or more) series per label (for example Ja and Nee)."""
    labels = list(labels)[:limit]
    if not labels:
        desc = "Er zijn geen gegevens in deze periode."
    else:
        desc = "; ".join(f"{label}: " + ", ".join(f"{name} {numbers[i]}" for name, numbers in series)
                         for i, label in enumerate(labels)) + "."
    bar, label_w, width = 12, 300, 760
    row = bar * len(series) + 10
    height = max(1, len(labels)) * row + 40
    out = _header(chart_id, title, desc, width, height)
    for s, (name, _numbers) in enumerate(series):
        x = label_w + s * 140
        out.append(f'<rect x="{x}" y="6" width="14" height="14" fill="{COLORS[s % len(COLORS)]}"/>')
        out.append(f'<text x="{x + 20}" y="18" font-size="13" fill="{TEXT}">{escape(name)}</text>')
    top = max([max(list(numbers)[:limit] or [0]) for _, numbers in series] or [1]) or 1
    bar_w = width - label_w - 60
    for i, label in enumerate(labels):
        y = 32 + i * row
        out.append(f'<text x="{label_w - 8}" y="{y + row / 2:.0f}" text-anchor="end" font-size="13" '
                   f'fill="{TEXT}">{escape(_shorten(label, 42))}</text>')
        for s, (_name, numbers) in enumerate(series):
            value = numbers[i]
            w = max(1, round(bar_w * value / top)) if value else 0
            yy = y + s * bar
            if w:
                out.append(f'<rect x="{label_w}" y="{yy}" width="{w}" height="{bar - 2}" '
                           f'fill="{COLORS[s % len(COLORS)]}"/>')
            out.append(f'<text x="{label_w + w + 6}" y="{yy + bar - 3}" font-size="11" fill="{TEXT}">{value}</text>')
    if not labels:
        out.append(f'<text x="10" y="44" font-size="13" fill="{TEXT}">Geen gegevens.</text>')
    out.append("</svg>")
    return "\n".join(out)
