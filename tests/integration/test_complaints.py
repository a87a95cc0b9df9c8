"""Complaints on the real store (SQLite and PostgreSQL): intake by a clerk, the bot and the portal
(registered by the worker), the case side table kept with its matter through every step, 督办 by
the timer worker with a fixed clock, online ratings, merging duplicates, who may see the reporter,
a case withheld from the cadre it is about, and the statistics."""
from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timedelta, timezone

import pytest

from engine import clock
from engine.errors import Conflict, Forbidden, InvalidData, NotFound, TooManyAttempts
from engine.identity import Grant
from engine.vocabulary import ComplaintStatus
from engine.services import Actor, audit, matters
from engine.services.complaints import intake, merging, reads, statistics
from engine.services.complaints.views import CategoryCount, ComplaintDetail, FiledComplaint, RatingApplied
from engine.services.complaints.worker import run_complaint_jobs
from engine.services.identity import create_user, grant_role
from engine.services.public import complaints as portal
from engine.services.views import MatterView
from engine.services.timers import advance_due_timers
from engine.workdays import period_end

SYSTEM = Actor.system()
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)          # a Monday, 09:00 in Beijing
FORM = {"category": "finance", "content": "去年修路款的公示没有明细，请核实公开", "channel": "phone",
        "concerned_matter": "村道硬化工程", "publish_consent": True}
REPORTER = {"name": "李秀英", "phone": "13912345678"}


