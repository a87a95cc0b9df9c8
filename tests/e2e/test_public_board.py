"""The notice board (一栏) and the portal (一网) say the same thing, on SQLite and PostgreSQL: the
board's PDF (read back with pypdf), the portal's online board and its JSON list the same entries
with the same verification codes; every code verifies at /public/verify/<code>; an UPDATE made in
the database behind the system's back makes the code fail; the clerk's page prints the same
sheets; `xiaowei board` writes them. Bad input is a Chinese 4xx."""
from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from sqlalchemy import text

from api import create_app
from api.cli import cli
from engine.disclosure import content_hash
from engine.services import Actor, matters
from engine.services.demo import seed_demo
from engine.services.demo_answers import DIBAO_WANG
from engine.services.demo_walk import Scene
from engine.services.public import board
from engine.store.models import PublishedRecord
from render.board import render_board
from tests.browser.web import WebClient
from tests.conftest import BACKENDS
from tests.e2e.public_helpers import pdf_text, walk_one, walked_database

VILLAGE = "lushui_village"
CODE = re.compile(r"[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}")
PAGE_CODE = re.compile(r'class="verify-code">([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})<')


def pdf_codes(data: bytes) -> list[str]:
    return re.findall(r"核验码\s*(" + CODE.pattern + ")", pdf_text(data))


@pytest.fixture(scope="module", params=BACKENDS)
def walked(request, tmp_path_factory):
    with walked_database(request, tmp_path_factory, "board") as (ctx, database):
        yield create_app({"TESTING": True, "SECRET_KEY": "board-test"}, context=ctx), ctx, database


def busiest_period(ctx) -> str:
    """The month most of the walked demo was published in (the walk runs over weeks before now)."""
    return max(board.periods(ctx, VILLAGE), key=lambda p: board.board(ctx, VILLAGE, p).count)


def test_the_board_pdf_and_the_portal_list_the_same_entries_with_the_same_codes(walked):
    app, ctx, _ = walked
    client = app.test_client()
    period = busiest_period(ctx)
    found = board.board(ctx, VILLAGE, period)
    assert found.count >= 20, found.count
    online = client.get(f"/public/api/{VILLAGE}/board/{period}").json
    page = client.get(f"/public/{VILLAGE}/board/{period}").get_data(as_text=True)
    for paper in ("A3", "A4"):
        printed = pdf_codes(render_board(found, "https://xw.example.cn", paper))
        assert printed == [e["code"] for e in online["entries"]] == PAGE_CODE.findall(page), paper
    assert len(set(printed)) == len(printed)
    # The same parts and headings, in the same order, on paper and online.
    text_ = pdf_text(render_board(found, "https://xw.example.cn", "A3"))
    lines = [line.strip() for line in text_.splitlines()]
    assert lines.index("党务公开") < lines.index("村务公开") < lines.index("财务公开")
    assert "本期无公开事项" in text_, "an empty part says so (no 党务 item publishes in the demo)"
    for entry in online["entries"]:
        assert f"【{ {'fixed': '固定公开', 'periodic': '定期公开', 'immediate': '即时公开'}[entry['timing']] }】{entry['heading']}" in text_
    # Each entry's code is the one its record shows on the portal's own pages.
    for entry in online["entries"][:10]:
        part = {"project": "projects", "service_result": "results", "asset": "assets", "village_affairs": "affairs"}[entry["section"]]
        shown = client.get(f"/public/{VILLAGE}/{part}/{entry['matter_id']}").get_data(as_text=True)
        assert entry["code"] in PAGE_CODE.findall(shown)


def test_the_board_prints_each_entrys_qr_code_to_its_verify_page_and_the_anchor(walked):
    _, ctx, _ = walked
    from engine.services import anchors
    anchors.anchor_days(ctx)
    found = board.board(ctx, VILLAGE, busiest_period(ctx))
    data = render_board(found, "https://xw.example.cn", "A4")
    reader = PdfReader(io.BytesIO(data))
    images = sum(len(page.images) for page in reader.pages)
    assert images == found.count, "one QR code per entry"
    words = pdf_text(data)
    assert f"审计链锚点：{found.anchor.day}" in words and found.anchor.hash in words.replace("\n", "")
    assert "村务监督委员会审核" in words and "https://xw.example.cn/public/verify" in words


