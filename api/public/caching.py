"""Conditional GET for the public pages: an ETag from the data version, 304 without rendering.

A page's tag is made of what it shows: the data version of its village (engine/services/public/
records.version: records, catalogue, units), the page's address, and the portal's own code and
templates (so a deployment that changes how pages look changes every tag). The same tag comes
out of every gunicorn worker, so a shared cache or a browser revalidates cheaply anywhere."""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, make_response, request

PAGE_MAX_AGE = 60               # a minute: a notice published now shows within a minute
DOCUMENT_MAX_AGE = 3600         # a document never changes under its id; a withdrawal waits an hour at most
STATIC_MAX_AGE = 86400          # the stylesheet's address carries the portal's code version
VERIFY_MAX_AGE = 0              # a verification answers "now": always revalidated (304 while unchanged)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the portal's files (views, templates, stylesheet), computed once per process."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".html", ".css", ".js"):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def digest(value) -> str:
    """A short digest of an answer's data, for an answer whose tag is its own content."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()[:24]


class RenderedPages:
    """The bodies of pages rendered lately, by tag: a tag names exactly one body (the code, the
    address and the data it was made of), so a second visitor without the page in a cache of
    their own gets it without rendering. Per process, least recently used out first; pages and
    JSON only (documents and charts have their own caches and headers)."""

    def __init__(self, size: int = 256, largest: int = 1 << 20):
        self.size, self.largest = size, largest
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tag: str):
        with self._lock:
            found = self._items.get(tag)
            if found is not None:
                self._items.move_to_end(tag)
            return found

    def put(self, tag: str, response: Response) -> None:
        if self.size <= 0 or response.status_code != 200 or response.mimetype not in ("text/html", "application/json") \
                or response.direct_passthrough or len(response.get_data()) > self.largest or \
                set(response.headers.keys()) - {"Content-Type", "Content-Length"}:
            return
        with self._lock:
            self._items[tag] = (response.get_data(), response.mimetype)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


RENDER_CACHE_SIZE = 256         # pages kept per app (0: none; bench/bench_portal.py measures cold renders so)


def _rendered() -> RenderedPages:
    """The app's own cache (one per app: a test's app never answers from another's database)."""
    return current_app.extensions.setdefault("public_rendered", RenderedPages(RENDER_CACHE_SIZE))


def cached(version: str, render, max_age: int = PAGE_MAX_AGE) -> Response:
    """`render()` only when the client's copy is stale (304 for a matching If-None-Match) and no
    visitor asked for the same page of the same data lately (RENDERED)."""
    tag = hashlib.sha256(f"{code_version()}|{request.full_path}|{version}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    elif (kept := _rendered().get(tag)) is not None:
        response = Response(kept[0], mimetype=kept[1])
    else:
        response = make_response(render())
        _rendered().put(tag, response)
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (", must-revalidate" if max_age == 0 else "")
    return response
