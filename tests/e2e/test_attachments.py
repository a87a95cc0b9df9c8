"""Evidence files over HTTP: upload, cite in a form, download."""
import io


PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


def upload(client, name="会议记录.pdf", data=PDF):
    return client.post("/api/v1/attachments", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def start_project(client, documents):
    return client.post("/api/v1/instances", json={
        "process_key": "village_project", "village": "lushui_village", "subject": "村道硬化",
        "data": {"project_name": "村道", "summary": "1公里", "amount": 30000, "funding_source": "collective",
                 "industry_dept": "transport", "plan_documents": documents}})


def test_upload_cite_and_download(client):
    r = upload(client)
    assert r.status_code == 201
    meta = r.json
    assert meta["name"] == "会议记录.pdf" and meta["size"] == len(PDF) and len(meta["sha256"]) == 64
    started = start_project(client, [meta["id"]])
    assert started.status_code == 201, started.json
    matter = client.get(f"/api/v1/instances/{started.json['id']}").json
    assert [a["id"] for a in matter["attachments"]] == [meta["id"]]
    got = client.get(f"/api/v1/attachments/{meta['id']}")
    assert got.status_code == 200 and got.data == PDF and got.mimetype == "application/pdf"
    disposition = got.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    disposition.encode("latin-1")          # a real server can send it: no raw Chinese in the header
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    # a file already cited by one matter cannot be cited by another
    again = start_project(client, [meta["id"]])
    assert again.status_code == 422 and "plan_documents" in again.json["errors"]


def test_citing_an_unknown_file_is_refused_and_nothing_is_saved(client):
    r = start_project(client, ["0" * 32])
    assert r.status_code == 422 and "不存在" in r.json["errors"]["plan_documents"]
    assert client.get("/api/v1/instances").json == []


def test_bad_uploads(client):
    assert upload(client, "x.html", b"<html></html>").status_code == 422
    assert upload(client, "fake.pdf", b"<html></html>").json["errors"]["file"] == "文件内容不是 .pdf 格式"
    no_file = client.post("/api/v1/attachments", data={}, content_type="multipart/form-data")
    assert no_file.status_code == 422
    assert client.get("/api/v1/attachments/nothing").status_code == 404
