"""Keyset (cursor) pagination on the real store, SQLite and PostgreSQL (issue 17: deep pages grew
with OFFSET): a walk by cursor reads every row of a list exactly once, in the list's order, when
sort keys tie (matters started in the same instant, steps ready at once) and when rows arrive or
leave between two page reads; filters, scope and keyword search keep applying on every page;
anything but a cursor the list wrote is refused, and page numbers stop at the first 1,000 rows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from engine.clock import FixedClock, use_clock
from engine.errors import InvalidData
from engine.identity import Grant
from engine.services import Actor, incidents, matters, warnings
from engine.services.complaints import intake, reads
from engine.services.identity import create_user, grant_role
from engine.store.operations_models import Incident
from engine.store.warning_models import WarningRecord

SYSTEM = Actor.system()
T = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)


def start(ctx, actor, at: datetime, village="lushui_village", subject="修建村道", amount=120000) -> int:
    with use_clock(FixedClock(at)):
        return matters.start_matter(ctx, actor, "major_decision", village, subject,
                                    {"summary": subject, "amount": amount}).id


def walk(read, between=None, per_page=None) -> list:
    """Every row a list gives by following its cursor from the first page; `between(n)` runs after
    the n-th page is read (rows arriving or leaving meanwhile). With `per_page`, where no row
    arrives or leaves: every page but the last is full and the last is not empty (a cursor is
    offered only when a row follows)."""
    seen, after, pages = [], None, 0
    while True:
        rows, total = read(after)
        seen += rows
        pages += 1
        assert pages < 100, "the walk does not end"
        if per_page is not None:
            assert (len(rows) == per_page) if total.next_cursor else (0 < len(rows) <= per_page or pages == 1), \
                f"page {pages}: {len(rows)} rows, next page {'offered' if total.next_cursor else 'not offered'}"
        if total.next_cursor is None:
            return seen
        assert rows, "a next page was offered after an empty one"
        if between:
            between(pages)
        after = total.next_cursor


def ids(rows) -> list[int]:
    # every list walked here answers frozen views (engine/services/views.py, complaints/views.py)
    return [r.id for r in rows]


def listed(ctx, actor, filters, after=None, per_page=3):
    return matters.list_matters(ctx, actor, filters, 1, per_page, after)


def test_a_walk_by_number_reads_each_matter_once_while_new_ones_arrive(ctx, clerk):
    made = [start(ctx, clerk, T) for _ in range(8)]                   # one instant: only the number orders them
    before = ids(matters.list_matters(ctx, clerk, {}, 1, 100)[0])
    assert before == sorted(made, reverse=True)
    arrived = []
    walked = walk(lambda after: listed(ctx, clerk, {}, after),
                  lambda n: arrived.append(start(ctx, clerk, T + timedelta(hours=n))))
    assert ids(walked) == before and len(arrived) == 2                  # none twice, none missed, none new
    # Why: page 2 by number after a new matter arrived starts with the last row of page 1 again.
    first = ids(matters.list_matters(ctx, clerk, {}, 1, 3)[0])
    start(ctx, clerk, T + timedelta(days=1))
    assert ids(matters.list_matters(ctx, clerk, {}, 2, 3)[0])[0] == first[-1]


def test_a_walk_by_start_time_follows_ties_and_reads_a_matter_started_further_down_in_its_place(ctx, clerk):
    """A dated search is ordered by start time, then number: matters started in one instant tie on
    the time and straddle the pages; numbers and times part (the oldest started last)."""
    at = {start(ctx, clerk, T): T for _ in range(4)}
    at.update({start(ctx, clerk, T - timedelta(days=1)): T - timedelta(days=1) for _ in range(3)})
    at.update({start(ctx, clerk, T - timedelta(days=2)): T - timedelta(days=2) for _ in range(2)})
    filters = {"created_from": T - timedelta(days=10)}
    expected = sorted(at, key=lambda i: (at[i], i), reverse=True)
    assert ids(matters.list_matters(ctx, clerk, filters, 1, 100)[0]) == expected
    late = []

    def between(n):
        if n == 1:          # one newer than any (before the cursor: not read) and one further down (read, once)
            start(ctx, clerk, T + timedelta(hours=1))
            late.append(start(ctx, clerk, T - timedelta(days=1, hours=12)))
    walked = ids(walk(lambda after: listed(ctx, clerk, filters, after, per_page=2), between))
    at[late[0]] = T - timedelta(days=1, hours=12)
    assert walked == sorted(at, key=lambda i: (at[i], i), reverse=True)
    assert len(walked) == len(set(walked)) == 10


def test_a_walk_of_ready_steps_follows_ties_while_steps_come_and_go(ctx, clerk):
    made = [start(ctx, clerk, T) for _ in range(7)]                   # first steps all ready at T
    every = matters.list_tasks(ctx, clerk, None, None, 1, 100)[0]
    assert len(every) == 7 and len({t.ready_since for t in every}) == 1
    assert [t.id for t in every] == sorted(t.id for t in every)   # a tie: by step id
    leaving = every[-1].matter_id                                  # on the last page

    def between(n):
        if n == 1:
            start(ctx, clerk, T + timedelta(hours=1))                 # a new step, newest: not read
            matters.cancel_matter(ctx, SYSTEM, leaving, "重复立项")      # a step further down leaves
    walked = walk(lambda after: matters.list_tasks(ctx, clerk, None, None, 1, 2, after), between)
    assert [t.id for t in walked] == [t.id for t in every if t.matter_id != leaving]
    assert set(made) >= {t.matter_id for t in walked}


def test_filters_and_reach_apply_on_every_page(ctx, clerk):
    running = [start(ctx, clerk, T, "lushui_village"), start(ctx, clerk, T, "taohua_village")]
    cancelled = []
    for n in range(8):
        village = ("lushui_village", "taohua_village")[n % 2]
        matter = start(ctx, clerk, T - timedelta(hours=n), village)
        if n % 3 == 0:
            matters.cancel_matter(ctx, SYSTEM, matter, "重复立项")
            cancelled.append(matter)
        else:
            running.append(matter)
    for filters, per_page in (({"status": "running"}, 2), ({"village": "taohua_village"}, 1),
                              ({"status": "running", "village": "lushui_village", "created_from": T - timedelta(days=1)}, 2),
                              ({"amount_min": 100000, "status": "cancelled"}, 1)):
        expected = ids(matters.list_matters(ctx, clerk, filters, 1, 100)[0])
        walked = walk(lambda after, f=filters, p=per_page: listed(ctx, clerk, f, after, p), per_page=per_page)
        assert ids(walked) == expected and expected, filters
        for row in walked:
            assert row.status == filters.get("status", row.status)
            assert row.village == filters.get("village", row.village)
    lushui = Actor("lushui_clerk", frozenset({Grant("TWO_COMMITTEES", "lushui_village")}))
    walked = walk(lambda after: listed(ctx, lushui, {}, after, 2))
    assert walked and {r.village for r in walked} == {"lushui_village"}


@pytest.mark.parametrize("slice_size", [2, 512])
def test_a_keyword_walk_reads_each_match_once(ctx, clerk, monkeypatch, slice_size):
    """On PostgreSQL a keyword page is found among the newest matters first, else through the
    trigram index (repositories._keyword_page); after a cursor, among those below it. A small
    slice makes the walk take both ways; SQLite filters the list like any other."""
    from engine.store import repositories
    monkeypatch.setattr(repositories, "FIRST_SLICE", slice_size)
    canal = []
    for n in range(9):
        subject = "整修水渠" if n % 4 == 0 else "修建村道"
        matter = start(ctx, clerk, T - timedelta(hours=n), subject=subject)
        if subject == "整修水渠":
            canal.append(matter)
    road = ids(matters.list_matters(ctx, clerk, {"keyword": "村道"}, 1, 100)[0])
    assert len(road) == 6
    for keyword, expected in (("水渠", sorted(canal, reverse=True)), ("村道", road)):
        walked = ids(walk(lambda after, k=keyword: listed(ctx, clerk, {"keyword": k}, after, 2), per_page=2))
        assert walked == expected, keyword          # 6 matches of 村道: three full pages, no empty fourth


def test_anything_but_the_lists_own_cursor_is_refused(ctx, clerk):
    for n in range(3):
        start(ctx, clerk, T - timedelta(hours=n))
    _, by_number = matters.list_matters(ctx, clerk, {}, 1, 1)
    _, by_start = matters.list_matters(ctx, clerk, {"created_from": T - timedelta(days=1)}, 1, 1)
    _, steps = matters.list_tasks(ctx, clerk, None, None, 1, 1)
    assert by_number.next_cursor and by_start.next_cursor and steps.next_cursor
    for call in (lambda: listed(ctx, clerk, {}, "not-a-cursor"),
                 lambda: listed(ctx, clerk, {}, by_number.next_cursor + "A"),
                 lambda: listed(ctx, clerk, {"created_from": T - timedelta(days=1)}, by_number.next_cursor),
                 lambda: listed(ctx, clerk, {}, by_start.next_cursor),
                 lambda: listed(ctx, clerk, {}, steps.next_cursor),
                 lambda: matters.list_tasks(ctx, clerk, None, None, 1, 1, by_number.next_cursor),
                 lambda: reads.list_complaints(ctx, SYSTEM, {}, 1, 1, by_number.next_cursor),
                 lambda: incidents.list_incidents(ctx, SYSTEM, None, 1, 1, steps.next_cursor),
                 lambda: warnings.list_warnings(ctx, SYSTEM, {}, 1, 1, by_start.next_cursor)):
        with pytest.raises(InvalidData) as caught:
            call()
        assert "after" in caught.value.errors
    with pytest.raises(InvalidData) as caught:
        matters.list_matters(ctx, clerk, {}, 2, 1, by_number.next_cursor)
    assert "page" in caught.value.errors
    assert matters.list_matters(ctx, clerk, {}, 50, 20)[0] == []          # the last page a number reaches
    with pytest.raises(InvalidData) as caught:
        matters.list_matters(ctx, clerk, {}, 51, 20)
    assert "after" in caught.value.errors["page"]


def _incident(uow, n: int, at: datetime) -> None:
    uow.session.add(Incident(matter_id=n, process_key="major_decision", subject=f"事项{n}", village_code="lushui_village",
                             township_code="qingshan_town", reason="出错", detail="error", occurred_at=at, state="open"))


def _warning(uow, n: int, at: datetime) -> None:
    uow.session.add(WarningRecord(key=f"test-{n}", rule_code="R1", check="test", severity="low",
                                  village_code="lushui_village", township_code="qingshan_town", matter_ids=[],
                                  text=f"预警{n}", evidence={}, status="open", first_seen_at=at, last_seen_at=at,
                                  history=[], updated_at=at))


@pytest.mark.parametrize("kind", ["incidents", "warnings"])
def test_incidents_and_warnings_walk_by_time_then_number(ctx, kind):
    add = _incident if kind == "incidents" else _warning
    with ctx.uow() as uow:
        for n in range(7):
            add(uow, n, T - timedelta(hours=n % 2))                   # two instants, ties on each
        uow.commit()
    read = ((lambda after: incidents.list_incidents(ctx, SYSTEM, "open", 1, 2, after)) if kind == "incidents"
            else (lambda after: warnings.list_warnings(ctx, SYSTEM, {}, 1, 2, after)))
    expected = ids((incidents.list_incidents(ctx, SYSTEM, "open", 1, 100) if kind == "incidents"
                    else warnings.list_warnings(ctx, SYSTEM, {}, 1, 100))[0])
    assert len(expected) == 7

    def between(n):
        with ctx.uow() as uow:
            add(uow, 100 + n, T + timedelta(hours=1))                 # newer: before the cursor
            uow.commit()
    assert ids(walk(read, between)) == expected


def test_complaints_walk_by_number(ctx):
    create_user(ctx, SYSTEM, "clerk.lushui", "clerk.lushui", "a-long-password-1")
    grant_role(ctx, SYSTEM, "clerk.lushui", "REPORTING_CLERK", "lushui_village")
    clerk = Actor("clerk.lushui", frozenset({Grant("REPORTING_CLERK", "lushui_village")}))
    form = {"category": "finance", "content": "修路款的公示没有明细", "channel": "phone", "publish_consent": False}
    for _ in range(5):
        intake.file_complaint(ctx, clerk, "lushui_village", form)
    expected = ids(reads.list_complaints(ctx, SYSTEM, {}, 1, 100)[0])
    walked = ids(walk(lambda after: reads.list_complaints(ctx, SYSTEM, {}, 1, 2, after),
                      lambda n: intake.file_complaint(ctx, clerk, "lushui_village", form)))
    assert walked == expected and len(expected) == 5
