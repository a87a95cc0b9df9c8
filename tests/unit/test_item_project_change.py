"""Scenario tests of 工程变更 (project_change, GC-03).

A change order on a running village project: the 施工单位 or the 村委会 proposes it (reason, content,
amount, new total, days added; the project is cited by its number or name), the 行业主管部门 checks it
technically with the 监理's opinion and fixes the amount, and the decision level follows the amount
and the cumulative changes as a share of the contract price (township parameters): below both the
两委 decide and the 村监委 is told, otherwise 四议两公开; from a share on the township reviews the
cost again. The "1+N" oversight departments are told, the change is published (objections taken),
the supplement contract is signed and published under 工程项目. Tiers straddle each threshold
exactly. Together the scenarios take every sequence flow.
"""
from __future__ import annotations

from fractions import Fraction

import pytest

from engine.errors import InvalidData
from tests.scenario import Scenario, default_parameters, finished, steps
from tests.walks import object_during, pass_major_decision, reject_major_decision, wait_past

KEY = "project_change"
P = default_parameters()
OVERSIGHT_ROLES = P["oversight_roles"]
THRESHOLD = P["project_change_decision_threshold"]
SMALL = Fraction(P["project_change_small_ratio"])


# What the definition declares: tests/unit/test_items.py checks it.
DEFINITION = dict(
    name="工程变更", list_code="GC-03", category="工程项目",
    calls=("major_decision",),
    lanes={"VILLAGE_COMMITTEE", "TOWNSHIP_FINANCE", "REPORTING_CLERK", "SUPERVISION_COMMITTEE",
           "TOWNSHIP_DISCIPLINE", "INDUSTRY_DEPT", "PUBLIC_PLATFORM", "TWO_COMMITTEES"},
    supervision={"sc_notice", "oversight_informed", "change_objection"},
    objections={"change_objection"},
    separations={"technical_review": ("start",), "sc_notice": ("start",), "cost_review": ("start",),
                 "oversight_informed": ("start",), "sign_supplement": ("start",)},
    roles={"oversight_informed": "TOWNSHIP_DISCIPLINE"},
    end_events={"end_not_approved": "技术审核不同意变更", "end_rejected": "变更未通过决策",
                "end_done": "变更已签订补充合同"},
    called_sections={"major_decision": "project"},
    published={"publish_change": dict(section="project", publicity_step="change_objection",
                                      shows={"project_ref", "change_reason", "change_content", "verified_amount",
                                             "new_total", "days_added"}),
               "sign_supplement": dict(section="project", publicity_step=None,
                                       shows={"supplement_no", "supplement_amount", "new_contract_total",
                                              "supplement_file"})},
)


def start(amount, contract_price=1_000_000, prior=0, data: dict | None = None) -> Scenario:
    s = Scenario(KEY, {
        "project_ref": "GC-2026-003 绿水村三组通组道路硬化", "contract_no": "HT-2026-03",
        "summary": "K0+400至K0+600段路基换填", "proposed_by": "contractor",
        "change_reason": "开挖发现软土路基，原设计无法满足承载要求", "change_content": "换填碎石土200米，增加工程量约600立方米",
        "contract_price": contract_price, "prior_changes_total": prior, "change_direction": "increase",
        "amount": amount, "new_total": contract_price + amount, "days_added": 10,
        "change_documents": ["att-change"], **(data or {})})
    assert steps(s) == {"technical_review"} and s.ready()["technical_review"][0].role == "INDUSTRY_DEPT"
    return s


def technical(s: Scenario, verified, result: str = "approve") -> None:
    assert steps(s) == {"technical_review"}
    s.do("technical_review", {"supervisor_opinion": "监理单位同意，工程量属实", "technical_result": result,
                              "verified_amount": verified if result == "approve" else 0,
                              "technical_opinion": "符合技术规范" if result == "approve" else "可通过调整线形避开，不必换填"},
         role="INDUSTRY_DEPT")


def two_committees(s: Scenario, attendees: int = 7, votes_for: int = 5) -> None:
    assert steps(s) == {"tc_decide"}
    s.do("tc_decide", {"tc_members": 7, "tc_attendees": attendees, "tc_for": votes_for, "tc_minutes": "两委会议记录",
                       "tc_minutes_file": ["att-tc"]}, role="TWO_COMMITTEES")


def supervision_told(s: Scenario) -> None:
    assert steps(s) == {"sc_notice"}
    s.do("sc_notice", {"sc_notified_on": "2026-03-05"}, role="SUPERVISION_COMMITTEE")


def cost_reviewed(s: Scenario, amount) -> None:
    assert steps(s) == {"cost_review"} and s.ready()["cost_review"][0].role == "TOWNSHIP_FINANCE"
    s.do("cost_review", {"reviewed_amount": amount, "cost_review_no": "青财评〔2026〕21号", "cost_review_opinion": "审定",
                         "cost_review_file": ["att-review"]}, role="TOWNSHIP_FINANCE")


def published(s: Scenario) -> None:
    """The "1+N" departments are told (each its own step), then the change is published."""
    assert sorted(t.role for t in s.ready()["oversight_informed"]) == sorted(OVERSIGHT_ROLES)
    for role in OVERSIGHT_ROLES:
        s.do("oversight_informed", {"oversight_ack": "noted", "oversight_note": "纳入下次检查"}, role=role)
    assert steps(s) == {"publish_change"}
    s.do("publish_change", {"change_published_on": "2026-03-20", "change_posting_photos": ["att-photo"]},
         role="VILLAGE_COMMITTEE")
    assert steps(s) == {"change_objection"}