class Recorder:
    """A notification adapter that keeps what it was given."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def person(ctx, username, role, org) -> Actor:
    create_user(ctx, SYSTEM, username, username, "a-long-password-1")
    grant_role(ctx, SYSTEM, username, role, org)
    return Actor(username, frozenset({Grant(role, org)}))


@pytest.fixture
def people(ctx):
    return {"clerk": person(ctx, "clerk.lushui", "REPORTING_CLERK", "lushui_village"),
            "discipline": person(ctx, "jiwei.qingshan", "TOWNSHIP_DISCIPLINE", "qingshan_town"),
            "village": person(ctx, "cunwei.lushui", "VILLAGE_COMMITTEE", "lushui_village"),
            "secretary": person(ctx, "shuji.lushui", "VILLAGE_COMMITTEE", "lushui_village"),
            "township": person(ctx, "zhenzhengfu.qingshan", "TOWNSHIP_GOV", "qingshan_town"),
            "county": person(ctx, "xianjiwei", "COUNTY_DISCIPLINE", "demo_county"),
            "bot": person(ctx, "bot.wechat", "COMPLAINT_BOT", "demo_county")}


@pytest.fixture
def fixed():
    at = clock.FixedClock(T0)
    with clock.use_clock(at):
        yield at


def step(ctx, actor, complaint: FiledComplaint, step_id: str, data: dict) -> MatterView:
    matter = matters.get_matter(ctx, SYSTEM, complaint.matter_id)
    task = next(s for s in matter.ready_steps if s.step_id == step_id)
    return matters.complete_step(ctx, actor, task.id, data)


def accept_and_assign(ctx, people, complaint, unit="village", cadres=""):
    step(ctx, people["discipline"], complaint, "accept", {"accept_decision": "accept", "accept_note": "予以受理",
                                                          "concerned_cadres": cadres, "public_summary": "反映修路款公示不清"})
    step(ctx, people["discipline"], complaint, "assign", {"handler_level": unit, "assign_note": "请限期答复"})


def case(ctx, complaint_id) -> ComplaintDetail:
    return reads.get_complaint(ctx, SYSTEM, complaint_id)


def test_a_clerk_enters_a_complaint_and_it_is_handled_to_the_end(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, REPORTER)
    assert filed.number.startswith("SQ2026-") and len(filed.lookup_code.replace(" ", "")) == 12
    assert filed.status is ComplaintStatus.RECEIVED and filed.matter_id
    found = case(ctx, filed.id)
    assert found.accept_due is not None and found.channel_name == "电话"
    matter = matters.get_matter(ctx, SYSTEM, filed.matter_id)
    assert "李秀英" not in str(matter.data) and "13912345678" not in str(matter.data)   # identity apart
    accept_and_assign(ctx, people, filed)
    assert case(ctx, filed.id).status == "assigned"
    fixed.advance(timedelta(days=3))
    step(ctx, people["village"], filed, "handle_village", {"handling_facts": "已补充公开", "answer": "已在公开栏补充公开明细，李秀英可查看"})
    answered = case(ctx, filed.id)
    assert answered.status == "answered" and not answered.supervisions
    seen = portal.lookup(ctx, filed.lookup_code, source="s1")
    assert seen.may_rate and seen.answer.startswith("已在公开栏")
    portal.rate_online(ctx, filed.lookup_code, "satisfied", "谢谢", source="s1")
    jobs = run_complaint_jobs(ctx, Recorder())
    assert jobs.rated == (RatingApplied(complaint=filed.id, applied=True),)
    closed = case(ctx, filed.id)
    assert closed.status == "closed" and closed.rating == "satisfied" and closed.outcome == "办结（群众满意）"
    public = portal.public_cases(ctx, "lushui_village")
    assert public.cases[0].answer == "已在公开栏补充公开明细，反映人可查看"     # the reporter's name taken out
    assert dataclasses.asdict(public.figures) == {"received": 1, "answered": 1, "closed": 1, "closure_rate": 100.0, "satisfaction": 100.0}


def phone_photo(kind: str = "JPEG") -> bytes:
    """A 4x2 photo as a phone saves it: EXIF with the GPS position and the camera, turned (Orientation 6)."""
    from PIL import Image
    image, exif = Image.new("RGB", (4, 2), (200, 30, 30)), Image.Exif()
    exif[0x0110], exif[0x0112] = "Xiaomi 14", 6                    # Model, Orientation: rotated 90°
    exif.get_ifd(0x8825).update({1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 10.0, 0.0)})   # GPS
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes())
    return out.getvalue()


def stored_photos(ctx, matter_id) -> list[bytes]:
    from engine.services import attachments
    return [attachments.download_attachment(ctx, SYSTEM, i)[1] for i in matters.get_matter(ctx, SYSTEM, matter_id).data["photos"]]


def assert_bare(photo: bytes) -> None:
    from PIL import Image
    image = Image.open(io.BytesIO(photo))
    assert not image.getexif() and b"Xiaomi" not in photo and b"Exif" not in photo
    assert image.size == (2, 4)                                      # turned upright as the phone said


def test_the_portal_files_the_worker_registers(ctx, people, fixed):
    filed = portal.file_public_complaint(ctx, "lushui_village", {**FORM, "name": "", "phone": "", "publish_consent": "on"},
                                         photos=[("a.jpg", phone_photo())], source="phone-1")
    assert portal.lookup(ctx, filed.lookup_code, "phone-1").status == "submitted"
    jobs = run_complaint_jobs(ctx, Recorder())
    assert jobs.registered[0].registered is True
    row = reads.list_complaints(ctx, people["discipline"], {}, 1, 10)[0][0]
    assert row.number == filed.number and row.status == "received" and row.channel == "portal"
    matter = matters.get_matter(ctx, SYSTEM, row.matter_id)
    assert len(matter.data["photos"]) == 1 and matter.created_by == "system"
    (photo,) = stored_photos(ctx, row.matter_id)
    assert_bare(photo)                     # the reporter's position never reaches the handling unit
    with pytest.raises(NotFound):
        portal.lookup(ctx, "0000 0000 0000", "phone-1")
    with pytest.raises(InvalidData) as err:
        portal.file_public_complaint(ctx, "lushui_village", FORM, photos=[("b.jpg", b"\xff\xd8\xff\xe0 not a photo")],
                                     source="phone-1")
    assert "b.jpg" in err.value.errors["photos"]


def test_photos_entered_by_a_clerk_lose_their_metadata_and_a_scanned_letter_is_kept(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", {**FORM, "channel": "letter"}, REPORTER,
                                  uploads={"photos": [("现场.png", phone_photo("PNG")), ("来信.pdf", b"%PDF-1.7\n%%EOF\n")]})
    png, letter = stored_photos(ctx, filed.matter_id)
    assert_bare(png)
    assert letter == b"%PDF-1.7\n%%EOF\n"


def test_a_portal_complaint_the_form_refuses_is_marked_and_the_next_one_registered(ctx, people, fixed):
    """The refused one's work is rolled back (uow.rollback()) before it is marked, and the worker goes on."""
    first, second = (portal.file_public_complaint(ctx, "lushui_village", {**FORM, "publish_consent": "on"}, source=s)
                     for s in ("phone-1", "phone-2"))
    with ctx.uow() as uow:
        refused = uow.complaints.claim_submitted(set())            # the first filed
        refused.category = "no_such_category"                       # a category the definition no longer has
        uow.commit()
    jobs = run_complaint_jobs(ctx, Recorder())
    assert [(j.complaint, j.registered) for j in jobs.registered] == [(refused.id, False), (refused.id + 1, True)]
    assert portal.lookup(ctx, first.lookup_code, "phone-1").status == "cancelled"
    assert portal.lookup(ctx, second.lookup_code, "phone-2").status == "received"
    with ctx.uow(readonly=True) as uow:
        events = [(e.event, e.payload.get("complaint")) for e in uow.audit.all_in_order() if "complaint" in e.event]
        assert uow.complaints.get(refused.id).matter_id is None
    assert events[-2][0] == "complaint_not_registered" and events[-2][1] == refused.id
    assert events[-1][0] == "complaint_registered"
    assert audit.verify_chain(ctx, SYSTEM).ok
    with pytest.raises(InvalidData):
        portal.lookup(ctx, "12345", "phone-1")


