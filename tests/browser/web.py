"""Helpers shared by the web page tests (tests/e2e/test_web_*.py) and the browser tests: a Flask
test client that logs in through the login form, and an HTML reader for titles, labels, errors."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from engine.services.demo import DEMO_PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
LABELLED = ("input", "select", "textarea")
UNLABELLED_TYPES = ("hidden", "submit", "button", "reset", "image")


# A code name (an event, a step id, a field, a process key: snake_case) in what a page says.
CODE_NAME = re.compile(r"(?<![A-Za-z0-9_.])[a-z]+(?:_[a-z]+)+(?![A-Za-z0-9_])")
# Where a page shows code on purpose: an administrator's authoring pages (item keys, field and
# parameter names are what they write), and <pre>/<code> blocks (the audit event to hash on 核验).
CODE_PAGES = ("/authoring",)


class WebClient:
    """A browser stand-in: keeps the session cookie, reads the CSRF token from the last page. Every
    HTML page it is answered is checked to say no code name (`shown_code_names`), whatever the test
    then checks: a snake_case word in a page's text is a bug wherever it shows."""

    def __init__(self, app):
        self.client = app.test_client()
        self.token = None

    def get(self, url: str, **kwargs):
        response = self.client.get(url, **kwargs)
        self._remember_token(response)
        self._check(url, response)
        return response

    def post(self, url: str, data: dict | None = None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token or self._fresh_token())
        response = self.client.post(url, data=data, **kwargs)
        self._remember_token(response)
        self._check(url, response)
        return response

    @staticmethod
    def _check(url: str, response) -> None:
        # Not a redirect's body (nobody sees it) nor a 404 page, which may repeat the address's key.
        status = response.status_code
        if response.mimetype == "text/html" and not url.startswith(CODE_PAGES) and status != 404 \
                and not 300 <= status < 400:
            code = shown_code_names(response.get_data(as_text=True))
            assert code == [], f"{url} ({response.status_code}) shows code names: {code}"

    def login(self, username: str, password: str = DEMO_PASSWORD):
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password, "next": "/tasks"})
        if response.status_code == 302:
            self.get("/tasks")                  # a new session has a new CSRF token
        return response

    def _fresh_token(self) -> str:
        self.get("/login" if self.token is None else "/tasks")
        return self.token

    def _remember_token(self, response) -> None:
        if response.mimetype == "text/html":
            found = CSRF.search(response.get_data(as_text=True))
            if found:
                self.token = found.group(1)


class PageReader(HTMLParser):
    """The parts of a page the tests check: <title>, form controls, labels, ids, error messages."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.controls, self.label_for, self.ids = "", [], set(), set()
        self._in_title, self._label_depth, self._legend_depth = False, 0, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "title":
            self._in_title = True
        elif tag == "label":
            self._label_depth += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in LABELLED and attrs.get("type", "text") not in UNLABELLED_TYPES:
            self.controls.append({"tag": tag, "wrapped": self._label_depth > 0, **attrs})

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "label":
            self._label_depth -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def unlabelled(self) -> list[dict]:
        return [c for c in self.controls
                if not (c["wrapped"] or c.get("aria-label") or (c.get("id") and c["id"] in self.label_for))]


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    return reader


def assert_accessible(response) -> PageReader:
    """The page has a non-empty <title> and every visible form control a label."""
    page = read_page(response.get_data(as_text=True))
    assert page.title.strip(), f"page without a <title>: {response.request.path}"
    assert not page.unlabelled(), f"controls without a label on {response.request.path}: {page.unlabelled()}"
    return page


def assert_no_trace(response) -> None:
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "File \"/", "werkzeug.exceptions", "sqlalchemy.", ".py\", line"):
        assert leak not in text, f"{leak!r} shown on {response.request.path}"


class _ShownText(HTMLParser):
    """A page's text as shown: outside <script>, <style>, <pre>, <code>, <textarea> (what someone
    typed), <template> and the <head>; with the words a phone shows beside a stacked table's cell
    (data-label) and a screen reader reads (aria-label)."""
    SKIP = ("script", "style", "pre", "code", "textarea", "template", "head")
    SHOWN_ATTRIBUTES = ("data-label", "aria-label")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if not self.depth:
            self.parts += [value for name, value in attrs if name in self.SHOWN_ATTRIBUTES and value]
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP and self.depth > 0

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def shown_code_names(html: str) -> list[str]:
    reader = _ShownText()
    reader.feed(html)
    return sorted(set(CODE_NAME.findall(" ".join(reader.parts))))
