"""Issue 9 item 8: security headers on every response (pages, JSON, errors, 404s, static files,
the docs), Swagger UI served from an installed package with no outside host, and the bearer
token declared in the OpenAPI document."""
from __future__ import annotations

import io
import re

import pytest

from .conftest import ADMIN, CLERK, COUNCIL, api, web

PDF = b"%PDF-1.4\n%%EOF\n"


def assert_secured(response, url: str) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("X-Frame-Options") == "DENY", url
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src" in csp and ("frame-ancestors 'none'" in csp or "sandbox" in csp), (url, csp)
    assert "http:" not in csp and "https:" not in csp, (url, csp)


@pytest.mark.parametrize("url, status", [
    ("/api/v1/processes", 200), ("/api/v1/instances/999999", 404), ("/api/v1/no-such-thing", 404),
    ("/api/openapi.json", 200), ("/api/docs", 200), ("/api/docs/swagger-ui/swagger-ui-bundle.js", 200),
    ("/api/docs/static/api-docs.js", 200), ("/assets/site.css", 200), ("/tasks", 200), ("/no-such-page", 404),
    ("/matters/999999", 404), ("/api/v1/instances?page=0", 422),
])
def test_every_response_carries_the_security_headers(app, url, status):
    response = api(app, CLERK).get(url) if url.startswith("/api/v1") else web(app, CLERK).get(url)
    assert response.status_code == status, (url, response.status_code)
    assert_secured(response, url)


def test_refusals_and_method_errors_carry_them_too(app):
    anonymous = api(app)
    for response in (anonymous.get("/api/v1/processes"),                       # 401
                     anonymous.post("/api/v1/auth/token", data="[", content_type="application/json"),   # 400
                     anonymous.put("/api/v1/processes"),                         # 405
                     anonymous.get("/login")):
        assert_secured(response, response.request.path)


def test_an_unexpected_error_carries_them_too(app):
    @app.route("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")
    response = app.test_client().get("/api/v1/explode")
    assert response.status_code == 500 and "boom" not in response.get_data(as_text=True)
    assert_secured(response, "/api/v1/explode")


def test_pages_are_not_cached_and_downloads_keep_their_sandbox(app, matter):
    assert web(app, CLERK).get("/tasks").headers["Cache-Control"] == "no-store"
    council = api(app, COUNCIL)
    uploaded = council.post("/api/v1/attachments", data={"file": (io.BytesIO(PDF), "签到表.pdf")},
                            content_type="multipart/form-data").json["id"]
    download = council.get(f"/api/v1/attachments/{uploaded}")
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download.headers["X-Frame-Options"] == "DENY"


def test_the_api_docs_name_no_outside_host(app):
    client = app.test_client()
    page = client.get("/api/docs").get_data(as_text=True)
    addresses = re.findall(r'(?:src|href|data-spec-url)="([^"]+)"', page)
    assert addresses and all(a.startswith("/") and not a.startswith("//") for a in addresses), addresses
    assert "http://" not in page and "https://" not in page
    for address in addresses:
        assert client.get(address).status_code == 200, address
    script = client.get("/api/docs/static/api-docs.js").get_data(as_text=True)
    assert "validatorUrl: null" in script and "http" not in script
    # The package's demo page and initializer point at petstore.swagger.io: never served.
    for name in ("index.html", "swagger-initializer.js", "../__init__.py"):
        assert client.get(f"/api/docs/swagger-ui/{name}").status_code == 404


def test_the_openapi_document_declares_the_bearer_token(app):
    spec = api(app).get("/api/openapi.json").json
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/auth/token"]["post"]["security"] == []      # the login needs no token
    assert "security" not in spec["paths"]["/api/v1/auth/token"]["delete"]     # the rest: the document's
    assert api(app, ADMIN).get("/api/v1/processes").status_code == 200
