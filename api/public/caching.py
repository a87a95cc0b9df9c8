"""Conditional GET for the public pages: an ETag from the data version, 304 without rendering.

A page's tag is made of what it shows: the data version of its village (engine/services/public/
records.version: records, catalogue, units), the page's address, and the portal's own code and
templates (so a deployment that changes how pages look changes every tag). The same tag comes
out of every gunicorn worker, so a shared cache or a browser revalidates cheaply anywhere."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Response, make_response, request

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


def cached(version: str, render, max_age: int = PAGE_MAX_AGE) -> Response:
    """`render()` only when the client's copy is stale: 304 for a matching If-None-Match."""
    tag = hashlib.sha256(f"{code_version()}|{request.full_path}|{version}".encode()).hexdigest()[:32]
    if request.if_none_match.contains(tag):
        response = Response(status=304)
    else:
        response = make_response(render())
    response.set_etag(tag)
    response.headers["Cache-Control"] = f"public, max-age={max_age}" + (", must-revalidate" if max_age == 0 else "")
    return response
