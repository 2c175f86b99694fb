"""Small server-side SVG charts: no script, no network, readable without colour (titles on every bar).

A chart is drawn on a wide canvas and scaled to the full width of its card; its legend is HTML
under the drawing, so every entry shows and wraps on narrow screens instead of being cut off.
"""

from __future__ import annotations

from datetime import date
from html import escape

from babel.dates import format_date
from markupsafe import Markup

from commentdesk import i18n

# Wide enough that the text stays near its natural size when the chart fills a workspace card.
WIDTH, HEIGHT = 1200, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_TOP = 48, 12, 28, 12
PALETTE = ("#2f7d4f", "#c98a14", "#b3342d", "#3d6fb6", "#7a4fa3", "#4a9aa0", "#8c6d3f", "#666666")
MAX_TICKS = 5


def nice_ticks(value: int, most: int = MAX_TICKS) -> list[int]:
    """Round axis ticks from 0 to at least `value`: steps of 1, 2 or 5 times a power of ten, at most `most` above 0."""
    value = max(int(value), 1)
    magnitude = 1
    while True:
        for step in (magnitude, 2 * magnitude, 5 * magnitude):
            count = -(-value // step)  # ceiling division
            if count <= most:
                return [step * index for index in range(count + 1)]
        magnitude *= 10


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _legend(names: list[str], first_colour: int) -> str:
    items = "".join(
        f'<li><span class="swatch" style="background:{_colour(first_colour + index)}" aria-hidden="true"></span>{escape(name)}</li>'
        for index, name in enumerate(names)
    )
    return f'<ul class="chart-legend">{items}</ul>'


def stacked_bars(days: list[date], series: list[tuple[str, list[int]]], title: str, first_colour: int = 0) -> Markup:
    """One stacked bar per day; `series` is (name, count per day) in stacking order."""
    count = max(len(days), 1)
    totals = [sum(values[position] for _name, values in series) for position in range(len(days))]
    ticks = nice_ticks(max(totals, default=0))
    top = ticks[-1]
    plot_width = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / count
    bar = max(min(slot * 0.7, 48), 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = MARGIN_TOP + plot_height - plot_height * tick / top
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" class="tick">{tick}</text>')
    label_every = 1 if count <= 16 else -(-count // 12)
    for position, day in enumerate(days):
        x = MARGIN_LEFT + slot * position + (slot - bar) / 2
        y = MARGIN_TOP + plot_height
        for series_index, (name, values) in enumerate(series):
            value = values[position]
            if not value:
                continue
            height = plot_height * value / top
            y -= height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{_colour(first_colour + series_index)}">'
                f"<title>{escape(day.isoformat())}: {escape(name)} {value}</title></rect>"
            )
        if position % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 18}" text-anchor="middle" class="tick">'
                f"{escape(format_date(day, 'd MMM', locale=i18n.current()))}</text>"
            )
    parts.append("</svg>")
    legend = _legend([name for name, _values in series], first_colour)
    return Markup(f'<figure class="chart-figure">{"".join(parts)}{legend}</figure>')


def horizontal_bars(items: list[tuple[str, int]], title: str) -> Markup:
    """One bar per labelled count, largest first as given."""
    row = 30
    height = max(len(items), 1) * row + 10
    label_width = 300
    top = max((value for _label, value in items), default=0) or 1
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for position, (label, value) in enumerate(items):
        y = 5 + position * row
        length = (WIDTH - label_width - 70) * value / top
        parts.append(f'<text x="{label_width - 10}" y="{y + 19}" text-anchor="end" class="label">{escape(label)}</text>')
        parts.append(
            f'<rect x="{label_width}" y="{y + 5}" width="{max(length, 1):.1f}" height="{row - 10}" fill="{PALETTE[3]}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        parts.append(f'<text x="{label_width + length + 8:.1f}" y="{y + 19}" class="value">{value}</text>')
    parts.append("</svg>")
    return Markup(f'<figure class="chart-figure">{"".join(parts)}</figure>')