def reverify(s: Scenario, upheld: bool) -> None:
    assert steps(s) == {"reverify_change"} and s.ready()["reverify_change"][0].role == "TWO_COMMITTEES"
    s.do("reverify_change", {"verification_finding": "现场核实", "objection_upheld": upheld}, role="TWO_COMMITTEES")


def signed_and_archived(s: Scenario, amount, contract_price=1_000_000) -> Scenario:
    wait_past(s, P["project_change_publicity_days"], "sign_supplement")
    s.do("sign_supplement", {"supplement_no": "HT-2026-03-BC1", "supplement_amount": amount,
                             "new_contract_total": contract_price + amount, "new_completion_date": "2026-07-10",
                             "supplement_signed_on": "2026-04-01", "supplement_file": ["att-supplement"]},
         role="VILLAGE_COMMITTEE")
    s.do("archive", {"archive_no": "GC03-2026-001"}, role="REPORTING_CLERK")
    return finished(s, "变更已签订补充合同")


# -- scenarios (each returns its finished Scenario for the coverage test) ----------------------
def small_change_decided_by_the_two_committees() -> Scenario:
    price = 200_000
    amount = min(THRESHOLD - 0.01, float(SMALL * price) - 0.01)      # just under both limits
    s = start(amount, contract_price=price)
    technical(s, amount)
    two_committees(s)
    supervision_told(s)
    published(s)
    return signed_and_archived(s, amount, price)


def large_change_by_major_decision_reviewed_again_objection_dismissed() -> Scenario:
    price = 200_000
    s = start(60_000, contract_price=price)
    technical(s, 60_000)                                       # at 30% of the contract price
    assert steps(s) == {"propose"} and s.ready()["propose"][0].role == "PARTY_BRANCH"
    pass_major_decision(s)
    cost_reviewed(s, 57_500)
    published(s)
    object_during(s, "change_objection", after_days=1)
    reverify(s, upheld=False)
    return signed_and_archived(s, 57_500, price)


def amount_at_the_limit_without_review_then_objection_upheld_and_refused() -> Scenario:
    s = start(THRESHOLD)                                      # 5% of 1,000,000: no cost review
    technical(s, THRESHOLD)
    pass_major_decision(s)
    published(s)
    object_during(s, "change_objection")
    reverify(s, upheld=True)                                  # the soft ground was known at tender
    technical(s, 0, result="reject")
    return finished(s, "技术审核不同意变更")


def cumulative_share_reaches_the_limit_small_amount_goes_to_major_decision() -> Scenario:
    price = 1_000_000
    prior = float(SMALL * price) - 1000                       # earlier changes: just under 10%
    s = start(1000, contract_price=price, prior=prior)
    technical(s, 1000)                                        # together exactly 10%
    assert steps(s) == {"propose"}
    reject_major_decision(s)
    return finished(s, "变更未通过决策")


def two_committees_reject() -> Scenario:
    s = start(5000)
    technical(s, 5000)
    two_committees(s, attendees=6, votes_for=3)               # a tie among those present
    return finished(s, "变更未通过决策")


def technically_refused() -> Scenario:
    s = start(5000)
    technical(s, 0, result="reject")
    return finished(s, "技术审核不同意变更")


SCENARIOS = [small_change_decided_by_the_two_committees,
             large_change_by_major_decision_reviewed_again_objection_dismissed,
             amount_at_the_limit_without_review_then_objection_upheld_and_refused,
             cumulative_share_reaches_the_limit_small_amount_goes_to_major_decision,
             two_committees_reject, technically_refused]


# -- the forms and the tiers ---------------------------------------------------------------------
def test_the_new_total_must_fit_the_contract_price_and_the_change():
    with pytest.raises(InvalidData) as err:
        start(10_000, data={"new_total": 1_020_000.01, "days_added": -1, "change_documents": []})
    assert set(err.value.errors) == {"new_total", "days_added", "change_documents"}
    with pytest.raises(InvalidData) as err:
        start(10_000, data={"change_direction": "decrease", "new_total": 989_999.99})
    assert set(err.value.errors) == {"new_total"}
    start(10_000, data={"change_direction": "decrease", "new_total": 990_000})


def test_the_threshold_reads_the_technically_verified_amount():
    s = start(THRESHOLD + 20_000)                             # asked for more than the 两委 may decide
    technical(s, THRESHOLD - 0.01)                            # verified below it
    assert steps(s) == {"tc_decide"}


def test_a_township_may_tighten_the_tiers():
    s = Scenario(KEY, {"project_ref": "GC-2026-003", "contract_no": "HT-1", "summary": "变更", "proposed_by": "village",
                       "change_reason": "x", "change_content": "y", "contract_price": 100_000, "prior_changes_total": 0,
                       "change_direction": "increase", "amount": 3000, "new_total": 103_000, "days_added": 0,
                       "change_documents": ["att-1"]},
                 parameters={"project_change_small_ratio": "1/50", "project_change_review_ratio": "1/50"})
    technical(s, 3000)                                        # 3% is over a 2% share
    assert steps(s) == {"propose"}


def test_the_cost_review_and_the_supplement_cannot_exceed_what_was_decided():
    s = start(60_000, contract_price=200_000)
    technical(s, 60_000)
    pass_major_decision(s)
    with pytest.raises(InvalidData) as err:
        s.do("cost_review", {"reviewed_amount": 60_000.01, "cost_review_no": "x", "cost_review_opinion": "y",
                             "cost_review_file": ["att-r"]}, role="TOWNSHIP_FINANCE")
    assert set(err.value.errors) == {"reviewed_amount"}
