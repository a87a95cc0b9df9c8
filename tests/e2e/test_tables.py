"""Household lists (table fields) over HTTP, with the batch item 惠农补贴清册发放 (farm_subsidy_roster):
a list uploaded with errors is refused naming every bad row, then a good one (GBK CSV on the page,
XLSX and JSON rows over the API) starts the matter; the pages show the list and its whole CSV; the
API reads a file into checked rows and describes the columns."""
from __future__ import annotations

import csv
import html
import io

import pytest

from engine.services.demo_answers import FARM_ROSTER_ROWS
from tests.browser.web import WebClient

from .conftest import PASSWORD, ApiClient, make_user

KEY = "farm_subsidy_roster"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HEADER = ["户主姓名", "身份证号码", "村民小组", "承包合同编号", "补贴面积（亩）", "补贴金额（元）", "一卡通账号"]
NAMES = ["household_head", "id_number", "villager_group", "contract_no", "area", "amount", "card_account"]
TOTAL = sum(r["amount"] for r in FARM_ROSTER_ROWS)          # 2156.25


def csv_file(rows: list[list], header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def good_lines() -> list[list]:
    return [[r[n] for n in NAMES] for r in FARM_ROSTER_ROWS]


def bad_lines() -> list[list]:
    lines = good_lines()
    lines[1][1] = lines[1][1][:-1] + ("1" if lines[1][1][-1] != "1" else "2")     # check character wrong
    lines[2][5] = "六百元"                                                        # not an amount
    lines[3][0] = ""                                                             # no name
    lines[3][1] = lines[0][1]                                                    # the first household's ID again
    return lines


ROW_ERRORS = ["第 2 行 身份证号码：校验位不符", "第 3 行 补贴金额（元）：应为金额", "第 4 行 户主姓名：为必填项",
              "第 4 行 身份证号码：与第 1 行重复"]


@pytest.fixture
def web(client) -> WebClient:
    make_user(client.ctx, "baozhang", ("REPORTING_CLERK",))
    browser = WebClient(client.app)
    assert browser.login("baozhang", PASSWORD).status_code == 302
    return browser


def start_form(file: bytes, name: str = "清册.csv", total=TOTAL, count=4) -> dict:
    return {"village": "lushui_village", "subject": "绿水村2026年耕地地力保护补贴清册", "data.subsidy_year": "2026",
            "data.household_count": str(count), "data.roster_total": str(total),
            "data.roster": (io.BytesIO(file), name), "data.ledger_extract": (io.BytesIO(PDF), "台账摘录.pdf")}


def test_the_page_refuses_a_list_naming_every_bad_row_then_starts_with_a_good_one(client, web):
    form = web.get(f"/start/{KEY}").get_data(as_text=True)
    assert 'type="file" id="f-roster"' in form and "户主姓名、身份证号码、村民小组" in form
    template = web.get(f"/start/{KEY}/tables/roster/template.csv")
    assert template.status_code == 200 and template.get_data().decode("utf-8-sig").strip() == ",".join(HEADER)

    refused = web.post(f"/start/{KEY}", start_form(csv_file(bad_lines())), content_type="multipart/form-data")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "清册有 4 处错误" in page
    for error in ROW_ERRORS:
        assert error in page, error

    unknown = web.post(f"/start/{KEY}", start_form(csv_file(good_lines(), header=[*HEADER[:-1], "银行卡号"])),
                       content_type="multipart/form-data")
    assert unknown.status_code == 422
    assert "表头中有不认识的列：银行卡号" in unknown.get_data(as_text=True)
    assert "缺少列：一卡通账号" in unknown.get_data(as_text=True)

    wrong_total = web.post(f"/start/{KEY}", start_form(csv_file(good_lines()), total=2156.26),
                           content_type="multipart/form-data")
    assert wrong_total.status_code == 422 and "2,156.25" in wrong_total.get_data(as_text=True)
    # the rows read are kept on the page: the corrected total alone starts the matter
    kept = wrong_total.get_data(as_text=True)
    assert "已有清册 4 行" in kept and 'name="data.roster.rows"' in kept

    done = web.post(f"/start/{KEY}", start_form(csv_file(good_lines(), encoding="gbk"), name="清册（GBK）.csv"),
                    content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)
    matter_id = int(done.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    matter = client.get(f"/api/v1/instances/{matter_id}").get_json()
    assert [r["household_head"] for r in matter["data"]["roster"]] == ["刘长根", "陈桂芬", "孙德福", "周明"]
    assert matter["data"]["roster"][3]["amount"] == 343.75

    page = web.get(f"/matters/{matter_id}").get_data(as_text=True)
    assert "共 4 行" in page and "补贴金额（元）合计 2,156.25 元" in page and "110101198511090065" in page
    download = web.get(f"/matters/{matter_id}/tables/roster.csv")
    assert download.status_code == 200 and download.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig"))))
    assert lines[0] == HEADER and len(lines) == 5 and lines[4][1] == "110101198511090065"
    assert web.get(f"/matters/{matter_id}/tables/ledger_extract.csv").status_code == 404

    # the 村监委 checks the list on the step page
    make_user(client.ctx, "jianwei", ("SUPERVISION_COMMITTEE",))
    checker = WebClient(client.app)
    assert checker.login("jianwei", PASSWORD).status_code == 302
    (step,) = matter["ready_steps"]
    step_page = checker.get(f"/tasks/{step['id']}").get_data(as_text=True)
    assert "孙德福" in step_page and "下载全部（CSV）" in step_page
    returned = checker.post(f"/tasks/{step['id']}", {"data.sc_check_result": "return", "data.sc_check_opinion": "第4户金额有误"})
    assert returned.status_code == 302, returned.get_data(as_text=True)

    # the 报账员 corrects one row: the page starts from the current list; a corrected file replaces it
    (correct,) = client.get(f"/api/v1/instances/{matter_id}").get_json()["ready_steps"]
    assert correct["step_id"] == "correct_roster"
    correction_page = web.get(f"/tasks/{correct['id']}").get_data(as_text=True)
    assert "已有清册 4 行（不重新选择文件则保留）" in correction_page
    lines = good_lines()
    lines[3][5] = "350"
    fixed = web.post(f"/tasks/{correct['id']}", {
        "data.roster": (io.BytesIO(csv_file(lines, encoding="utf-8-sig")), "更正.csv"), "data.household_count": "4",
        "data.roster_total": "2162.5", "data.correction_note": "第4户金额按台账更正为350元"},
        content_type="multipart/form-data")
    assert fixed.status_code == 302, fixed.get_data(as_text=True)
    after = client.get(f"/api/v1/instances/{matter_id}").get_json()
    assert after["data"]["roster"][3]["amount"] == 350 and [s["step_id"] for s in after["ready_steps"]] == ["sc_check"]


def test_a_page_keeps_the_rows_of_a_refused_try(client, web):
    refused = web.post(f"/start/{KEY}", start_form(csv_file(good_lines()), count=5), content_type="multipart/form-data")
    assert refused.status_code == 422
    kept = refused.get_data(as_text=True).split('name="data.roster.rows" value="', 1)[1].split('"', 1)[0]
    again = {**start_form(b""), "data.roster.rows": html.unescape(kept)}
    del again["data.roster"]
    done = web.post(f"/start/{KEY}", again, content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)


def test_the_api_reads_a_file_into_checked_rows_and_takes_rows_as_json(client: ApiClient):
    item = client.get(f"/api/v1/processes/{KEY}").get_json()
    (roster,) = [f for f in item["start_form"] if f["name"] == "roster"]
    assert roster["type"] == "table" and roster["max_rows"] == 5000
    assert [(c["name"], c["type"], c["label"]) for c in roster["columns"]][:2] == [
        ("household_head", "string", "户主姓名"), ("id_number", "idcard", "身份证号码")]

    bad = client.post(f"/api/v1/processes/{KEY}/tables/roster", data={"file": (io.BytesIO(csv_file(bad_lines())), "x.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422
    message = bad.get_json()["errors"]["roster"]
    for error in ROW_ERRORS:
        assert error in message, error

    from openpyxl import Workbook
    book = Workbook()
    book.active.append(NAMES)                                   # a header of column names works too
    for line in good_lines():
        book.active.append(line)
    xlsx = io.BytesIO()
    book.save(xlsx)
    read = client.post(f"/api/v1/processes/{KEY}/tables/roster", data={"file": (io.BytesIO(xlsx.getvalue()), "清册.xlsx")},
                       content_type="multipart/form-data")
    assert read.status_code == 200, read.get_json()
    rows = read.get_json()["rows"]
    assert read.get_json()["count"] == 4 and rows[0]["id_number"] == "110101196204150030" and rows[0]["amount"] == 812.5

    evidence = client.post("/api/v1/attachments", data={"file": (io.BytesIO(PDF), "台账摘录.pdf")},
                           content_type="multipart/form-data").get_json()["id"]
    body = {"process_key": KEY, "village": "lushui_village", "subject": "绿水村2026年耕地地力保护补贴清册",
            "data": {"subsidy_year": 2026, "roster": [*rows[:3], {**rows[3], "id_number": rows[0]["id_number"]}],
                     "household_count": 4, "roster_total": TOTAL, "ledger_extract": [evidence]}}
    refused = client.post("/api/v1/instances", json=body)
    assert refused.status_code == 422
    assert refused.get_json()["errors"]["roster"].endswith("第 4 行 身份证号码：与第 1 行重复")
    body["data"]["roster"] = rows
    started = client.post("/api/v1/instances", json=body)
    assert started.status_code == 201, started.get_json()
    matter_id = started.get_json()["id"]
    whole = client.get(f"/api/v1/instances/{matter_id}/tables/roster.csv")
    assert whole.status_code == 200 and whole.get_data().decode("utf-8-sig").count("\r\n") == 5
    template = client.get(f"/api/v1/processes/{KEY}/tables/roster/template.csv")
    assert template.get_data().decode("utf-8-sig").strip() == ",".join(HEADER)

    (step,) = started.get_json()["ready_steps"]
    assert client.post(f"/api/v1/tasks/{step['id']}/tables/roster", data={"file": (io.BytesIO(b"x"), "x.csv")},
                       content_type="multipart/form-data").status_code == 404, "sc_check has no list"
    assert client.anonymous().get(f"/api/v1/instances/{matter_id}/tables/roster.csv").status_code == 401
