"""Charts drawn on the server as SVG (no script, no front-end build, nothing from a CDN): a bar
chart and a stacked bar chart, each bar a link to the matters or warnings behind it."""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

ROW, LABEL, PAD = 26, 96, 8
SEVERITY_COLOURS = {"high": "#c0392b", "medium": "#e67e22", "low": "#f1c40f"}


def _frame(width: int, rows: int, title: str, body: list[str]) -> Markup:
    height = rows * ROW + 2 * PAD + 18
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
                  f'width="100%" aria-label={quoteattr(title)}><title>{escape(title)}</title>'
                  f'<text x="{PAD}" y="14" font-size="13" fill="#333">{escape(title)}</text>{"".join(body)}</svg>')


def _link(href: str | None, inner: str) -> str:
    return f"<a href={quoteattr(href)}>{inner}</a>" if href else inner


def bar_chart(title: str, rows: list[tuple], maximum: float, unit: str = "", width: int = 560) -> Markup:
    """rows: (label, value or None, link). A missing value is drawn as 无数据."""
    span = width - LABEL - 70
    body = []
    for i, (label, value, href) in enumerate(rows):
        y = 18 + PAD + i * ROW
        body.append(f'<text x="{PAD}" y="{y + 16}" font-size="12" fill="#333">{escape(str(label))}</text>')
        if value is None:
            body.append(f'<text x="{LABEL}" y="{y + 16}" font-size="12" fill="#999">无数据</text>')
            continue
        length = max(1.0, span * (value / maximum)) if maximum else 1.0
        bar = f'<rect x="{LABEL}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" fill="#2e86c1"><title>' \
              f'{escape(str(label))}：{value:g}{unit}</title></rect>'
        body.append(_link(href, bar))
        body.append(f'<text x="{LABEL + length + 6:.1f}" y="{y + 16}" font-size="12" fill="#333">{value:g}{unit}</text>')
    return _frame(width, len(rows), title, body)


def stacked_chart(title: str, rows: list[tuple], names: dict, colours: dict = SEVERITY_COLOURS,
                  width: int = 560) -> Markup:
    """rows: (label, {part: count}, {part: link}); a legend of `names` below the title."""
    maximum = max([sum(parts.values()) for _, parts, _ in rows] + [1])
    span = width - LABEL - 50
    body = [f'<rect x="{LABEL + i * 70}" y="4" width="10" height="10" fill="{colours[key]}"/>'
            f'<text x="{LABEL + 14 + i * 70}" y="13" font-size="11" fill="#333">{escape(name)}</text>'
            for i, (key, name) in enumerate(names.items())]
    for i, (label, parts, links) in enumerate(rows):
        y = 18 + PAD + i * ROW
        x = float(LABEL)
        body.append(f'<text x="{PAD}" y="{y + 16}" font-size="12" fill="#333">{escape(str(label))}</text>')
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
    return _frame(width, len(rows), title, body)