def test_every_printed_code_verifies_online(walked):
    app, ctx, _ = walked
    client = app.test_client()
    period = busiest_period(ctx)
    for entry in board.board(ctx, VILLAGE, period).entries:
        answer = client.get(f"/public/api/verify/{entry.code}").json
        assert answer["status"] == "current" and answer["ok"] and answer["chain_ok"], entry.code
        assert answer["record"]["id"] == entry.id and answer["content_sha256"].startswith(entry.code.replace("-", ""))
    code = entry.code
    page = client.get(f"/public/verify/{code}")
    assert page.status_code == 200 and "一致：打印内容与线上记录相同" in page.get_data(as_text=True)
    # typed by hand: upper case, spaces instead of dashes
    assert client.get(f"/public/api/verify/{code.upper().replace('-', ' ')}").json["status"] == "current"
    again = client.get(f"/public/verify/{code}", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("url, status, words", [
    ("/public/verify/not-a-code", 422, "核验码格式不对"),
    ("/public/verify/0000-0000-0000", 200, "查无此码"),
    (f"/public/{VILLAGE}/board/2026-13", 422, "公开期次有误"),
    (f"/public/{VILLAGE}/board/yesterday", 422, "公开期次有误"),
    ("/public/no_such_village/board/2026-11", 404, "找不到"),
    ("/public/api/verify/%00", 400, "请求未能完成"),      # NUL: refused app-wide before any view
])
def test_bad_input_is_a_chinese_4xx(walked, url, status, words):
    app, _, _ = walked
    response = app.test_client().get(url)
    assert response.status_code == status and words in response.get_data(as_text=True), response.get_data(as_text=True)[:300]


def test_a_quarter_board_holds_its_three_months(walked):
    _, ctx, _ = walked
    period = busiest_period(ctx)
    year, month = map(int, period.split("-"))
    quarter = board.board(ctx, VILLAGE, f"{year}-Q{(month - 1) // 3 + 1}")
    months = [board.board(ctx, VILLAGE, f"{year}-{m:02d}") for m in range(3 * ((month - 1) // 3) + 1, 3 * ((month - 1) // 3) + 4)]
    assert {e.code for e in quarter.entries} == {e.code for b in months for e in b.entries}
    assert quarter.period.name.endswith("季度")


def test_the_clerks_page_previews_and_prints_the_same_board(walked):
    app, ctx, _ = walked
    seed_demo(ctx, Actor.system())
    period = busiest_period(ctx)
    web = WebClient(app)
    web.login("two_committees.lushui_village")
    page = web.get(f"/board?village={VILLAGE}&period={period}&paper=A4").get_data(as_text=True)
    codes = re.findall(r"<code>(" + CODE.pattern + ")</code>", page)
    assert "村务公开栏" in page and "下载 A4 张贴稿" in page and len(codes) >= 20
    pdf = web.get(f"/board/{VILLAGE}/{period}.pdf?paper=A4")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and "attachment" in pdf.headers["Content-Disposition"]
    assert sorted(pdf_codes(pdf.data)) == sorted(codes)
    assert PdfReader(io.BytesIO(pdf.data)).pages[0].mediabox.height == pytest.approx(841.89, abs=1), "A4 portrait"
    assert web.get(f"/board?village={VILLAGE}&period=2026-99").status_code == 422
    assert web.get(f"/board/hongqi_village/{period}.pdf").status_code == 404, "a village outside the clerk's reach"


def test_xiaowei_board_writes_the_sheets(walked, tmp_path, monkeypatch):
    _, ctx, database = walked
    if not database.url.startswith("sqlite"):
        pytest.skip("the CLI reads XIAOWEI_DATABASE_URL; once is enough")
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", database.url)
    monkeypatch.setenv("XIAOWEI_PUBLIC_URL", "https://xw.example.cn/")
    period = busiest_period(ctx)
    out = tmp_path / "board.pdf"
    run = CliRunner().invoke(cli, ["board", VILLAGE, "--period", period, "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert "https://xw.example.cn/public/verify/" in run.output
    reader = PdfReader(str(out))
    assert reader.pages[0].mediabox.height == pytest.approx(1190.55, abs=1), "A3 portrait by default"
    assert pdf_codes(out.read_bytes()) == [e.code for e in board.board(ctx, VILLAGE, period).entries]
    refused = CliRunner().invoke(cli, ["board", VILLAGE, "--period", "11/2026", "-o", str(out)])
    assert refused.exit_code != 0


# -- tampering ------------------------------------------------------------------------------------
@pytest.fixture
def published(ctx):
    """A 低保 notice published (in its publicity period), and a portal client."""
    matter = walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"))
    app = create_app({"TESTING": True, "SECRET_KEY": "board-test"}, context=ctx)
    # published a few days back: this month's board or last month's
    entry = next(e for p in board.periods(ctx, VILLAGE) for e in board.board(ctx, VILLAGE, p).entries
                 if e.matter_id == matter.id)
    return app.test_client(), ctx, matter, entry


def test_an_update_behind_the_systems_back_makes_the_code_fail(published):
    client, ctx, _, entry = published
    before = client.get(f"/public/verify/{entry.code}")
    assert client.get(f"/public/api/verify/{entry.code}").json["status"] == "current"
    with ctx.database.engine.begin() as connection:
        changed = connection.execute(text("UPDATE published_records SET title = :t WHERE id = :i"),
                                     {"t": "低保初审意见公示（已更正）", "i": entry.id}).rowcount
    assert changed == 1
    answer = client.get(f"/public/api/verify/{entry.code}").json
    assert answer["status"] == "altered" and answer["ok"] is False and answer["content"] is None
    page = client.get(f"/public/verify/{entry.code}", headers={"If-None-Match": before.headers["ETag"]})
    assert page.status_code == 200, "the verdict changed, so the page's tag did: no cache keeps saying 一致"
    assert "不一致" in page.get_data(as_text=True) and "已更正" in page.get_data(as_text=True)


def test_rewriting_the_hash_too_leaves_the_printed_code_unknown(published):
    client, ctx, _, entry = published
    with ctx.database.engine.begin() as connection:
        connection.execute(text("UPDATE published_records SET content_sha256 = :h WHERE id = :i"),
                           {"h": "f" * 64, "i": entry.id})
    answer = client.get(f"/public/api/verify/{entry.code}").json
    assert answer["status"] == "unknown" and answer["ok"] is False


def test_a_forged_event_in_the_chain_fails_too(published):
    """An edit to both the record and the hash column still has the audit event against it."""
    client, ctx, _, entry = published
    with ctx.uow() as uow:
        row = uow.session.get(PublishedRecord, entry.id)
        row.title = "改过的标题"
        forged = content_hash(row)
        row.content_sha256 = forged
        uow.session.commit()
    answer = client.get(f"/public/api/verify/{forged[:12]}").json
    assert answer["status"] == "altered" and answer["chain_ok"] is False


def test_a_withdrawn_record_says_so_with_when(published):
    client, ctx, matter, entry = published
    matters.cancel_matter(ctx, Actor.system(), matter.id, "申请人撤回申请")
    answer = client.get(f"/public/api/verify/{entry.code}").json
    assert answer["status"] == "withdrawn" and answer["ok"] and answer["withdrawn_at"]
    # no longer published: the verdict, never again what the notice said
    assert answer["record"] is None and answer["content"] is None and answer["event"]["text"] is None
    page = client.get(f"/public/verify/{entry.code}").get_data(as_text=True)
    assert "已撤回" in page and "王*山" not in page and "低保初审意见公示" not in page
