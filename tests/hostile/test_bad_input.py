"""Issue 9 item 5: no 500 for bad input, anywhere. Each reproduction is the request, the 4xx it
answers (the API's one error shape, or a Chinese page), and a check that nothing changed."""
from __future__ import annotations

import pytest

from .conftest import (ADMIN, CLERK, COUNCIL, USERS, api, assert_error_page, assert_error_shape, assert_unchanged,
                       snapshot, web)

TOO_BIG = 2 ** 63                 # one past the largest integer SQLite holds
PAST_INT4 = 2 ** 31               # one past the largest id PostgreSQL's id columns hold
DEEP = "[" * 10_000 + "]" * 10_000


def json_post(client, url: str, text: str):
    return client.post(url, data=text, content_type="application/json")


def test_the_users_these_tests_act_as_are_demo_users_holding_those_roles_only(app):
    ctx = app.extensions["xiaowei"]
    with ctx.uow(readonly=True) as uow:
        users = {name: uow.users.by_name(name) for name in USERS}
        grants = uow.users.grants_of([user.id for user in users.values()])
        assert {name: [(g.role, g.org_code) for g in grants[user.id]] for name, user in users.items()} == {
            name: [role_and_unit] for name, role_and_unit in USERS.items()}


# -- ids and page numbers ----------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/instances/{id}", "/api/v1/instances/{id}/history",
                                  "/api/v1/instances/{id}/flowchart.svg"])
@pytest.mark.parametrize("number", [TOO_BIG, PAST_INT4])
def test_an_id_past_the_databases_integers_is_not_found(app, matter, path, number):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_shape(api(app, CLERK).get(path.format(id=number)), 404)
    assert_unchanged(ctx, before)