def test_filing_and_lookups_are_throttled_per_address(ctx, fixed):
    for _ in range(ctx.settings.public_complaints_per_hour):
        portal.file_public_complaint(ctx, "lushui_village", FORM, source="flood")
    with pytest.raises(TooManyAttempts):
        portal.file_public_complaint(ctx, "lushui_village", FORM, source="flood")
    portal.file_public_complaint(ctx, "lushui_village", FORM, source="someone-else")
    for _ in range(ctx.settings.complaint_lookups_per_hour):
        with pytest.raises(NotFound):
            portal.lookup(ctx, "1111 2222 3333", source="guesser")
    with pytest.raises(TooManyAttempts):
        portal.lookup(ctx, "1111 2222 3334", source="guesser")
    fixed.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(NotFound):
        portal.lookup(ctx, "1111 2222 3335", source="guesser")


def test_the_bot_files_and_outsiders_may_not(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["bot"], "hongqi_village", {**FORM, "channel": "wechat"})
    assert filed.status == "received"
    with pytest.raises(Forbidden):
        intake.file_complaint(ctx, people["village"], "lushui_village", FORM) if False else \
            intake.file_complaint(ctx, Actor("nobody", frozenset({Grant("SEAL_KEEPER", "lushui_village")})),
                                  "lushui_village", FORM)
    with pytest.raises(InvalidData):
        intake.file_complaint(ctx, people["clerk"], "hongqi_village", FORM)        # not the clerk's village


