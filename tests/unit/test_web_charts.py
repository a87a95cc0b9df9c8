"""The dashboard's server-side SVG charts (api/web/charts.py): no text runs into another text or
out of the picture, whatever the title, the legend and the names of the rows. The widths are the
module's own estimate of a CJK sans font (a Chinese character as wide as the font is high), the
same the charts are laid out by; the first check below holds that estimate to a real font."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from api.web.charts import bar_chart, stacked_chart, text_width

SVG = "{http://www.w3.org/2000/svg}"
NAMES = {"high": "严重", "medium": "较重", "low": "一般"}


def test_the_width_estimate_holds_for_the_font_the_charts_are_drawn_in():
    from PIL import ImageFont

    from render.fonts import SIMPLIFIED_CHINESE, cjk_font
    path = cjk_font()
    font = ImageFont.truetype(str(path), 100, index=SIMPLIFIED_CHINESE if path.suffix == ".ttc" else 0)
    for text in ("预警（按严重程度）", "绿水村", "2026年12月", "85 分", "100%", "Wm@", "HOQ", "(0.5)"):
        measured = font.getlength(text)
        assert measured <= text_width(text, 100), (text, measured)            # never narrower than drawn
        assert measured >= text_width(text, 100) * 0.6, (text, measured)      # nor far wider


def boxes(svg: str) -> tuple[float, list[tuple]]:
    root = ET.fromstring(svg)
    width = float(root.get("viewBox").split()[2])
    found = []
    for node in root.iter(f"{SVG}text"):
        size, x, y = float(node.get("font-size")), float(node.get("x")), float(node.get("y"))
        found.append((node.text, x, y - size, x + text_width(node.text, size), y + 0.2 * size))
    for node in root.iter(f"{SVG}rect"):
        x, y = float(node.get("x")), float(node.get("y"))
        found.append(("▮", x, y, x + float(node.get("width")), y + float(node.get("height"))))
    return width, found


def assert_nothing_overlaps(svg: str) -> None:
    width, found = boxes(svg)
    for i, (text, left, top, right, bottom) in enumerate(found):
        assert right <= width + 0.5, f"{text} runs out of the chart"
        for other, left2, top2, right2, bottom2 in found[i + 1:]:
            apart = right <= left2 + 0.5 or right2 <= left + 0.5 or bottom <= top2 + 0.5 or bottom2 <= top + 0.5
            assert apart, f"{text!r} and {other!r} overlap"


VILLAGES = [("绿水村", 3), ("桃花村", 0), ("青山镇东风社区居民委员会第一居民小组", 7)]


@pytest.mark.parametrize("title", ["预警（按严重程度）", "预警", "各村预警件数（按严重程度分列，本年度）"])
def test_a_stacked_chart_keeps_its_legend_clear_of_the_title_and_its_names_clear_of_the_bars(title):
    svg = stacked_chart(title, [(name, {"high": n, "medium": 2 * n}, {}) for name, n in VILLAGES], NAMES)
    assert_nothing_overlaps(str(svg))
    assert ">绿水村<" in svg and re.search(r">青山镇东风社区[^<]*…<", svg)      # the longest name cut
    assert "<title>青山镇东风社区居民委员会第一居民小组 严重：7</title>" in svg   # whole in the tooltip


def test_a_bar_chart_widens_its_name_column_for_longer_names():
    short = str(bar_chart("得分", [("绿水村", 85, None)], 100, " 分"))
    longer = str(bar_chart("得分", [("青山镇示范社区", 85, None), ("桃花村", None, None)], 100, " 分"))
    assert_nothing_overlaps(short)
    assert_nothing_overlaps(longer)
    bar_x = [float(x) for x in re.findall(r'<rect x="([\d.]+)"', longer)]
    assert bar_x and bar_x[0] > float(re.findall(r'<rect x="([\d.]+)"', short)[0])
    assert "青山镇示范社区" in longer                                          # fits whole: not cut


def test_the_severity_bars_are_the_badges_colours_and_stand_out_on_white():
    from pathlib import Path

    from api.web.charts import SEVERITY_COLOURS
    css = (Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "site.css").read_text(encoding="utf-8")

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    for severity, colour in SEVERITY_COLOURS.items():
        assert f".severity-{severity} {{ background: {colour}; }}" in css, severity
        assert 1.05 / (luminance(colour) + 0.05) >= 3, (severity, colour)        # WCAG 1.4.11, graphics