def test_cancelling_an_id_past_the_databases_integers_is_not_found(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_shape(api(app, ADMIN).post(f"/api/v1/instances/{TOO_BIG}/cancel", json={"reason": "测试"}), 404)
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("url", ["/matters/{id}", "/matters/{id}/flowchart.svg"])
def test_a_page_for_an_id_past_the_databases_integers_is_a_not_found_page(app, matter, url):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_page(web(app, CLERK).get(url.format(id=TOO_BIG)), 404)
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("url", ["/api/v1/instances", "/api/v1/tasks"])
@pytest.mark.parametrize("page", [TOO_BIG, 10 ** 7])
def test_a_page_number_past_the_last_possible_page_is_refused(app, matter, url, page):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    body = assert_error_shape(api(app, CLERK).get(f"{url}?page={page}&page_size=100"), 422)
    assert "page" in body["errors"]["query"]
    assert_unchanged(ctx, before)


def test_the_supervision_page_ignores_a_page_number_it_cannot_use(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    response = web(app, ADMIN).get(f"/supervise?page={TOO_BIG}")
    assert response.status_code == 200
    assert_unchanged(ctx, before)


# -- lone surrogates, NUL and other strings no database stores -------------------------------------
@pytest.mark.parametrize("body", [
    '{"username": "\\ud800", "password": "xiaowei-demo"}',
    '{"username": "two_committees.lushui_village", "password": "\\udfff"}',
    '{"username": "a\\u0000b", "password": "xiaowei-demo"}',
])
def test_a_login_name_or_password_no_text_can_hold_is_a_bad_request(app, body):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_shape(json_post(api(app), "/api/v1/auth/token", body), 400)
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("subject", ["\\ud800", "\\udc00 tail", "x\\u0000y"])
def test_a_subject_with_a_lone_surrogate_or_nul_is_a_bad_request(app, matter, subject):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    body = ('{"process_key": "village_project", "village": "lushui_village", "subject": "%s", "data": '
            '{"project_name": "x", "summary": "y", "amount": 1, "funding_source": "higher_level", '
            '"industry_dept": "transport"}}' % subject)
    assert_error_shape(json_post(api(app, CLERK), "/api/v1/instances", body), 400)
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("data", ['{"council_minutes": "\\ud800"}', '{"\\ud800": 1}', '{"council_for": NaN}',
                                  '{"council_for": 1e999}', '{"council_for": 1%s}' % ("0" * 5000)])
def test_step_data_no_database_can_store_is_a_bad_request(app, matter, data):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    task = matter.ready_steps[0].id
    assert_error_shape(json_post(api(app, COUNCIL), f"/api/v1/tasks/{task}/complete", '{"data": %s}' % data), 400)
    assert_unchanged(ctx, before)


def test_a_parameter_value_with_a_lone_surrogate_is_a_bad_request(app):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    response = api(app, ADMIN).put("/api/v1/townships/qingshan_town/parameters/result_publicity_days",
                                   data='{"value": "\\ud800"}', content_type="application/json")
    assert_error_shape(response, 400)
    assert_unchanged(ctx, before)


@pytest.mark.parametrize("url", ["/api/v1/processes/a%00b", "/api/v1/tasks/a%00b", "/api/v1/instances?village=a%00b",
                                 "/api/v1/parameters?township=qingshan%00town"])
def test_a_nul_in_the_address_is_a_bad_request(app, matter, url):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_shape(api(app, CLERK).get(url), 400)
    assert_unchanged(ctx, before)


def test_a_nul_in_a_page_form_is_a_bad_request_page(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    client = web(app, CLERK)
    client.get("/start/village_project")
    response = client.post("/start/village_project", {"subject": "a\x00b", "village": "lushui_village"})
    assert_error_page(response, 400)
    assert_error_page(client.get("/supervise?village=a%00b"), 400)
    assert_unchanged(ctx, before)


# -- nesting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/api/v1/auth/token", "/api/v1/instances", "/api/v1/users", "/api/v1/orgs"])
def test_json_nested_ten_thousand_deep_is_a_bad_request(app, matter, url):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    assert_error_shape(json_post(api(app, ADMIN), url, DEEP), 400)
    assert_unchanged(ctx, before)


def test_step_data_nested_ten_thousand_deep_is_a_bad_request(app, matter):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    task = matter.ready_steps[0].id
    body = '{"data": {"council_minutes": %s}}' % DEEP
    assert_error_shape(json_post(api(app, COUNCIL), f"/api/v1/tasks/{task}/complete", body), 400)
    nested_100 = '{"data": {"council_minutes": %s}}' % ("[" * 100 + "]" * 100)
    assert_error_shape(json_post(api(app, COUNCIL), f"/api/v1/tasks/{task}/complete", nested_100), 400)
    assert_unchanged(ctx, before)


def test_a_parameter_nested_ten_thousand_deep_is_a_bad_request(app):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    response = api(app, ADMIN).put("/api/v1/townships/qingshan_town/parameters/result_publicity_days",
                                   data='{"value": %s}' % DEEP, content_type="application/json")
    assert_error_shape(response, 400)
    assert_unchanged(ctx, before)


def test_the_openapi_document_states_the_bounds(app):
    from api.rest.blueprint import MAX_PAGE
    from api.untrusted_input import MAX_ID
    spec = api(app).get("/api/openapi.json").json
    (instance_id,) = spec["paths"]["/api/v1/instances/{instance_id}"]["parameters"]
    assert instance_id["schema"] == {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    page = next(p for p in spec["paths"]["/api/v1/instances"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["maximum"] == MAX_PAGE and page["schema"]["minimum"] == 1


def test_a_form_part_named_by_a_bare_newline_is_invalid_data(app):
    """Found by schemathesis: marshmallow keys the unknown part by None, and the error answer,
    written as JSON with sorted keys, failed with a 500."""
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    body = b'--B\r\nContent-Disposition: form-data; name="\n"\r\n\r\nnull\r\n--B--\r\n'
    response = api(app, ADMIN).post("/api/v1/processes", data=body, content_type="multipart/form-data; boundary=B")
    answer = assert_error_shape(response, 422)
    assert set(answer["errors"]["form"]) == {"_unknown", "township"}
    assert_unchanged(ctx, before)


def test_every_api_blueprint_reads_requests_through_the_guarded_parser(app):
    """A blueprint made with flask_smorest.Blueprint itself would read JSON with the standard
    library again (lone surrogates, 10,000-deep nesting: 500s)."""
    from api.rest.blueprint import Blueprint
    api_blueprints = [bp for name, bp in app.blueprints.items() if bp.url_prefix and bp.url_prefix.startswith("/api/v1")]
    assert api_blueprints and all(isinstance(bp, Blueprint) for bp in api_blueprints), \
        [bp.name for bp in api_blueprints if not isinstance(bp, Blueprint)]


def test_a_calendar_year_nested_ten_thousand_deep_is_a_bad_request(app):
    ctx, before = app.extensions["xiaowei"], snapshot(app.extensions["xiaowei"])
    response = api(app, ADMIN).put("/api/v1/calendar/2027", data=DEEP, content_type="application/json")
    assert_error_shape(response, 400)
    assert_unchanged(ctx, before)
