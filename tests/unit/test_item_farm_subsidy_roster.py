"""Scenario tests of 惠农补贴（耕地地力保护补贴）清册发放 (farm_subsidy_roster, FW-11): the batch item.

The 村报账员 compiles the year's household list (a table field, one household a row) from the
承包台账; the 村务监督委员会 checks it; the 村委会 publishes it in the village for the township's
number of days, objections taken by the 村监委 (an upheld one: the rows corrected, checked and
published again); the township 审核; the county pays the whole list through 一卡通 as one batch,
whose household count and total must equal the list's (row_count, column_total); the result is
published. Together the scenarios take every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished
from tests.walks import object_during, steps, wait_past

KEY = "farm_subsidy_roster"
P = default_parameters()
DAYS = P["farm_subsidy_roster_publicity_days"]


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="惠农补贴（耕地地力保护补贴）清册发放", list_code="FW-11", category="便民服务",
    lanes={"REPORTING_CLERK", "SUPERVISION_COMMITTEE", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "TOWNSHIP_AGRI_ECON",
           "COUNTY_DEPT"},
    supervision={"sc_check", "roster_objection"},
    objections={"roster_objection"},
    separations={"sc_check": ("start", "correct_roster"), "correct_roster": ("sc_check",),
                 "township_review": ("start", "correct_roster"), "pay": ("start", "correct_roster")},
    end_events={"end_paid": "已发放并公开"},
)


def with_check(seventeen: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return seventeen + "10X98765432"[sum(int(d) * w for d, w in zip(seventeen, weights, strict=True)) % 11]


def household(n: int, area=6.5, amount=None) -> dict:
    return {"household_head": ["刘长根", "陈桂芬", "王大山", "李秀英", "张建国"][n % 5] + ("" if n < 5 else str(n)),
            "id_number": with_check(f"4305211960{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"),
            "villager_group": f"{n % 4 + 1}组", "contract_no": f"4305211010020{n:04d}J", "area": area,
            "amount": round(area * 125, 2) if amount is None else amount, "card_account": f"622200000000{n:04d}"}


ROSTER = [household(0, 6.5), household(1, 3), household(2, 4.25)]      # 812.5 + 375 + 531.25 = 1718.75
TOTAL = 1718.75


def start(roster=None, **overrides) -> Scenario:
    rows = ROSTER if roster is None else roster
    s = Scenario(KEY, {"subsidy_year": 2026, "roster": rows, "household_count": len(rows),
                       "roster_total": round(sum(r["amount"] for r in rows), 2),
                       "ledger_extract": ["att-ledger-1"], **overrides})
    assert steps(s) == {"sc_check"} and s.ready()["sc_check"][0].role == "SUPERVISION_COMMITTEE"
    return s


# -- walking the item --------------------------------------------------------------------------
def checked(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"sc_check"}
    s.do("sc_check", {"sc_check_result": result,
                      "sc_check_opinion": "逐户核对与承包台账一致" if result == "approve" else "第2户面积与台账不符"},
         role="SUPERVISION_COMMITTEE")


def corrected(s: Scenario, rows: list[dict], note: str = "按承包台账更正第2户面积") -> None:
    assert steps(s) == {"correct_roster"} and s.ready()["correct_roster"][0].role == "REPORTING_CLERK"
    s.do("correct_roster", {"roster": rows, "household_count": len(rows),
                            "roster_total": round(sum(r["amount"] for r in rows), 2), "correction_note": note},
         role="REPORTING_CLERK")


def published(s: Scenario) -> None:
    assert steps(s) == {"publish_roster"} and s.ready()["publish_roster"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_roster", {"roster_published_on": "2026-04-01", "roster_notice_photo": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"roster_objection"} and s.ready()["roster_objection"][0].role == "SUPERVISION_COMMITTEE"
    [timer] = s.matter.waiting_timers()
    assert (timer.element_id, timer.name) == ("roster_publicity", "补贴清册公示")
    assert timer.due == s.period_end(DAYS)


def objection_verified(s: Scenario, upheld: bool) -> None:
    object_during(s, "roster_objection", after_days=2)
    assert steps(s) == {"verify_objection"} and s.ready()["verify_objection"][0].role == "VILLAGE_COMMITTEE"
    s.do("verify_objection", {"verification_finding": "对照承包台账" + ("确有漏报" if upheld else "无误"),
                              "objection_upheld": upheld}, role="VILLAGE_COMMITTEE")


def township_decides(s: Scenario, decision: str = "approve") -> None:
    wait_past(s, DAYS, "township_review") if steps(s) == {"roster_objection"} else None
    assert steps(s) == {"township_review"} and s.ready()["township_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("township_review", {"township_decision": decision,
                             "township_opinion": "审核无误" if decision == "approve" else "第3户补贴标准算错"},
         role="TOWNSHIP_AGRI_ECON")


def paid(s: Scenario, total=TOTAL, households=3) -> None:
    assert steps(s) == {"pay"} and s.ready()["pay"][0].role == "COUNTY_DEPT"
    s.do("pay", {"payment_batch": "2026-GDLB-0412", "paid_households": households, "paid_total": total,
                 "paid_on": "2026-05-20", "bank_receipt": ["att-bank-1"]}, role="COUNTY_DEPT")


def result_published(s: Scenario) -> Scenario:
    assert steps(s) == {"publish_result"} and s.ready()["publish_result"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_result", {"result_published_on": "2026-05-25", "result_notice_photo": ["att-board-1"]},
         role="VILLAGE_COMMITTEE")
    return finished(s, "已发放并公开")


# -- scenarios (each returns its finished Scenario for the coverage test) -------------------------
def paid_as_listed() -> Scenario:
    s = start()
    checked(s)
    published(s)
    township_decides(s)
    paid(s)
    result_published(s)
    assert s.matter.workflow.data["paid_total"] == TOTAL and len(s.matter.workflow.data["roster"]) == 3
    return s


def corrected_after_check_objection_and_township() -> Scenario:
    """Returned by the 村监委 (a row corrected); an objection dismissed (the period goes on), one upheld
    (a household added, checked and published again); the township returns it once (an amount
    corrected); then paid with the corrected totals."""
    s = start()
    checked(s, "return")
    fixed = [ROSTER[0], household(1, 3.5), ROSTER[2]]
    corrected(s, fixed)
    checked(s)
    published(s)
    objection_verified(s, upheld=False)
    assert steps(s) == {"roster_objection"}
    [timer] = s.matter.waiting_timers()
    assert timer.due == s.period_end(DAYS), "the period starts again"
    objection_verified(s, upheld=True)
    added = [*fixed, household(3, 2)]
    corrected(s, added, "补录漏报的第4户")
    checked(s)
    published(s)
    township_decides(s, "return")
    final = [*added[:2], household(2, 4.25, amount=531.25), added[3]]
    corrected(s, final, "第3户金额复核")
    checked(s)
    published(s)
    township_decides(s)
    total = round(sum(r["amount"] for r in final), 2)
    paid(s, total, households=4)
    result_published(s)
    assert s.matter.workflow.data["roster"][2]["amount"] == 531.25 and s.matter.workflow.data["household_count"] == 4
    return s


SCENARIOS = [paid_as_listed, corrected_after_check_objection_and_township]


# -- the list --------------------------------------------------------------------------------------
def test_the_counts_and_the_total_must_match_the_list():
    with pytest.raises(InvalidData) as err:
        start(household_count=4, roster_total=1718.74)
    assert set(err.value.errors) == {"household_count", "roster_total"}
    assert "1,718.75" in err.value.errors["roster_total"]


def test_every_bad_row_is_named_and_nothing_starts():
    bad = [ROSTER[0], {**ROSTER[1], "id_number": ROSTER[1]["id_number"][:-1] + "Y"}, {**ROSTER[2], "amount": "五百"},
           {**household(3), "id_number": ROSTER[0]["id_number"]}]
    with pytest.raises(InvalidData) as err:
        Scenario(KEY, {"subsidy_year": 2026, "roster": bad, "household_count": 4, "roster_total": 100,
                       "ledger_extract": ["att-ledger-1"]})
    message = err.value.errors["roster"]
    assert message.startswith("补贴清册（一户一行）：清册有 3 处错误")
    for part in ("第 2 行 身份证号码：应为 18 位居民身份证号码", "第 3 行 补贴金额（元）：应为金额",
                 "第 4 行 身份证号码：与第 1 行重复"):
        assert part in message


def test_an_empty_list_is_refused():
    with pytest.raises(InvalidData) as err:
        Scenario(KEY, {"subsidy_year": 2026, "roster": [], "household_count": 0, "roster_total": 0,
                       "ledger_extract": ["att-ledger-1"]})
    assert err.value.errors["roster"] == "补贴清册（一户一行）为必填项"


def test_a_large_village_list():
    rows = [household(n, 1 + n % 7) for n in range(800)]
    s = start(rows)
    checked(s)
    published(s)
    township_decides(s)
    with pytest.raises(InvalidData):
        paid(s, round(sum(r["amount"] for r in rows), 2) + 0.01, households=800)
    paid(s, round(sum(r["amount"] for r in rows), 2), households=800)
    assert steps(s) == {"publish_result"}


# -- payment -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("total, households, wrong", [
    (TOTAL + 0.01, 3, {"paid_total"}), (TOTAL - 0.01, 3, {"paid_total"}), (TOTAL, 2, {"paid_households"}),
])
def test_the_batch_pays_exactly_the_list(total, households, wrong):
    s = start()
    checked(s)
    published(s)
    township_decides(s)
    with pytest.raises(InvalidData) as err:
        paid(s, total, households)
    assert set(err.value.errors) == wrong
    paid(s)
    assert steps(s) == {"publish_result"}


def test_a_township_may_lengthen_the_publicity():
    s = Scenario(KEY, {"subsidy_year": 2026, "roster": ROSTER, "household_count": 3, "roster_total": TOTAL,
                       "ledger_extract": ["att-1"]}, parameters={"farm_subsidy_roster_publicity_days": 10})
    checked(s)
    s.do("publish_roster", {"roster_published_on": "2026-04-01", "roster_notice_photo": ["att-1"]})
    wait_past(s, 10, "township_review")


# -- the definition ----------------------------------------------------------------------------------
def test_the_roster_is_published_with_the_household_head_masked_and_no_ids():
    info = start().bundle.info
    for step in ("publish_roster", "publish_result"):
        (publication,) = info.steps[step].publications
        (roster,) = [f for f in publication.fields if f.ref == "roster"]
        shown = {c.ref: c.cls for c in roster.columns}
        assert shown == {"household_head": "masked", "villager_group": "public", "area": "public", "amount": "public",
                         "id_number": "never", "contract_no": "never", "card_account": "never"}
