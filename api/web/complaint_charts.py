"""Grouped bar charts of complaint figures (issue 11), drawn on the server as inline SVG: no front-end build,
style attribute (the pages' Content-Security-Policy allows none); presentation attributes only."""
from __future__ import annotations

from markupsafe import Markup, escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
COLOURS = ("#2f6f9f", "#3c9a5f", "#c0792a", "#8a5aa8", "#b04a4a", "#5f7d8c")


def bar_chart(title: str, rows: list[tuple[str, list[float | None]]], series: list[str], unit: str = "件",
              maximum: float | None = None) -> Markup:
    """Horizontal bars: one group per row (a unit, a category), one bar per series in the group,
    each labelled with its value. `maximum` fixes the scale (100 for percentages)."""
    label_w, width, bar_h, gap = 72, 420, 16, 10
    plot_w = width - label_w - 60
    top = 28 + 18 * (len(series) > 1)
    group_h = bar_h * len(series) + gap
    height = top + max(len(rows), 1) * group_h + 8
    values = [v for _, vs in rows for v in vs if v is not None]
    scale = maximum or max(values + [1])
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}" font-family="{FONT}" font-size="12">',
             f'<title>{escape(title)}</title>',
             f'<text x="0" y="16" font-size="14" font-weight="bold" fill="#222">{escape(title)}</text>']
    if len(series) > 1:
        x = label_w
        for n, name in enumerate(series):
            parts.append(f'<rect x="{x}" y="26" width="10" height="10" fill="{COLOURS[n % len(COLOURS)]}"/>'
                         f'<text x="{x + 14}" y="35" fill="#333">{escape(name)}</text>')
            x += 14 + 13 * len(name) + 18
    if not rows:
        parts.append(f'<text x="{label_w}" y="{top + 14}" fill="#666">暂无数据</text>')
    for i, (label, vs) in enumerate(rows):
        y = top + i * group_h
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h * len(series) / 2 + 4}" text-anchor="end" fill="#333">'
                     f'{escape(label)}</text>')
        for n, value in enumerate(vs):
            length = 0 if value is None else max(plot_w * value / scale, 1 if value else 0)
            by = y + n * bar_h
            words = "—" if value is None else f"{_number(value)}{unit}"
            parts.append(f'<rect x="{label_w}" y="{by + 2}" width="{length:.1f}" height="{bar_h - 4}" '
                         f'fill="{COLOURS[n % len(COLOURS)]}"><title>{escape(label)} {escape(series[n])}：{words}</title></rect>'
                         f'<text x="{label_w + length + 4:.1f}" y="{by + bar_h - 4}" fill="#333">{words}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
