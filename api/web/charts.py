"""Charts drawn on the server as SVG (no script, no front-end build, nothing from a CDN): a bar
chart and a stacked bar chart, each bar a link to the matters or warnings behind it."""
from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

ROW, LABEL, PAD = 26, 96, 8
MAX_LABEL = 220              # a longer name is cut with an ellipsis (its whole name is the bar's tooltip)
TITLE_LINE, LEGEND_LINE = 18, 18
# The severity badges' colours (site.css): a bar and its badge alike, each at least 3:1 on white.
SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#b35900", "low": "#8a6d00"}


NARROW_LATIN = frozenset(" .,:;!|()[]{}ijlrtf-/'")
WIDE_LATIN = frozenset("%@MWmw")


def text_width(text: str, size: float) -> float:
    """The drawn width of a text in a CJK sans font (an upper bound): a Chinese character or a
    full-width sign is as wide as the font is high, a Latin letter or digit at most 0.75 of it
    (most about 0.55), a few narrow ones 0.4 and wide ones 0.95 (Noto Sans CJK SC, measured by
    tests/unit/test_web_charts.py). The browser measures nothing: the coordinates are the server's."""
    return size * sum(1.0 if ord(c) >= 0x2E80 else 0.95 if c in WIDE_LATIN else 0.4 if c in NARROW_LATIN else 0.75
                      for c in str(text))


def _label_column(rows: list[tuple]) -> int:
    """Where the bars begin: after the longest row label (12px), at least LABEL, at most MAX_LABEL."""
    widest = max((text_width(label, 12) for label, *_ in rows), default=0)
    return int(min(MAX_LABEL, max(LABEL, math.ceil(PAD + widest + 10))))


def _label(label, column: int) -> str:
    """A row's label, cut with an ellipsis if it would run into the bars."""
    label, room = str(label), column - PAD - 10
    if text_width(label, 12) > room:
        while label and text_width(label + "…", 12) > room:
            label = label[:-1]
        label += "…"
    return escape(label)


def _frame(width: int, rows: int, title: str, body: list[str], top: int) -> Markup:
    height = top + rows * ROW + 2 * PAD
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
                  f'width="100%" aria-label={quoteattr(title)}><title>{escape(title)}</title>'
                  f'<text x="{PAD}" y="14" font-size="13" fill="#333">{escape(title)}</text>{"".join(body)}</svg>')


def _link(href: str | None, inner: str) -> str:
    return f"<a href={quoteattr(href)}>{inner}</a>" if href else inner


def bar_chart(title: str, rows: list[tuple], maximum: float, unit: str = "", width: int = 560) -> Markup:
    """rows: (label, value or None, link). A missing value is drawn as 无数据."""
    column = _label_column(rows)
    span = width - column - 70
    body = []
    for i, (label, value, href) in enumerate(rows):
        y = TITLE_LINE + PAD + i * ROW
        body.append(f'<text x="{PAD}" y="{y + 16}" font-size="12" fill="#333">{_label(label, column)}</text>')
        if value is None:
            body.append(f'<text x="{column}" y="{y + 16}" font-size="12" fill="#999">无数据</text>')
            continue
        length = max(1.0, span * (value / maximum)) if maximum else 1.0
        bar = f'<rect x="{column}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" fill="#2e86c1"><title>' \
              f'{escape(str(label))}：{value:g}{unit}</title></rect>'
        body.append(_link(href, bar))
        body.append(f'<text x="{column + length + 6:.1f}" y="{y + 16}" font-size="12" fill="#333">{value:g}{unit}</text>')
    return _frame(width, len(rows), title, body, TITLE_LINE)


def stacked_chart(title: str, rows: list[tuple], names: dict, colours: dict = SEVERITY_COLOURS,
                  width: int = 560) -> Markup:
    """rows: (label, {part: count}, {part: link}); a legend of `names` on its own line below the title."""
    column = _label_column(rows)
    maximum = max([sum(parts.values()) for _, parts, _ in rows] + [1])
    span = width - column - 50
    body, x = [], float(column)
    for key, name in names.items():
        body.append(f'<rect x="{x:.1f}" y="{TITLE_LINE + 4}" width="10" height="10" fill="{colours[key]}"/>'
                    f'<text x="{x + 14:.1f}" y="{TITLE_LINE + 13}" font-size="11" fill="#333">{escape(name)}</text>')
        x += 14 + text_width(name, 11) + 16
    top = TITLE_LINE + LEGEND_LINE
    for i, (label, parts, links) in enumerate(rows):
        y = top + PAD + i * ROW
        x = float(column)
        body.append(f'<text x="{PAD}" y="{y + 16}" font-size="12" fill="#333">{_label(label, column)}</text>')
        for key in names:
            count = parts.get(key, 0)
            if not count:
                continue
            length = span * count / maximum
            bar = f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" fill="{colours[key]}">' \
                  f'<title>{escape(str(label))} {escape(names[key])}：{count}</title></rect>'
            body.append(_link(links.get(key), bar))
            x += length
        body.append(f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="12" fill="#333">{sum(parts.values())}</text>')
    return _frame(width, len(rows), title, body, top)
