"""Scenario tests of 村级财务公开 (finance_disclosure, WW-04).

Each month or quarter (a township parameter) the 报账员 draws up the period's income and spending,
the township 农经站 checks it against the books and stamps it, the 村务监督委员会 checks and signs
it, the 村委会 publishes it (a record under 财务公开 on the portal and the notice board) and
objections are taken during the publication; the 农经站 checks an objection against the books. The
R10 red line (tests/unit/test_redline_r10.py) flags a period not published by its due day.
Together the scenarios take every sequence flow (`test_every_sequence_flow_is_taken`).
"""
from __future__ import annotations


import pytest

from engine.errors import InvalidData
from engine.forms import clean_form_data
from tests.scenario import Scenario, default_parameters, finished, item_catalog, steps
from tests.walks import object_during, wait_past

KEY = "finance_disclosure"
P = default_parameters()
PERIOD = {"summary": "2026年第一季度财务收支公开", "period_start": "2026-01-01", "period_end": "2026-03-31"}


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="村级财务公开", list_code="WW-04", category="村务管理",
    cites=("第三十条",),
    lanes={"REPORTING_CLERK", "SUPERVISION_COMMITTEE", "VILLAGE_COMMITTEE", "PUBLIC_PLATFORM", "TOWNSHIP_AGRI_ECON"},
    supervision={"agri_review", "supervision_review", "statement_objection"},
    objections={"statement_objection"},
    separations={"agri_review": ("prepare_statement",), "supervision_review": ("prepare_statement",)},
    roles={"agri_review": "TOWNSHIP_AGRI_ECON"},
    end_events={"end_published": "本期财务已公开"},
    published={"publish_statement": dict(section="village_affairs", publicity_step="statement_objection",
                                         shows={"income_total", "expense_total", "balance", "cash_on_hand",
                                                "statement_items", "statement_file"},
                                         never_shows={"statement_posting_photos"})},
)


def start(data: dict | None = None) -> Scenario:
    data = {**PERIOD, **(data or {})}
    clean_form_data(item_catalog(KEY).bundle(KEY).info.start_form, data, P)     # as the service checks it
    s = Scenario(KEY, data)
    assert steps(s) == {"prepare_statement"} and s.ready()["prepare_statement"][0].role == "REPORTING_CLERK"
    return s


def prepare(s: Scenario, expense: float = 86500) -> None:
    assert steps(s) == {"prepare_statement"}
    s.do("prepare_statement", {"income_total": 120000, "expense_total": expense, "balance": 120000 - expense,
                               "cash_on_hand": 2300,
                               "statement_items": "1月5日 村道养护 12,000元；2月10日 集体资产租金收入 120,000元 ……",
                               "statement_file": ["att-statement-1"]}, role="REPORTING_CLERK")


def agri(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"agri_review"} and s.ready()["agri_review"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("agri_review", {"agri_result": result,
                         "agri_opinion": "与账簿一致" if result == "approve" else "支出合计与账簿差 500 元"},
         role="TOWNSHIP_AGRI_ECON")


def supervise(s: Scenario, result: str = "approve") -> None:
    assert steps(s) == {"supervision_review"}
    s.do("supervision_review", {"supervision_result": result,
                                "supervision_opinion": "真实完整" if result == "approve" else "缺少2月份明细"},
         role="SUPERVISION_COMMITTEE")


def publish(s: Scenario) -> None:
    assert steps(s) == {"publish_statement"} and s.ready()["publish_statement"][0].role == "VILLAGE_COMMITTEE"
    s.do("publish_statement", {"statement_published_on": "2026-04-15", "statement_posting_photos": ["att-photo-1"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"statement_objection"}


def reverify(s: Scenario, upheld: bool) -> None:
    assert steps(s) == {"reverify_statement"} and s.ready()["reverify_statement"][0].role == "TOWNSHIP_AGRI_ECON"
    s.do("reverify_statement", {"verification_finding": "对照账簿核实", "objection_upheld": upheld},
         role="TOWNSHIP_AGRI_ECON")


def archive(s: Scenario) -> None:
    assert steps(s) == {"archive"}
    s.do("archive", {"archive_no": "WW04-2026-Q1", "archive_files": ["att-archive-1"]}, role="REPORTING_CLERK")


def checked_and_published(s: Scenario) -> None:
    """The 农经站 stamps, the 村监委 signs, the 村委会 publishes."""
    agri(s)
    supervise(s)
    publish(s)


def period_ends_and_archived(s: Scenario) -> Scenario:
    wait_past(s, P["finance_disclosure_publicity_days"], "archive")
    archive(s)
    return finished(s, "本期财务已公开")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def checked_signed_published_and_archived() -> Scenario:
    s = start()
    prepare(s)
    checked_and_published(s)
    return period_ends_and_archived(s)


def returned_by_the_township_and_by_the_committee() -> Scenario:
    s = start()
    prepare(s, expense=86000)
    agri(s, "return")                               # the figures differ from the books
    prepare(s)
    agri(s)
    supervise(s, "return")                          # a month missing
    prepare(s)
    checked_and_published(s)
    return period_ends_and_archived(s)


def objection_dismissed_then_one_upheld_and_corrected() -> Scenario:
    s = start()
    prepare(s)
    checked_and_published(s)
    object_during(s, "statement_objection", after_days=2)
    reverify(s, upheld=False)
    (timer,) = s.matter.waiting_timers()
    assert timer.element_id == "statement_publicity"
    assert timer.due == s.period_end(P["finance_disclosure_publicity_days"]), "the period starts again"
    object_during(s, "statement_objection")
    reverify(s, upheld=True)                        # an item was booked twice: corrected and checked again
    prepare(s, expense=86000)
    checked_and_published(s)
    return period_ends_and_archived(s)


SCENARIOS = [checked_signed_published_and_archived, returned_by_the_township_and_by_the_committee,
             objection_dismissed_then_one_upheld_and_corrected]


# -- the forms ---------------------------------------------------------------------------------------
def test_the_period_ends_after_it_starts():
    with pytest.raises(InvalidData) as err:
        start({"period_start": "2026-03-31", "period_end": "2026-01-01"})
    assert set(err.value.errors) == {"period_end"}


def test_the_statement_needs_its_table_and_sensible_amounts():
    s = start()
    with pytest.raises(InvalidData) as err:
        s.do("prepare_statement", {"income_total": -1, "expense_total": "abc", "balance": 0, "cash_on_hand": -5,
                                   "statement_items": "x"}, role="REPORTING_CLERK")
    assert set(err.value.errors) == {"income_total", "expense_total", "cash_on_hand", "statement_file"}


def test_a_return_needs_its_reason_and_publication_is_not_before_the_period_ends():
    s = start()
    prepare(s)
    with pytest.raises(InvalidData) as err:
        s.do("agri_review", {"agri_result": "return"}, role="TOWNSHIP_AGRI_ECON")
    assert set(err.value.errors) == {"agri_opinion"}
    agri(s)
    supervise(s)
    with pytest.raises(InvalidData) as err:
        s.do("publish_statement", {"statement_published_on": "2026-03-30", "statement_posting_photos": ["att-1"]},
             role="VILLAGE_COMMITTEE")
    assert set(err.value.errors) == {"statement_published_on"}