def test_overdue_handling_is_supervised_by_the_timer_worker(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, REPORTER)
    accept_and_assign(ctx, people, filed, "village")
    before = case(ctx, filed.id).answer_due
    assert before == period_end(T0, 15)
    fixed.advance(before - T0 + timedelta(minutes=1))
    done = advance_due_timers(ctx, SYSTEM)
    assert done[0].fired == ("超期督办（上级发督办单）",)
    supervised = case(ctx, filed.id)
    order = supervised.supervision_orders[0]
    assert supervised.supervisions == 1 and order.issuer_role == "TOWNSHIP_DISCIPLINE"
    assert order.previous_due == before and order.new_due == period_end(fixed.now(), 5)
    assert supervised.answer_due == order.new_due
    history = matters.matter_history(ctx, SYSTEM, filed.matter_id)
    issued = [e for e in history if e.event == "supervision_issued"]
    assert issued and issued[0].payload["number"] == order.number
    sent = Recorder()
    run_complaint_jobs(ctx, sent)
    overdue = [m for m in sent.sent if m["event"] == "overdue"]
    assert {m["recipient"].get("role", "reporter") for m in overdue} == {"TOWNSHIP_DISCIPLINE", "VILLAGE_COMMITTEE",
                                                                          "reporter"}
    told = [m for m in sent.sent if m["recipient"]["kind"] == "reporter"]
    assert [m["event"] for m in told] == ["new", "assigned", "overdue"] and told[-1]["recipient"]["phone"] == "13912345678"
    assert "已交由村民委员会办理" in told[1]["text"] and "乡镇纪委已督办" in told[2]["text"]
    last_day = (order.new_due - timedelta(days=1)).astimezone(timezone(timedelta(hours=8)))
    assert all(f"于{last_day:%Y年%m月%d日}24:00前办结" in m["text"] for m in overdue), overdue
    step(ctx, people["village"], filed, "supervised_village", {"handling_facts": "已处理", "answer": "已处理"})
    stats = statistics.statistics(ctx, SYSTEM, "qingshan_town")
    assert stats.totals.overdue == 1 and stats.totals.on_time == 0 and stats.totals.answered == 1


def test_only_the_discipline_office_sees_the_reporter(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, REPORTER)
    assert reads.get_complaint(ctx, people["discipline"], filed.id).reporter.phone == "13912345678"
    assert reads.get_complaint(ctx, people["county"], filed.id).reporter.name == "李秀英"
    for who in ("clerk", "village", "township"):
        shown = reads.get_complaint(ctx, people[who], filed.id)
        assert shown.reporter is None and not shown.reporter_visible


def test_a_case_about_a_cadre_is_withheld_from_the_cadre(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", {**FORM, "about_cadre": True}, REPORTER)
    for who in ("village", "secretary"):            # nobody of the village until the cadre is named
        with pytest.raises(NotFound):
            reads.get_complaint(ctx, people[who], filed.id)
    accept_and_assign(ctx, people, filed, "village", cadres="shuji.lushui")
    assert reads.get_complaint(ctx, people["village"], filed.id).status == "assigned"
    secretary = people["secretary"]
    with pytest.raises(NotFound):
        reads.get_complaint(ctx, secretary, filed.id)
    with pytest.raises(NotFound):
        matters.get_matter(ctx, secretary, filed.matter_id)
    assert all(t.matter_id != filed.matter_id for t in matters.list_tasks(ctx, secretary, None, None, 1, 50)[0])
    assert all(m.id != filed.matter_id for m in matters.list_matters(ctx, secretary, {}, 1, 50)[0])
    task = matters.get_matter(ctx, SYSTEM, filed.matter_id).ready_steps[0]
    with pytest.raises(NotFound):
        matters.complete_step(ctx, secretary, task.id, {"handling_facts": "无", "answer": "无"})
    assert any(t.matter_id == filed.matter_id for t in matters.list_tasks(ctx, people["village"], None, None, 1, 50)[0])


def test_a_misspelt_cadre_account_is_refused(ctx, people, fixed):
    filed = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM)
    with pytest.raises(InvalidData) as err:
        step(ctx, people["discipline"], filed, "accept", {"accept_decision": "accept", "accept_note": "受理",
                                                          "concerned_cadres": "shuji.lushu"})
    assert "concerned_cadres" in err.value.errors


