"""Administrators author township special-list items; any BPMN is accepted or refused cleanly."""
import io
from pathlib import Path

import pytest

from tests.corpus import MIWG_FILES, needs_miwg

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "townships" / "tea_garden_lease.bpmn"


def upload(client, data: bytes, township="qingshan_town", name="item.bpmn", publish=False):
    return client.post("/api/v1/processes" + ("?publish=true" if publish else ""), data={"file": (io.BytesIO(data), name), "township": township},
                       content_type="multipart/form-data")


def test_a_township_administrator_adds_a_special_item_seen_in_that_township_only(client):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    r = upload(admin, FIXTURE.read_bytes(), name="tea_garden_lease.bpmn")
    assert r.status_code == 201, r.json
    assert r.json[0]["key"] == "tea_garden_lease" and r.json[0]["owner_org"] == "qingshan_town"
    assert r.json[0]["state"] == "draft"
    here = client.as_user("lushui_vc", ["VILLAGE_COMMITTEE"])
    there = client.as_user("hongqi_vc", ["VILLAGE_COMMITTEE"], village="hongqi_village")
    assert here.get("/api/v1/processes/tea_garden_lease").status_code == 404        # a draft: not yet
    published = admin.post(f"/api/v1/processes/tea_garden_lease/versions/{r.json[0]['version_id']}/publish")
    assert published.status_code == 200 and published.json["state"] == "published", published.json
    assert here.get("/api/v1/processes/tea_garden_lease").status_code == 200
    assert there.get("/api/v1/processes/tea_garden_lease").status_code == 404
    assert "tea_garden_lease" not in str(there.get("/api/v1/processes").json)
    start = {"process_key": "tea_garden_lease", "subject": "2026年茶园发包", "data": {}}
    assert here.post("/api/v1/instances", json={**start, "village": "lushui_village"}).status_code == 201
    assert there.post("/api/v1/instances", json={**start, "village": "hongqi_village"}).status_code == 422
    again = upload(admin, FIXTURE.read_bytes().replace("已发包".encode(), "发包完成".encode()),
                   name="tea_garden_lease.bpmn", publish=True)
    assert again.status_code == 201 and again.json[0]["version_id"] != r.json[0]["version_id"]
    assert again.json[0]["state"] == "published"


def test_only_its_administrator_may_add_to_a_townships_list(client):
    assert upload(client.as_user("clerk", ["VILLAGE_COMMITTEE"]), FIXTURE.read_bytes()).status_code == 403
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    assert upload(other, FIXTURE.read_bytes()).status_code == 403


def test_a_township_item_may_not_take_a_county_items_key(client):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    clash = FIXTURE.read_bytes().replace(b'id="tea_garden_lease"', b'id="major_decision"')
    r = upload(admin, clash)
    assert r.status_code == 422 and r.json["errors"]["element"] == "major_decision"


@pytest.mark.parametrize("bad, problem", [
    (b"<bpmn:definitions", "XML"),
    (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "DOCTYPE"),
    (FIXTURE.read_bytes().replace(b'<bpmn:userTask id="award" name="\xe7\xa1\xae\xe5\xae\x9a\xe6\x89\xbf\xe5\x8c\x85\xe4\xba\xba">',
                                  b'<bpmn:scriptTask id="award" name="x"><bpmn:script>import os</bpmn:script></bpmn:scriptTask><bpmn:userTask id="award2" name="y">'), "脚本"),
])
def test_bad_files_are_refused_with_the_problem_named(client, bad, problem):
    r = upload(client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"]), bad)
    assert r.status_code == 422 and problem in r.json["message"]


@needs_miwg
@pytest.mark.parametrize("path", MIWG_FILES or [None], ids=lambda p: p.stem if p else "none")
def test_every_interchange_reference_model_is_accepted_or_refused_cleanly(client, path):
    r = upload(client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"]), path.read_bytes(), name=path.name)
    assert r.status_code in (201, 422), r.get_data(as_text=True)
    if r.status_code == 422:
        assert r.json["errors"]["file"].endswith(path.name) and r.json["errors"]["problem"]
