"""Roles and township parameters over HTTP; a township's change reaches its own new matters only."""



def test_roles_and_parameters(client):
    roles = {r["code"]: r for r in client.get("/api/v1/roles").json}
    assert roles["SUPERVISION_COMMITTEE"] == {"code": "SUPERVISION_COMMITTEE", "name": "村务监督委员会", "level": "village",
                                             "township": None}
    county = {p["name"]: p for p in client.get("/api/v1/parameters").json}
    assert county["party_quorum"]["value"] == "2/3" and county["party_quorum"]["min"] == "2/3"
    town = {p["name"]: p for p in client.get("/api/v1/parameters?township=qingshan_town").json}
    assert town["result_publicity_days"]["value"] == 10 and town["result_publicity_days"]["default"] == 7
    assert client.get("/api/v1/parameters?township=lushui_village").status_code == 404


def test_a_township_change_reaches_its_new_matters_only(client):
    hongqi = client.as_user("hongqi_secretary", ["PARTY_BRANCH"], village="hongqi_village")

    def start(village):
        caller = hongqi if village == "hongqi_village" else client
        return caller.post("/api/v1/instances", json={
            "process_key": "major_decision", "village": village, "subject": "修路", "data": {"summary": "修路"}}).json

    before = start("lushui_village")
    r = client.put("/api/v1/townships/qingshan_town/parameters/resolution_publicity_days", json={"value": 5})
    assert r.status_code == 200
    after, elsewhere = start("lushui_village"), start("hongqi_village")
    assert before["params"]["resolution_publicity_days"] == 3
    assert after["params"]["resolution_publicity_days"] == 5
    assert elsewhere["params"]["resolution_publicity_days"] == 3
    refused = client.put("/api/v1/townships/qingshan_town/parameters/resolution_publicity_days", json={"value": 0})
    assert refused.status_code == 422 and "resolution_publicity_days" in refused.json["errors"]
    history = client.get(f"/api/v1/instances/{after['id']}/history").json
    assert history[0]["payload"]["params"]["resolution_publicity_days"] == 5     # the rule applied is on record
