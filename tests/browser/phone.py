"""A villager's phone in the browser tests: no login, every page no wider than the screen, numbered
screenshots, script errors collected (the portal and the complaint channel both use it)."""
from __future__ import annotations

from pathlib import Path

from .web import CODE_NAME

PHONE_WIDTH = 412            # the phone viewport of tests/browser/conftest.py

# Every text shown against what is behind it, by WCAG 2's contrast ratio: at least 4.5:1, 3:1 for
# large text (24 px, or 18.66 px bold). The background is the first opaque one up the tree with the
# translucent ones over it composited; text over an image or a gradient, in an SVG chart (drawn on
# white with dark text), hidden, or in a disabled control is not judged. Badges once showed white
# on near-white (a later `.badge` rule overrode the colour of the first) and the portal's current
# tab red on blue (the workspace's tab colour leaking into it): nobody saw those in the tests.
LOW_CONTRAST = r"""
() => {
  function parse(c) {
    const m = c && c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function lum(c) {
    const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  }
  function over(top, bottom) {
    const a = top[3];
    return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
  }
  function ground(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== "none") return null;
      const c = parse(s.backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) colour = over(layers[i], colour);
    return colour;
  }
  const low = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode, el = text.parentElement;
    if (!text.textContent.trim() || !el || seen.has(el)) continue;
    seen.add(el);
    if (el.closest("svg, [hidden], [aria-hidden=true], option, script, style, noscript, :disabled, [aria-disabled=true]")) continue;
    const s = getComputedStyle(el), box = el.getBoundingClientRect();
    if (s.visibility !== "visible" || !box.width || !box.height) continue;
    const bg = ground(el);
    if (!bg) continue;
    const fg = over(parse(s.color), bg);
    const a = lum(fg), b = lum(bg), ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(s.fontSize), large = size >= 24 || (parseInt(s.fontWeight, 10) >= 700 && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) {
      low.push(`「${text.textContent.trim().slice(0, 16)}」 ${ratio.toFixed(2)}: ${s.color} on rgb(${bg.slice(0, 3).map(Math.round).join(",")}) ${el.tagName.toLowerCase()}.${el.className}`);
    }
  }
  return low;
}
"""


# What a page says, as shown, outside <pre> and <code> (where a page shows code on purpose: the
# audit event to hash, on 核验), read for code names (web.CODE_NAME).
SHOWN_WORDS = """() => {
  const parts = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest("pre, code, script, style, noscript, template") || !el.getClientRects().length) continue;
    parts.push(walker.currentNode.textContent);
  }
  // what a stacked table shows beside a cell on a phone, and what a screen reader reads
  document.body.querySelectorAll("[data-label], [aria-label]").forEach(function (el) {
    if (el.closest("pre, code, script, template")) { return; }
    parts.push(el.getAttribute("data-label") || "", el.getAttribute("aria-label") || "");
  });
  return parts.join(" ");
}"""


def code_names(page) -> list[str]:
    return sorted(set(CODE_NAME.findall(page.evaluate(SHOWN_WORDS))))


def low_contrast(page) -> list[str]:
    """The texts of the page under their contrast ratio (see LOW_CONTRAST): words, ratio, colours."""
    return page.evaluate(LOW_CONTRAST)


def screenshot(page, path: Path) -> None:
    """The whole page as a JPEG (quality 80) at `path` (its suffix replaced): Chromium encoded the
    walkthrough's 119 tall pages as PNG in 15 s, as JPEG in 9 s, and they are for reading."""
    page.screenshot(path=str(path.with_suffix(".jpg")), full_page=True, type="jpeg", quality=80)


def empty(folder: Path) -> None:
    """An earlier run's screenshots gone (PNG ones too, from before they were JPEG)."""
    for old in (*folder.glob("*.jpg"), *folder.glob("*.png")):
        old.unlink()


class PhoneVisitor:
    def __init__(self, page, site, folder: Path, prefix: str = ""):
        self.page, self.site, self.folder, self.prefix, self.count, self.problems = page, site, folder, prefix, 0, []
        page.on("console", lambda message: message.type == "error" and self.problems.append(message.text))
        page.on("pageerror", lambda error: self.problems.append(str(error)))

    def shot(self, name: str) -> None:
        self.page.wait_for_load_state("load")        # styled: measured after the load event, not the URL change
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE_WIDTH, f"{self.page.url} is {width}px wide on a {PHONE_WIDTH}px phone"
        faint = low_contrast(self.page)
        assert faint == [], f"{self.page.url}: text too faint to read: {faint}"
        code = code_names(self.page)
        assert code == [], f"{self.page.url} shows code names: {code}"
        self.count += 1
        screenshot(self.page, self.folder / f"{self.prefix}{self.count:02d}-{name}")
