"""Issue 9 item 6: an attachment belongs to its uploader until a matter cites it. Citing someone
else's unused file, or a file another matter already cites, is refused exactly like an unknown id
(the same message: nobody learns that the id exists or where it is used); another village's step
or file is a 404 that does not name the matter behind it."""
from __future__ import annotations

import io

import pytest

from engine.services import Actor, matters

from .conftest import (CLERK, COUNCIL, FAR_CLERK, PROJECT, api, assert_error_page, assert_error_shape,
                       assert_unchanged, snapshot, web)

PDF = b"%PDF-1.4\n%%EOF\n"
VOTE = {"council_members": 25, "council_attendees": 21, "council_for": 18, "council_minutes": "表决记录"}
UNKNOWN = "0123456789abcdef0123456789abcdef"


def upload(client) -> str:
    r = client.post("/api/v1/attachments", data={"file": (io.BytesIO(PDF), "签到表.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 201, r.json
    return r.json["id"]


def cite(client, task: str, attachment_id: str):
    return client.post(f"/api/v1/tasks/{task}/complete", json={"data": {**VOTE, "council_ballots_file": [attachment_id]}})


def refusal(response, attachment_id: str) -> str:
    """The field's message with the cited id taken out, to compare refusals of different ids."""
    body = assert_error_shape(response, 422)
    return body["errors"]["council_ballots_file"].replace(attachment_id, "<id>")


def test_citing_another_users_unused_file_is_refused_like_an_unknown_id(app, matter):
    ctx = app.extensions["xiaowei"]
    someone_elses = upload(api(app, CLERK))                 # uploaded by the clerk, cited by no matter
    before = snapshot(ctx)
    council, task = api(app, COUNCIL), matter.ready_steps[0].id
    unknown = refusal(cite(council, task, UNKNOWN), UNKNOWN)
    assert refusal(cite(council, task, someone_elses), someone_elses) == unknown
    assert_unchanged(ctx, before)                           # still unlinked, still the clerk's
    assert api(app, COUNCIL).get(f"/api/v1/attachments/{someone_elses}").status_code == 404


def test_citing_a_file_another_matter_uses_is_refused_like_an_unknown_id(app, matter):
    ctx = app.extensions["xiaowei"]
    council = api(app, COUNCIL)
    mine = upload(council)
    done = cite(council, matter.ready_steps[0].id, mine)
    assert done.status_code == 200                          # now cited by the first matter
    second = matters.start_matter(ctx, Actor.system(), "village_project", "lushui_village", "第二条路", PROJECT)
    before, task = snapshot(ctx), second.ready_steps[0].id
    unknown = refusal(cite(council, task, UNKNOWN), UNKNOWN)
    assert refusal(cite(council, task, mine), mine) == unknown      # even to its uploader
    assert_unchanged(ctx, before)


def test_the_uploader_cites_their_own_file(app, matter):
    council = api(app, COUNCIL)
    mine = upload(council)
    done = cite(council, matter.ready_steps[0].id, mine)
    assert done.status_code == 200
    assert [a["id"] for a in council.get(f"/api/v1/instances/{matter.id}").json["attachments"]] == [mine]


@pytest.mark.parametrize("action", ["get", "complete", "claim", "release"])
def test_another_villages_step_is_not_found_without_naming_its_matter(app, matter, action):
    ctx = app.extensions["xiaowei"]
    before, far, task = snapshot(ctx), api(app, FAR_CLERK), matter.ready_steps[0].id
    missing = "00000000-0000-0000-0000-000000000000"

    def ask(task_id):
        if action == "get":
            return far.get(f"/api/v1/tasks/{task_id}")
        return far.post(f"/api/v1/tasks/{task_id}/{action}", json={"data": VOTE} if action == "complete" else None)
    theirs, nothing = assert_error_shape(ask(task), 404), assert_error_shape(ask(missing), 404)
    assert theirs["message"] == nothing["message"].replace(missing, task)
    assert f"事项 {matter.id}" not in theirs["message"]
    assert_unchanged(ctx, before)


def test_another_villages_step_page_does_not_name_its_matter(app, matter):
    ctx = app.extensions["xiaowei"]
    before, task = snapshot(ctx), matter.ready_steps[0].id
    text = assert_error_page(web(app, FAR_CLERK).get(f"/tasks/{task}"), 404)
    assert f"找不到步骤 {task}" in text and f"事项 {matter.id}" not in text
    assert_unchanged(ctx, before)


def test_another_villages_file_is_not_found_without_naming_its_matter(app, matter):
    ctx = app.extensions["xiaowei"]
    council = api(app, COUNCIL)
    cited = upload(council)
    assert cite(council, matter.ready_steps[0].id, cited).status_code == 200
    before = snapshot(ctx)
    theirs = assert_error_shape(api(app, FAR_CLERK).get(f"/api/v1/attachments/{cited}"), 404)
    nothing = assert_error_shape(api(app, FAR_CLERK).get(f"/api/v1/attachments/{UNKNOWN}"), 404)
    assert theirs["message"] == nothing["message"].replace(UNKNOWN, cited)
    assert_unchanged(ctx, before)
