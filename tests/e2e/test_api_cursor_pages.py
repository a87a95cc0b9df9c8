"""Cursor pagination over the REST API (issue 17): X-Pagination's next_cursor and the Link header
lead through a list page by page, each row once, the filters kept; a cursor that is not the
list's own, a page number past the first 1,000 rows or both at once are refused in the API's
error shape; the OpenAPI document says so."""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.test_api import assert_error_shape, start


def refused(response) -> dict:
    assert_error_shape(response, 422)
    return response.json


def follow(client, url: str) -> tuple[list[int], list[dict]]:
    """The ids of every page from `url` on, by the Link headers; each page's X-Pagination."""
    seen, headers = [], []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.json
        metadata = json.loads(response.headers["X-Pagination"])
        headers.append(metadata)
        seen += [row["id"] for row in response.json]
        link = response.headers.get("Link")
        assert (link is None) == ("next_cursor" not in metadata)
        url = None
        if link:
            url = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1)
            assert parse_qs(urlsplit(url).query)["after"] == [metadata["next_cursor"]]
        assert len(headers) < 50
    return seen, headers


def test_the_link_header_leads_through_every_matter_once_with_its_filters(client):
    made = [start(client, subject=f"修建村道{n}").json["id"] for n in range(5)]
    other = start(client.as_user("taohua_clerk", village="taohua_village"), village="taohua_village").json["id"]
    cancelled = client.post(f"/api/v1/instances/{made[1]}/cancel", json={"reason": "重复立项"})
    assert cancelled.status_code == 200
    walked, pages = follow(client, "/api/v1/instances?village=lushui_village&status=running&page_size=2")
    assert walked == sorted(set(made) - {made[1]}, reverse=True) and other not in walked
    assert pages[0]["page"] == 1 and pages[0]["total"] == 4 and "next_page" in pages[0]
    assert "page" not in pages[1] and "next_page" not in pages[1]          # a page by cursor has no number
    assert "next_cursor" not in pages[-1]
    every, _ = follow(client, "/api/v1/instances?page_size=100")
    assert every == sorted([*made, other], reverse=True)


def test_ready_steps_page_by_cursor_too(client):
    for n in range(3):
        start(client, subject=f"议题{n}")
    walked, _ = follow(client, "/api/v1/tasks?village=lushui_village&page_size=1")
    every = [t["id"] for t in client.get("/api/v1/tasks?village=lushui_village&page_size=100").json]
    assert walked == every and len(every) == 3


@pytest.mark.parametrize("after", ["garbage", "bSIsMV0", "WyJ0IiwxXQ", "A" * 300])
def test_a_cursor_not_of_the_list_is_refused_in_chinese(client, after):
    start(client)
    body = refused(client.get(f"/api/v1/instances?after={after}"))
    assert "after" in body["errors"] and "翻页标记" in body["message"]


def test_a_cursor_of_another_list_or_another_order_is_refused(client):
    for n in range(2):
        start(client, subject=f"修建村道{n}")
    steps = json.loads(client.get("/api/v1/tasks?page_size=1").headers["X-Pagination"])["next_cursor"]
    matters = json.loads(client.get("/api/v1/instances?page_size=1").headers["X-Pagination"])["next_cursor"]
    for url in (f"/api/v1/instances?after={steps}", f"/api/v1/tasks?after={matters}",
                f"/api/v1/instances?created_from=2020-01-01T00:00:00%2B08:00&after={matters}"):
        body = refused(client.get(url))
        assert "不属于" in body["errors"]["after"]


def test_page_numbers_stop_at_the_first_thousand_rows_and_point_to_the_cursor(client):
    for n in range(2):
        start(client, subject=f"修建村道{n}")
    assert client.get("/api/v1/instances?page=100&page_size=10").status_code == 200      # rows 990-999: empty
    body = refused(client.get("/api/v1/instances?page=101&page_size=10"))
    assert "after" in body["errors"]["page"] and "1,000" in body["message"]
    body = refused(client.get("/api/v1/instances?page=1001&page_size=1"))
    assert "page" in body["errors"]["query"]                                              # past MAX_PAGE
    cursor = json.loads(client.get("/api/v1/instances?page_size=1").headers["X-Pagination"])["next_cursor"]
    assert client.get(f"/api/v1/instances?page=1&after={cursor}").status_code == 200
    assert "page" in refused(client.get(f"/api/v1/instances?page=2&after={cursor}"))["errors"]


def test_the_openapi_document_describes_the_cursor(client):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/v1/instances", "/api/v1/tasks", "/api/v1/complaints", "/api/v1/warnings", "/api/v1/incidents"):
        operation = spec["paths"][path]["get"]
        assert "after" in {p["name"] for p in operation["parameters"]}, path
        headers = operation["responses"]["200"]["headers"]
        assert "Link" in headers and "X-Pagination" in headers, path
    metadata = spec["paths"]["/api/v1/instances"]["get"]["responses"]["200"]["headers"]["X-Pagination"]["schema"]
    schema = metadata if "properties" in metadata else spec["components"]["schemas"][metadata["$ref"].rsplit("/", 1)[1]]
    assert "next_cursor" in schema["properties"]
