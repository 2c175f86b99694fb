"""Small server-side SVG charts: no script, no network, readable without colour (titles on every bar)."""

from __future__ import annotations

from datetime import date
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 720, 220
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 40, 28, 10
PALETTE = ("#2f7d4f", "#c98a14", "#b3342d", "#3d6fb6", "#7a4fa3", "#4a9aa0", "#8c6d3f", "#666666")


def _nice_max(value: int) -> int:
    """A round axis maximum at or above `value` (5, 10, 20, 25, 50, 100, ...)."""
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for multiple in (1, 2, 2.5, 5, 10):
        if multiple * magnitude >= value:
            return int(multiple * magnitude)
    return value


def stacked_bars(days: list[date], series: list[tuple[str, list[int]]], title: str, first_colour: int = 0) -> Markup:
    """One stacked bar per day; `series` is (name, count per day) in stacking order."""
    count = max(len(days), 1)
    totals = [sum(values[position] for _name, values in series) for position in range(len(days))]
    top = _nice_max(max(totals, default=0))
    plot_width = WIDTH - MARGIN_LEFT - 10
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    slot = plot_width / count
    bar = max(slot * 0.7, 1)
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 24}" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for tick in (0, top // 2, top):
        y = MARGIN_TOP + plot_height - plot_height * tick / top
        parts.append(f'<line x1="{MARGIN_LEFT}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{tick}</text>')
    for position, day in enumerate(days):
        x = MARGIN_LEFT + slot * position + (slot - bar) / 2
        y = MARGIN_TOP + plot_height
        for series_index, (name, values) in enumerate(series):
            value = values[position]
            if not value:
                continue
            height = plot_height * value / top
            y -= height
            colour = PALETTE[(first_colour + series_index) % len(PALETTE)]
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" fill="{colour}">'
                         f"<title>{escape(day.isoformat())}: {escape(name)} {value}</title></rect>")
        if count <= 16 or position % max(1, count // 8) == 0:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 16}" text-anchor="middle" class="tick">{day.strftime("%d %b")}</text>')
    legend_x = MARGIN_LEFT
    for series_index, (name, _values) in enumerate(series):
        colour = PALETTE[(first_colour + series_index) % len(PALETTE)]
        parts.append(f'<rect x="{legend_x}" y="{HEIGHT + 8}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{legend_x + 14}" y="{HEIGHT + 17}" class="legend">{escape(name)}</text>')
        legend_x += 24 + 7 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))


def horizontal_bars(items: list[tuple[str, int]], title: str) -> Markup:
    """One bar per labelled count, largest first as given."""
    row = 24
    height = max(len(items), 1) * row + 10
    label_width = 230
    top = max((value for _label, value in items), default=0) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(title)}</title>"]
    for position, (label, value) in enumerate(items):
        y = 5 + position * row
        length = (WIDTH - label_width - 60) * value / top
        parts.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" class="label">{escape(label)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 3}" width="{max(length, 1):.1f}" height="{row - 8}" fill="{PALETTE[3]}"/>')
        parts.append(f'<text x="{label_width + length + 6:.1f}" y="{y + 15}" class="value">{value}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
