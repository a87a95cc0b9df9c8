"""Security headers on every response the app gives: pages, JSON, errors, 404s of unknown
addresses, static files, the API's documentation. A response that sets a header itself keeps its
own (evidence downloads sandbox themselves; flowcharts allow their inline styles)."""
from __future__ import annotations

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",            # a JSON or text body is never sniffed into a page
    "X-Frame-Options": "DENY",                      # no other site frames a page (clickjacking)
    "Referrer-Policy": "same-origin",
    # Everything from this server, nothing from elsewhere (township intranets have no internet
    # anyway); no plugins, no framing, no <base> rewrite, forms post back here only.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
}


def init_app(app) -> None:
    # after_request runs for error responses too (Flask finalizes them the same way).
    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