def test_duplicates_are_merged_and_both_histories_say_so(ctx, people, fixed):
    main = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, REPORTER)
    duplicate = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, {"phone": "13800000000"})
    with pytest.raises(Forbidden):
        merging.merge_complaints(ctx, people["village"], duplicate.id, main.id, "同一问题")
    merged = merging.merge_complaints(ctx, people["discipline"], duplicate.id, main.id, "同一问题")
    assert merged.status == "merged"
    assert case(ctx, duplicate.id).merged_into.number == main.number
    assert case(ctx, main.id).merged[0].number == duplicate.number
    assert matters.get_matter(ctx, SYSTEM, duplicate.matter_id).status == "cancelled"
    events = {e.event for e in matters.matter_history(ctx, SYSTEM, main.matter_id)}
    assert "complaint_merged_in" in events
    assert "complaint_merged" in {e.event for e in matters.matter_history(ctx, SYSTEM, duplicate.matter_id)}
    assert portal.lookup(ctx, duplicate.lookup_code, "x").merged_into == main.number
    with pytest.raises(Conflict):
        merging.merge_complaints(ctx, people["discipline"], duplicate.id, main.id, "再并一次")
    stats = statistics.statistics(ctx, SYSTEM, "lushui_village")
    assert stats.totals.repeat == 1 and stats.totals.closed == 1 and stats.totals.received == 2


def test_the_staffs_figures_and_the_portals_agree(ctx, people, fixed):
    """A portal filing not registered yet, and a cancelled case, count on neither side."""
    answered = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM, REPORTER)
    accept_and_assign(ctx, people, answered)
    step(ctx, people["village"], answered, "handle_village", {"handling_facts": "已核实", "answer": "已公开"})
    cancelled = intake.file_complaint(ctx, people["clerk"], "lushui_village", FORM)
    matters.cancel_matter(ctx, SYSTEM, cancelled.matter_id, "重复登记")
    portal.file_public_complaint(ctx, "lushui_village", FORM, source="phone-9")          # not registered yet
    staff = statistics.statistics(ctx, SYSTEM, "lushui_village").totals
    public = portal.public_cases(ctx, "lushui_village").figures
    assert (staff.received, staff.answered, staff.closed) == (public.received, public.answered, public.closed) == (1, 1, 0)


def test_statistics_per_unit_and_period(ctx, people, fixed):
    for category in ("finance", "finance", "project"):
        intake.file_complaint(ctx, people["clerk"], "lushui_village", {**FORM, "category": category})
    intake.file_complaint(ctx, people["bot"], "hongqi_village", FORM)
    county = statistics.statistics(ctx, SYSTEM, "demo_county")
    assert county.totals.received == 4 and county.group_level == "township"
    assert {u.code: u.received for u in county.by_unit} == {"qingshan_town": 3, "baiyun_town": 1}
    assert county.totals.categories[0] == CategoryCount(category="finance", name="财务", count=3)
    later = statistics.statistics(ctx, SYSTEM, "demo_county", start=T0 + timedelta(days=1))
    assert later.totals.received == 0
    with pytest.raises(NotFound):
        statistics.statistics(ctx, people["clerk"], "baiyun_town")


def worker_context(tmp_path, monkeypatch):
    """A database of its own, as `xiaowei worker --once` (run in the test) finds it from the environment."""
    from api.wiring import build_context
    from engine.services.definitions import sync_definitions
    from engine.services.demo import seed_demo
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", f"sqlite:///{tmp_path / 'worker.sqlite3'}")
    monkeypatch.setenv("XIAOWEI_ENV", "test")
    context = build_context()
    context.database.upgrade()
    sync_definitions(context)
    seed_demo(context, SYSTEM, with_users=False)
    return context


