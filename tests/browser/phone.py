"""A villager's phone in the browser tests: no login, every page no wider than the screen, numbered
screenshots, script errors collected (the portal and the complaint channel both use it)."""
from __future__ import annotations

from pathlib import Path

PHONE_WIDTH = 412            # the phone viewport of tests/browser/conftest.py


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
        self.page.screenshot(path=str(self.folder / f"{self.prefix}{self.count:02d}-{name}.png"), full_page=True)
