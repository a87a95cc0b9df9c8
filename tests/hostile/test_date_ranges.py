"""Issue 9 item 5: a reversed date range, a time without a time zone and dates the database cannot
hold are refused naming the fields, in the API and on the supervision page; nothing changes."""
from __future__ import annotations

import pytest

from .conftest import ADMIN, api, assert_error_page, assert_error_shape, assert_unchanged, snapshot, web


def test_a_reversed_date_range_is_refused_naming_both_ends(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    response = api(app, ADMIN).get("/api/v1/instances?created_from=2026-03-05T00:00:00%2B08:00"
                                   "&created_before=2026-03-02T00:00:00%2B08:00")
    body = assert_error_shape(response, 422)
    assert set(body["errors"]["query"]) == {"created_from", "created_before"}
    assert_unchanged(ctx, before)


def test_a_date_range_in_order_finds_the_matter(app, matter):
    listing = api(app, ADMIN).get("/api/v1/instances?created_from=2000-01-01T00:00:00Z"
                                  "&created_before=2999-01-01T00:00:00Z")
    assert listing.status_code == 200 and [m["id"] for m in listing.json] == [matter.id]
    assert api(app, ADMIN).get("/api/v1/instances?created_before=2000-01-01T00:00:00Z").json == []


@pytest.mark.parametrize("query", ["created_from=2026-03-02T00:00:00", "created_from=0001-01-01T00:00:00%2B08:00",
                                   "created_before=9999-12-31T23:59:59-08:00"])
def test_a_bound_without_a_time_zone_or_out_of_range_is_refused(app, matter, query):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    body = assert_error_shape(api(app, ADMIN).get(f"/api/v1/instances?{query}"), 422)
    assert set(body["errors"]["query"]) == {query.split("=")[0]}
    assert_unchanged(ctx, before)


def test_the_supervision_page_refuses_a_reversed_date_range_beside_the_fields(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    text = assert_error_page(web(app, ADMIN).get("/supervise?created_from=2026-03-05&created_to=2026-03-02"), 422)
    assert "开始日期不能晚于结束日期" in text
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("query", ["created_to=9999-12-31", "created_from=0001-01-01", "amount_max=1e999999",
                                   "amount_min=99999999999999999999"])
def test_the_supervision_page_refuses_dates_and_amounts_out_of_range(app, matter, query):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_page(web(app, ADMIN).get(f"/supervise?{query}"), 422)
    assert_unchanged(ctx, before)