def test_the_worker_command_issues_the_supervision_order_with_a_fixed_clock(tmp_path, monkeypatch):
    """`xiaowei worker --once --now …`: the timer worker as operators run it, at a time of our choosing."""
    from click.testing import CliRunner

    from api.cli import cli
    context = worker_context(tmp_path, monkeypatch)
    clerk = Actor("clerk", frozenset({Grant("REPORTING_CLERK", "lushui_village")}))
    discipline = Actor("jiwei", frozenset({Grant("TOWNSHIP_DISCIPLINE", "qingshan_town")}))
    with clock.use_clock(clock.FixedClock(T0)):
        filed = intake.file_complaint(context, clerk, "lushui_village", {**FORM, "category": "relief"})
        for step_id, data in (("accept", {"accept_decision": "accept", "accept_note": "受理"}),
                              ("assign", {"handler_level": "county", "handler_unit": "县民政局", "assign_note": "请核实"})):
            step(context, discipline, filed, step_id, data)
    context.database.dispose()
    ends = period_end(T0, 15)                    # 15 days: to 24:00 Beijing time of the 15th day
    early = CliRunner().invoke(cli, ["worker", "--once", "--now", (ends - timedelta(minutes=1)).isoformat()])
    assert early.exit_code == 0 and "0 matters advanced" in early.output
    late = CliRunner().invoke(cli, ["worker", "--once", "--now", (ends + timedelta(hours=1)).isoformat()])
    assert late.exit_code == 0 and "1 matters advanced" in late.output, late.output
    found = reads.get_complaint(context, SYSTEM, filed.id)
    (order,) = found.supervision_orders
    assert order.issuer_role == "COUNTY_DISCIPLINE" and order.issuer_org == "demo_county"
    assert order.issued_at == ends + timedelta(hours=1)
    assert order.new_due == period_end(ends + timedelta(hours=1), 5)
    context.database.dispose()


def test_a_rating_left_on_time_is_recorded_though_the_worker_runs_after_the_period(tmp_path, monkeypatch):
    """The worker records online ratings before it fires timers: a 不满意 left a minute before the
    rating period ended, found by a worker that was two minutes behind, reopens the case instead
    of the period's timer closing it as not rated and dropping the rating."""
    from click.testing import CliRunner

    from api.cli import cli
    context = worker_context(tmp_path, monkeypatch)
    clerk = Actor("clerk", frozenset({Grant("REPORTING_CLERK", "lushui_village")}))
    discipline = Actor("jiwei", frozenset({Grant("TOWNSHIP_DISCIPLINE", "qingshan_town")}))
    committee = Actor("cunwei", frozenset({Grant("VILLAGE_COMMITTEE", "lushui_village")}))
    with clock.use_clock(clock.FixedClock(T0)) as at:
        filed = intake.file_complaint(context, clerk, "lushui_village", FORM, REPORTER)
        for step_id, data in (("accept", {"accept_decision": "accept", "accept_note": "受理"}),
                              ("assign", {"handler_level": "village", "assign_note": "请核实"})):
            step(context, discipline, filed, step_id, data)
        rating = step(context, committee, filed, "handle_village", {"handling_facts": "已核实", "answer": "已补充公开"})
        (waiting,) = rating.ready_steps
        ends = waiting.due_at                       # the rating period's end, when its timer fires
        assert waiting.step_id == "rate" and ends is not None
        at.advance(ends - at.now() - timedelta(minutes=1))
        portal.rate_online(context, filed.lookup_code, "dissatisfied", "明细还是没有", source="s1")
    context.database.dispose()
    late = CliRunner().invoke(cli, ["worker", "--once", "--now", (ends + timedelta(minutes=1)).isoformat()])
    assert late.exit_code == 0, late.output
    found = reads.get_complaint(context, SYSTEM, filed.id)
    assert found.rating == "dissatisfied" and found.status != "closed", (found.status, found.outcome)
    context.database.dispose()
