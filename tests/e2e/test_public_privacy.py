"""The privacy scan: walk the whole demo (every demo matter of 绿水村 through its steps, with fake ID
numbers, phone numbers and bank accounts in its data, in fields that are masked, never published
or typed into free text), file an objection online with a name and phone, then fetch every public
page, JSON answer and document and find no ID number, mobile number or bank account in any of them.
The same scan run over the workspace API's view of the same matters does find them: it would
catch a leak."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from api import create_app
from engine.services.complaints.demo import CASES, seed_demo_complaints
from engine.services.complaints.worker import run_complaint_jobs
from engine.services.demo_answers import FARM_ROSTER_ROWS
from engine.services.demo_walk import VILLAGE
from engine.store.models import PublishedRecord
from tests.e2e.conftest import make_user
from api.public.export import export_county
from engine.services import anchors
from engine.services.public import board
from render.board import render_board
from engine.services import Context
from tests.conftest import BACKENDS
from tests.e2e.public_helpers import TOKEN, crawl, pdf_text, personal_numbers, walked_database
from tests.settings import TEST_SETTINGS

SECTIONS = ("projects", "results", "assets", "affairs")


@pytest.fixture
def walked(walked_db):
    ctx = Context(walked_db, TEST_SETTINGS)
    return create_app({"TESTING": True, "SECRET_KEY": "privacy-scan"}, context=ctx), ctx


@pytest.fixture(scope="module", params=BACKENDS)
def scanned(request, tmp_path_factory):
    """One crawl for the two scans of every public response below (a crawl takes tens of seconds):
    the walked demo, an objection filed online with a name and phone, the demo's complaints and one
    filed on the portal with a name and phone, then every public page, answer and document, the
    public complaint list and the filer's lookup of her case. (pages, the case's code)."""
    with walked_database(request, tmp_path_factory, "privacy") as (ctx, _):
        client = create_app({"TESTING": True, "SECRET_KEY": "privacy-scan"}, context=ctx).test_client()
        (token, *_) = TOKEN.findall(client.get(f"/public/{VILLAGE}/publicity").get_data(as_text=True))
        assert client.post("/public/objections", data={"token": token, "text": "申请人有车辆，联系我13912345678",
                                                       "name": "赵六", "phone": "13912345678"}).status_code == 303
        seed_demo_complaints(ctx)                  # the bot's, the clerk's, 桃花村's: names and phones given
        form = client.get(f"/public/{VILLAGE}/complaints/new").get_data(as_text=True)
        (token,) = TOKEN.findall(form)
        filed = client.post("/public/complaints", data={
            "token": token, "category": "conduct", "content": "村干部吃拿卡要，我是钱多多，电话13912345678",
            "name": "钱多多", "phone": "13912345678", "publish_consent": "on"})
        assert filed.status_code == 200
        code = filed.get_data(as_text=True).split('id="lookup-code">')[1].split("<")[0]
        run_complaint_jobs(ctx)
        pages = every_public_response(client, ctx)
        pages[f"/public/{VILLAGE}/complaints"] = client.get(f"/public/{VILLAGE}/complaints")
        pages[f"lookup {code}"] = client.post("/public/complaints/lookup", data={"code": code})
        yield pages, code


def every_public_response(client, ctx) -> dict:
    pages = crawl(client)
    villages = [v["code"] for c in client.get("/public/api/villages").json["counties"] for t in c["children"]
                for v in t["children"]]
    for village in villages:
        pages.update(crawl(client, f"/public/{village}"))
        for url in (f"/public/api/{village}/power-list", f"/public/api/{village}/publicity",
                    f"/public/api/{village}/complaints",
                    *(f"/public/api/{village}/{s}" for s in SECTIONS), *(f"/public/api/{village}/{s}?page=2" for s in SECTIONS)):
            pages[url] = client.get(url)
    pages["/public/api/villages"] = client.get("/public/api/villages")
    pages["/public?q=村"] = client.get("/public?q=村")
    for village in villages:          # a village's search, with words that find records of every kind
        for words in ("公示", "结果", "公开", "审核", "申请"):
            pages[f"/public/{village}/search?q={words}"] = client.get(f"/public/{village}/search?q={words}")
    # The notice board online and the verification of every code on it (the crawl reaches them by
    # the pages' own links too), and the audit anchors.
    for village in villages:
        for period in board.periods(ctx, village):
            found = client.get(f"/public/api/{village}/board/{period}")
            pages[f"/public/api/{village}/board/{period}"] = found
            for entry in found.json["entries"]:
                pages[f"/public/api/verify/{entry['code']}"] = client.get(f"/public/api/verify/{entry['code']}")
    pages["/public/api/anchors"] = client.get("/public/api/anchors")
    return pages


def test_no_public_page_answer_or_document_shows_an_id_number_phone_or_bank_account(scanned):
    pages, _ = scanned
    documents = [u for u in pages if "/documents/" in u]
    assert len(pages) > 100 and len(documents) >= 8, (len(pages), len(documents))
    leaks = []
    for url, response in pages.items():
        assert response.status_code == 200, url
        shown = response.get_data().decode("utf-8", errors="replace") + " " + " ".join(
            f"{k}: {v}" for k, v in response.headers.items())
        leaks += [(url, *found) for found in personal_numbers(shown)]
    assert leaks == []
    # The batch item's list is published row by row (names partly hidden, areas, amounts), and not
    # one of its ID numbers, card accounts or contract numbers, even cut to a masked form.
    rosters = [r.get_data(as_text=True) for r in pages.values() if r.mimetype == "text/html"
               and '<table class="roster">' in r.get_data(as_text=True)]
    assert rosters and all("刘*根" in text and "343.75 元" in text for text in rosters)
    assert any("惠农补贴清册公示" in text and "共 4 行；补贴面积合计 17.25；补贴金额合计 2,156.25 元" in text
               for text in rosters)
    for row in FARM_ROSTER_ROWS:
        for secret in (row["id_number"], "*" + row["id_number"][-4:], row["card_account"], row["contract_no"]):
            assert [u for u, r in pages.items() if secret in r.get_data(as_text=True)] == [], secret
        tables = [part.split("</table>", 1)[0] for text in rosters for part in text.split('<table class="roster">')[1:]]
        assert not any(row["household_head"] in table for table in tables), row["household_head"]
    # What only the 村监委 may see: the objector's name and number never reach a public page.
    assert not any("赵六" in r.get_data(as_text=True) for r in pages.values() if r.mimetype != "application/pdf")


def test_no_board_sheet_verify_page_or_exported_file_shows_one_either(walked, tmp_path):
    """The printed board (its PDF's text, read back with pypdf), every verify page and answer, the
    anchors, and every file of the county's static export."""
    app, ctx = walked
    anchors.anchor_days(ctx)
    leaks, sheets = [], 0
    for village in ("lushui_village", "taohua_village", "hongqi_village"):
        for period in board.periods(ctx, village):
            found = board.board(ctx, village, period)
            text = pdf_text(render_board(found, "https://xw.example.cn", "A4"))
            sheets += found.count
            leaks += [(village, period, *hit) for hit in personal_numbers(text)]
            # a line the printer wrapped is joined again, so a number cut in two is still caught
            leaks += [(village, period, *hit) for hit in personal_numbers(text.replace("\n", ""))]
    assert sheets > 50, sheets
    export_county(app, "示范县", tmp_path / "portal", "https://xw.example.cn")
    for path in (tmp_path / "portal").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            shown = pdf_text(data) if data.startswith(b"%PDF") and b"NotoSans" in data else data.decode("utf-8", "replace")
            leaks += [(str(path), *hit) for hit in personal_numbers(shown)]
    assert leaks == []


def test_every_published_record_in_the_store_is_clean_too(walked):
    """Withdrawn records and any the pages do not reach included."""
    _, ctx = walked
    with ctx.uow() as uow:
        rows = [(r.id, r.subject, r.fields, r.documents) for r in uow.session.scalars(select(PublishedRecord))]
    assert len(rows) > 50
    assert [(row[0], found) for row in rows for found in personal_numbers(str(row))] == []


def test_the_scan_would_catch_a_leak(walked):
    """The demo's data does hold such numbers: the workspace API (logged in, in scope) shows them."""
    app, ctx = walked
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_user(ctx, 'auditor', ['TOWNSHIP_DISCIPLINE'])}"}
    found = set()
    for matter in client.get("/api/v1/instances?page_size=100", headers=headers).json:
        detail = client.get(f"/api/v1/instances/{matter['id']}", headers=headers).get_data(as_text=True)
        found |= {kind for kind, _ in personal_numbers(detail)}
    assert found == {"18-digit ID number", "mobile phone", "bank account"}


# -- complaints (issue 11): the reporter is never shown, not even to the holder of the 查询码 --------
REPORTER_NAMES = [reporter["name"] for *_, reporter, _, _, _ in CASES if reporter.get("name")] + ["钱多多"]


def test_no_public_complaint_page_shows_a_reporter(scanned):
    pages, code = scanned
    assert any("/complaints" in url for url in pages)
    assert "干部作风" in pages[f"lookup {code}"].get_data(as_text=True)           # the holder sees their case
    public = pages[f"/public/{VILLAGE}/complaints"].get_data(as_text=True)
    assert "保洁费" in public                                                    # a published, anonymised case
    leaks = []
    for url, response in pages.items():
        assert response.status_code == 200, url
        shown = response.get_data().decode("utf-8", errors="replace")
        leaks += [(url, *found) for found in personal_numbers(shown)]
        leaks += [(url, "name", name) for name in REPORTER_NAMES if name in shown and response.mimetype != "application/pdf"]
    assert leaks == []
