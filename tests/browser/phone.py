"""A villager's phone in the browser tests: no login, every page no wider than the screen, numbered
screenshots, script errors collected (the portal and the complaint channel both use it)."""
from __future__ import annotations

from pathlib import Path

PHONE_WIDTH = 412            # the phone viewport of tests/browser/conftest.py


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
        self.count += 1
        screenshot(self.page, self.folder / f"{self.prefix}{self.count:02d}-{name}")
