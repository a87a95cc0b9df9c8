"""Every button on the pages is styled as the others of its kind: a plain <button> is the browser's
small grey one, which on the authoring and warnings pages sat beside styled buttons and on a phone
fell below the 44-pixel touch target (site.css sizes .button, the header's .link-button and the
charts' zoom buttons)."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "api"
STYLED = {"button", "link-button", "zoom"}


def test_every_button_has_a_style_of_the_site():
    unstyled = []
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")):
        for tag in re.findall(r"<button\b[^>]*>", path.read_text(encoding="utf-8")):
            classes = set(re.search(r'class="([^"]*)"', tag).group(1).split()) if "class=" in tag else set()
            if not classes & STYLED:
                unstyled.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert unstyled == []
    assert len(list(TEMPLATES.rglob("templates/**/*.html"))) > 20          # the scan finds the pages
