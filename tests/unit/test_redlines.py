"""Every red-line rule (processes/redlines.toml, engine/redlines/): matter data that trips it and a
near miss that does not. Facts are written by hand: no database, no engine."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from engine.redlines import (MatterFacts, OpenObjection, ReadyStep, RelatedParty, RoleHolder, RuleBook,
                             StepRecord, VillageFacts, check_matter, check_village, rules_path)
from engine.registry import load_parameters

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BOOK = RuleBook.load(rules_path(PROCESSES))
PARAMS = {name: p.value for name, p in load_parameters(PROCESSES).items()}
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)          # 10:00 Beijing, Monday 2 March 2026
_ids = iter(range(1, 10_000))


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def on(days: int) -> str:
    return (T0 + timedelta(days=days)).astimezone(timezone(timedelta(hours=8))).date().isoformat()


def matter(item: str, steps=(), data=None, amount=None, status="running", **kw) -> MatterFacts:
    """A matter whose steps are (step id, day, data) in order; data merges start data and steps."""
    records, merged = [], dict(data or {})
    actor, actor_name = kw.pop("actor", "clerk"), kw.pop("actor_name", "")
    for step, days, values in steps:
        process, _, step_id = step.rpartition(".")
        records.append(StepRecord(step_id, at(days), actor, values, process or item, actor_name=actor_name))
        merged.update(values)
    amount = amount if amount is not None else merged.get("amount")
    return MatterFacts(kw.pop("id", next(_ids)), item, "lushui_village", "qingshan_town", kw.pop("subject", item),
                       status=status, amount=amount, data=merged, params={**PARAMS, **kw.pop("params", {})},
                       created_at=kw.pop("created_at", T0), steps=tuple(records), **kw)


def codes(hits, code: str) -> list[str]:
    return [h.check for h in hits if h.code == code]


def village(*matters, **kw) -> VillageFacts:
    return VillageFacts("lushui_village", "qingshan_town", tuple(matters), now=kw.pop("now", at(60)), **kw)


def only(code: str, *matters, **kw):
    return [h for h in check_village(village(*matters, **kw), BOOK, only={code})]


def test_every_rule_has_its_metadata_and_a_test():
    assert {f"R{i}" for i in range(1, 23)} - set(BOOK.rules) == set()
    for rule in BOOK:
        assert rule.name and rule.description and rule.severity in ("high", "medium", "low")
    source = Path(__file__).read_text(encoding="utf-8")
    assert all(f"def test_{rule.code.lower()}_" in source for rule in BOOK)


# -- R1 ---------------------------------------------------------------------------------------
DECISION = [("major_decision.resolve_rep", 10, {"rep_total": 40, "rep_attendees": 31, "rep_for": 27})]


def test_r1_contract_before_the_resolution():
    hits = check_matter(matter("village_project", DECISION + [("sign_contract", 20, {"signed_on": on(7)})],
                               {"amount": 150000}), BOOK, {"R1"})
    assert [h.text for h in hits] == ["签订合同日期早于村民（代表）会议决议日期 3 天（先签订合同后决策）"]
    assert check_matter(matter("village_project", DECISION + [("sign_contract", 20, {"signed_on": on(11)})],
                               {"amount": 150000}), BOOK, {"R1"}) == []


def test_r1_no_resolution_and_expense_before_it():
    big = matter("procurement", [("sign_contract", 5, {"signed_on": on(5)})], {"amount": 60000})
    assert codes(check_matter(big, BOOK, {"R1"}), "R1") == ["resolution_missing"]
    small = matter("procurement", [("sign_contract", 5, {"signed_on": on(5)})], {"amount": 49999})
    assert check_matter(small, BOOK, {"R1"}) == []
    spent = matter("expense_reimbursement", DECISION, {"amount": 50000, "spent_on": on(2)})
    assert codes(check_matter(spent, BOOK, {"R1"}), "R1") == ["resolution_after_act"]
    later = matter("expense_reimbursement", DECISION, {"amount": 50000, "spent_on": on(12)})
    assert check_matter(later, BOOK, {"R1"}) == []


def test_r1_a_reimbursement_decided_in_its_prior_approval():
    approval = matter("spending_approval", DECISION, {"amount": 50000}, status="completed", id=501)
    booked = [("agent_check", 20, {"check_result": "booked"})]
    in_time = matter("expense_reimbursement", booked, {"amount": 50000, "spent_on": on(12), "approval_matter": 501})
    assert check_matter(in_time, BOOK, {"R1"}) == []                 # no decision of its own: it has one, cited
    assert only("R1", approval, in_time) == []
    early = matter("expense_reimbursement", booked, {"amount": 50000, "spent_on": on(8), "approval_matter": 501})
    [hit] = only("R1", approval, early)
    assert hit.matters == tuple(sorted((501, early.id))) and hit.text == "支出日期早于所引第 501 号事前审批的决定日期 2 天（先支出后审批）"
    not_booked = matter("expense_reimbursement", [], {"amount": 50000, "spent_on": on(8), "approval_matter": 501})
    assert only("R1", approval, not_booked) == []                    # flagged when it is booked, not before


def test_r1_nonproductive_spending_dated_before_its_resolution():
    early = matter("nonproductive_expense", DECISION + [("spend", 12, {"spent_on": on(6), "actual_amount": 1200})],
                   {"amount": 1200})
    assert [h.text for h in check_matter(early, BOOK, {"R1"})] == ["开支日期早于村民（代表）会议决议日期 4 天（先开支后决策）"]
    after = matter("nonproductive_expense", DECISION + [("spend", 12, {"spent_on": on(11), "actual_amount": 1200})],
                   {"amount": 1200})
    assert check_matter(after, BOOK, {"R1"}) == []
    below = matter("nonproductive_expense", [("spend", 12, {"spent_on": on(11), "actual_amount": 999})], {"amount": 999})
    assert check_matter(below, BOOK, {"R1"}) == []          # under the township's 1,000 元: the 两委 decided


# -- R2 ---------------------------------------------------------------------------------------
def test_r2_two_committees_short_of_quorum_and_going_on():
    short = matter("expense_reimbursement", [("tc_decide", 1, {"tc_members": 7, "tc_attendees": 3, "tc_for": 2}),
                                             ("supervision_review", 2, {})], {"amount": 3000})
    hits = check_matter(short, BOOK, {"R2"})
    assert codes(hits, "R2") == ["quorum_short"] and "应到 7 人、实到 3 人" in hits[0].text
    enough = matter("expense_reimbursement", [("tc_decide", 1, {"tc_members": 7, "tc_attendees": 4, "tc_for": 3}),
                                              ("supervision_review", 2, {})], {"amount": 3000})
    assert check_matter(enough, BOOK, {"R2"}) == []


def test_r2_party_meeting_majority_of_all_members_and_a_failed_vote_that_stopped():
    thin = matter("major_decision", [("review", 1, {"pm_total": 30, "pm_attendees": 20, "pm_for": 15}),
                                     ("resolve_rep", 2, {})])
    assert "赞成 15 票，未达到应到人数的 1/2" in check_matter(thin, BOOK, {"R2"})[0].text
    stopped = matter("major_decision", [("review", 1, {"pm_total": 30, "pm_attendees": 20, "pm_for": 15}),
                                        ("revise_or_stop", 2, {"next_action": "stop"})])
    assert check_matter(stopped, BOOK, {"R2"}) == []
    passed = matter("major_decision", [("review", 1, {"pm_total": 30, "pm_attendees": 20, "pm_for": 16}),
                                       ("resolve_rep", 2, {})])
    assert check_matter(passed, BOOK, {"R2"}) == []


def test_r2_villager_meeting_by_households():
    by_households = {"adults_total": 1000, "vm_attendees": 400, "households_total": 300, "vm_households": 200, "vm_for": 300}
    ok = matter("major_decision", [("resolve_full", 1, by_households), ("publish_resolution", 2, {})])
    assert check_matter(ok, BOOK, {"R2"}) == []
    short = matter("major_decision", [("resolve_full", 1, {**by_households, "vm_households": 199}),
                                      ("publish_resolution", 2, {})])
    assert codes(check_matter(short, BOOK, {"R2"}), "R2") == ["quorum_short"]


def test_r2_poverty_monitoring_appraisal_short_and_a_household_told_it_is_not_included():
    short = matter("poverty_monitoring", [("rep_appraisal", 1, {"rep_total": 30, "rep_attendees": 19, "rep_for": 19}),
                                          ("sc_review", 2, {})])
    assert codes(check_matter(short, BOOK, {"R2"}), "R2") == ["quorum_short"]
    refused = matter("poverty_monitoring", [("rep_appraisal", 1, {"rep_total": 30, "rep_attendees": 24, "rep_for": 12}),
                                            ("notify_not_included", 2, {})])
    assert check_matter(refused, BOOK, {"R2"}) == [], "a failed appraisal that ends in 未纳入监测 is no violation"
    passed = matter("poverty_monitoring", [("rep_appraisal", 1, {"rep_total": 30, "rep_attendees": 20, "rep_for": 11}),
                                           ("sc_review", 2, {})])
    assert check_matter(passed, BOOK, {"R2"}) == []


# -- R3 ---------------------------------------------------------------------------------------
def test_r3_plan_sent_too_late_before_the_party_meeting():
    late = matter("major_decision", [("send_plan", 1, {"plan_sent_on": on(1)}), ("review", 2, {})])
    assert [h.text for h in check_matter(late, BOOK, {"R3"})] == ["方案送达党员后仅 1 天即召开党员大会审议（应提前 3 天）"]
    in_time = matter("major_decision", [("send_plan", 1, {"plan_sent_on": on(1)}), ("review", 4, {})])
    assert check_matter(in_time, BOOK, {"R3"}) == []


def test_r3_completed_without_publishing_the_result():
    steps = [("send_plan", 1, {"plan_sent_on": on(1)}), ("review", 4, {}), ("resolve_rep", 5, {}),
             ("publish_resolution", 6, {}), ("implement", 20, {})]
    missing = matter("major_decision", steps, status="completed")
    assert codes(check_matter(missing, BOOK, {"R3"}), "R3") == ["publication_missing"]
    published = matter("major_decision", steps + [("publish_result", 21, {})], status="completed")
    assert check_matter(published, BOOK, {"R3"}) == []


# -- R4 ---------------------------------------------------------------------------------------
def test_r4_purchases_split_under_the_threshold():
    a = matter("procurement", data={"amount": 19000, "supplier": "青山五金店", "item_name": "路灯"}, created_at=at(0))
    b = matter("procurement", data={"amount": 9000, "supplier": "青山五金店", "item_name": "灯杆"}, created_at=at(20))
    hits = only("R4", a, b)
    assert [h.matters for h in hits] == [(a.id, b.id)]
    assert "采购“青山五金店”20 天内 2 笔（1.9 万元 + 9,000 元），每笔低于进场采购限额 2 万元，合计 2.8 万元（疑似拆分规避）" in hits[0].text
    far = matter("procurement", data={"amount": 9000, "supplier": "青山五金店", "item_name": "灯杆"}, created_at=at(120))
    assert only("R4", a, far) == []
    small = matter("procurement", data={"amount": 900, "supplier": "青山五金店", "item_name": "灯泡"}, created_at=at(20))
    assert only("R4", a, small) == []


def test_r4_same_scope_different_suppliers():
    a = matter("procurement", data={"amount": 15000, "supplier": "甲店", "item_name": "办公桌椅（一批）"}, created_at=at(0))
    b = matter("procurement", data={"amount": 15000, "supplier": "乙店", "item_name": "办公桌椅（二批）"}, created_at=at(5))
    assert [h.evidence["by"] for h in only("R4", a, b)] == ["item_name"]


# -- R5 ---------------------------------------------------------------------------------------
PROJECT = [("township_review", 10, {"approval_no": "青政项〔2026〕1号"}), ("cost_review", 15, {"control_price": 95000}),
           ("three_quotes", 20, {"award_price": 90000, "contractor": "绿水建设队"})]


def test_r5_contract_before_the_project_approval():
    early = matter("village_project", PROJECT + [("sign_contract", 21, {"signed_on": on(7), "contract_price": 90000})],
                   {"amount": 90000})
    assert [h.text for h in check_matter(early, BOOK, {"R5"})] == ["合同签订日期早于立项批准日期 3 天"]
    before_quotes = matter("village_project", PROJECT + [("sign_contract", 21, {"signed_on": on(18)})], {"amount": 90000})
    assert [h.evidence["approval"] for h in check_matter(before_quotes, BOOK, {"R5"})] == ["招标（询价）结果"]
    in_order = matter("village_project", PROJECT + [("sign_contract", 21, {"signed_on": on(20)})], {"amount": 90000})
    assert check_matter(in_order, BOOK, {"R5"}) == []


# -- R6 ---------------------------------------------------------------------------------------
def test_r6_contract_above_the_reviewed_price_and_settlement_above_the_contract():
    over = matter("village_project", PROJECT + [("sign_contract", 21, {"signed_on": on(21), "contract_price": 96000}),
                                                ("settlement_audit", 60, {"audited_amount": 110000})], {"amount": 90000})
    assert sorted(codes(check_matter(over, BOOK, {"R6"}), "R6")) == ["contract_above_control", "settlement_above_contract"]
    within = matter("village_project", PROJECT + [("sign_contract", 21, {"signed_on": on(21), "contract_price": 95000}),
                                                  ("settlement_audit", 60, {"audited_amount": 104500})], {"amount": 90000})
    assert check_matter(within, BOOK, {"R6"}) == []


def test_r6_subsidy_paid_before_the_acceptance():
    steps = [("county_approve", 1, {"subsidy_amount": 10000}), ("acceptance", 30, {"accepted_on": on(30)})]
    early = matter("dilapidated_housing", steps + [("pay_subsidy", 31, {"paid_amount": 10000, "paid_on": on(25)})])
    assert codes(check_matter(early, BOOK, {"R6"}), "R6") == ["paid_before_acceptance"]
    after = matter("dilapidated_housing", steps + [("pay_subsidy", 31, {"paid_amount": 10000, "paid_on": on(31)})])
    assert check_matter(after, BOOK, {"R6"}) == []


def test_r6_medical_assistance_paid_above_the_amount_decided():
    decided = [("county_decide", 1, {"approved_amount": 5000})]
    over = matter("medical_assistance", decided + [("record_payment", 3, {"paid_amount": 5000.01})])
    assert codes(check_matter(over, BOOK, {"R6"}), "R6") == ["paid_above_approved"]
    exact = matter("medical_assistance", decided + [("record_payment", 3, {"paid_amount": 5000})])
    assert check_matter(exact, BOOK, {"R6"}) == []


def test_r6_a_project_paid_before_its_acceptance_or_above_its_audit():
    def paid(on_day, amount):
        return matter("village_project", [("acceptance", 10, {"acceptance_on": on(10)}),
                                          ("settlement_audit", 20, {"audited_amount": 42000}),
                                          ("pay_contractor", 25, {"paid_on": on(on_day), "paid_amount": amount})])
    assert codes(check_matter(paid(8, 42000), BOOK, {"R6"}), "R6") == ["paid_before_acceptance"]
    assert codes(check_matter(paid(25, 42000.5), BOOK, {"R6"}), "R6") == ["paid_above_audited"]
    assert check_matter(paid(10, 42000), BOOK, {"R6"}) == []                 # on the day, the whole amount


# -- R7 ---------------------------------------------------------------------------------------
def test_r7_lease_below_the_reserve_price_and_off_platform():
    below = matter("asset_lease", [("reserve_review", 1, {"reserve_price": 42000}),
                                   ("village_bidding", 10, {"best_bid": 46000}),
                                   ("sign_contract", 12, {"contract_price": 40000})])
    assert [h.text for h in check_matter(below, BOOK, {"R7"})] == ["成交价 4 万元 低于评审底价 4.2 万元，差 2,000 元"]
    off = matter("asset_lease", [("reserve_review", 1, {"reserve_price": 42000}), ("village_bidding", 10, {}),
                                 ("sign_contract", 12, {"contract_price": 52000})])
    assert codes(check_matter(off, BOOK, {"R7"}), "R7") == ["off_platform"]
    fine = matter("asset_lease", [("reserve_review", 1, {"reserve_price": 42000}), ("village_bidding", 10, {}),
                                  ("sign_contract", 12, {"contract_price": 46000})])
    assert check_matter(fine, BOOK, {"R7"}) == []



def test_r7_land_contract_below_the_reserve_fee_and_off_platform_by_amount_or_area():
    """A land contract's deal is its yearly fee (contract_fee against reserve_fee); it goes to the
    platform at 20,000 yuan a year or 50 mu (the county's parameters); 家庭承包 never does."""
    def land(fee, reserve=12000, area=30, method="open_bidding", listed=False, **params):
        steps = [("draft_plan", 1, {"matter_type": "contract", "contract_method": method, "land_area": area,
                                    "reserve_fee": reserve}),
                 ("platform_listing" if listed else "village_bidding", 8, {}),
                 ("sign_contract", 12, {"contract_fee": fee})]
        return check_matter(matter("land_contracting", steps, params=params), BOOK, {"R7"})
    assert [h.text for h in land(11000)] == ["成交价 1.1 万元 低于评审底价 1.2 万元，差 1,000 元"]
    assert codes(land(21000), "R7") == ["off_platform"]
    assert [(h.check, h.text) for h in land(13000, area=80)] == [
        ("off_platform_area", "面积 80 亩达到进场交易限额 50 亩，未进入产权交易平台交易")]
    assert land(13000) == [] and land(21000, area=80, listed=True) == []
    assert land(21000, reserve=0, area=80, method="household") == []            # 家庭承包: never listed
    assert land(21000, area=80, land_contract_platform_area=100, land_contract_platform_amount=30000) == []

# -- R8 ---------------------------------------------------------------------------------------
def test_r8_guarantee_going_on_and_a_loan_stamped_without_resolution():
    guarantee = matter("new_borrowing", [("draft_plan", 1, {})], {"request_type": "guarantee", "amount": 100000})
    assert codes(check_matter(guarantee, BOOK, {"R8"}), "R8") == ["banned_request"]
    refused = matter("new_borrowing", [("refuse", 1, {})], {"request_type": "guarantee", "amount": 100000})
    assert check_matter(refused, BOOK, {"R8"}) == []
    loan = matter("seal_use", [("verify_resolution", 1, {"resolution_body": "NONE"}), ("director_sign", 2, {}),
                               ("stamp", 3, {"register_no": "YZ-1"})], {"use_type": "loan"})
    assert codes(check_matter(loan, BOOK, {"R8"}), "R8") == ["seal_without_resolution"]
    valid = matter("seal_use", [("record_resolution", 1, {"resolution_valid": "valid"}), ("director_sign", 2, {}),
                                ("stamp", 3, {"register_no": "YZ-1"})], {"use_type": "loan"})
    assert check_matter(valid, BOOK, {"R8"}) == []


def test_r8_an_investment_that_is_a_guarantee_or_a_loan_going_on():
    lent = matter("collective_investment", [("draft_plan", 1, {})], {"investment_type": "lending", "amount": 200000})
    hits = check_matter(lent, BOOK, {"R8"})
    assert codes(hits, "R8") == ["banned_request"] and "出借集体资金属禁止事项" in hits[0].text
    guarantee = matter("collective_investment", [("feasibility_review", 1, {})], {"investment_type": "guarantee"})
    assert codes(check_matter(guarantee, BOOK, {"R8"}), "R8") == ["banned_request"]
    # near misses: the same request refused, an equity investment worked on, a lending not yet touched
    refused = matter("collective_investment", [("refuse", 1, {})], {"investment_type": "lending", "amount": 200000})
    assert check_matter(refused, BOOK, {"R8"}) == []
    equity = matter("collective_investment", [("draft_plan", 1, {})], {"investment_type": "equity", "amount": 200000})
    assert check_matter(equity, BOOK, {"R8"}) == []
    assert check_matter(matter("collective_investment", (), {"investment_type": "lending"}), BOOK, {"R8"}) == []
    # the field is the item's own: an investment's answer is not read under the borrowing's name
    other = matter("land_contracting", [("draft_plan", 1, {})], {"investment_type": "lending"})
    assert check_matter(other, BOOK, {"R8"}) == []


# -- R9 ---------------------------------------------------------------------------------------
def test_r9_dibao_first_review_published_too_short():
    short = matter("dibao", [("publish_first_review", 1, {"first_review_published_on": on(4)}), ("county_review", 8, {})])
    hits = check_matter(short, BOOK, {"R9"})
    assert [h.check for h in hits] == ["publicity_short"] and "4 天后即办理下一步（应不少于 7 天）" in hits[0].text
    full = matter("dibao", [("publish_first_review", 1, {"first_review_published_on": on(1)}), ("county_review", 8, {})])
    assert check_matter(full, BOOK, {"R9"}) == []


def test_r9_poverty_monitoring_publicity_before_inclusion_and_before_removal():
    days = PARAMS["poverty_monitoring_publicity_days"]
    short = matter("poverty_monitoring", [("publish_proposed", 1, {"proposed_published_on": on(1)}),
                                          ("township_review", days, {})])
    assert [h.check for h in check_matter(short, BOOK, {"R9"})] == ["publicity_short"]
    full = matter("poverty_monitoring", [("publish_proposed", 1, {"proposed_published_on": on(1)}),
                                         ("township_review", days + 1, {})])
    assert check_matter(full, BOOK, {"R9"}) == []
    removed_early = matter("poverty_monitoring", [("publish_proposed", 1, {"proposed_published_on": on(1)}),
                                                  ("township_review", days + 1, {}),
                                                  ("publish_removal", 200, {"removal_published_on": on(200)}),
                                                  ("township_remove", 201, {})])
    hits = check_matter(removed_early, BOOK, {"R9"})
    assert [h.check for h in hits] == ["publicity_short"] and "拟消除风险户公示" in hits[0].text
    unposted = matter("poverty_monitoring", [("township_remove", 201, {})])
    assert [h.check for h in check_matter(unposted, BOOK, {"R9"})] == ["publicity_missing"]


def test_r9_objection_filed_online_never_registered():
    m = matter("dibao", [("publish_first_review", 1, {})])
    closed = OpenObjection(7, m.id, at(2), period_closed=True)
    assert [h.check for h in only("R9", m, objections=(closed,))] == ["objection_unresolved"]
    running = OpenObjection(8, m.id, at(2), period_closed=False)
    assert only("R9", m, objections=(running,)) == []


# -- R11 --------------------------------------------------------------------------------------
def test_r11_supervision_member_in_the_two_committees():
    holders = (RoleHolder("zhang", "张三", "SUPERVISION_COMMITTEE", "lushui_village"),
               RoleHolder("zhang", "张三", "TWO_COMMITTEES", "lushui_village"),
               RoleHolder("li", "李四", "SUPERVISION_COMMITTEE", "lushui_village"),
               RoleHolder("li", "李四", "APPLICANT", "lushui_village"))
    hits = only("R11", holders=holders)
    assert [h.text for h in hits] == ["村务监督委员会成员 张三 同时担任两委成员"] and hits[0].matters == ()
    assert hits[0].evidence == {"name": "张三", "roles": ["两委成员"]}     # words, not the login or role codes


def test_r11_every_office_incompatible_with_supervision_has_its_name_in_words():
    rule = BOOK.rules["R11"]
    assert set(rule.thresholds["incompatible_with_supervision"]) <= set(rule.thresholds["role_names"])


def test_r11_the_seal_keeper_approves_the_use_named_by_their_name():
    same = matter("seal_use", [("director_sign", 1, {}), ("stamp", 2, {})], actor="wang.lushui", actor_name="王五")
    hits = only("R11", same)
    assert [(h.check, h.text, h.evidence) for h in hits] == [
        ("keeper_approves", "印章管理人 王五 同时审批用印", {"actor": "王五"})]


def test_r11_handler_is_the_witness():
    same = matter("expense_reimbursement", [("witness_sign", 1, {"witness_name": "王 五"})], {"handler_name": "王五"})
    assert [h.check for h in only("R11", same)] == ["handler_approves"]
    other = matter("expense_reimbursement", [("witness_sign", 1, {"witness_name": "赵六"})], {"handler_name": "王五"})
    assert only("R11", other) == []


# -- R12 --------------------------------------------------------------------------------------
REGISTER = (RelatedParty("lushui_village", "村主任刘大海", "青山宏达建材店", "妻子名下企业"),
            RelatedParty("lushui_village", "村主任刘大海", "刘小梅", "女儿"))


def test_r12_supplier_in_the_kinship_register():
    related = matter("procurement", [("three_quotes", 1, {"supplier": "青山宏达建材店"})], {"amount": 8000})
    assert [h.text for h in only("R12", related, related=REGISTER)] == [
        "供应商“青山宏达建材店”与村干部 村主任刘大海 存在登记的妻子名下企业关系"]
    unrelated = matter("procurement", [("three_quotes", 1, {"supplier": "青山五金店"})], {"amount": 8000})
    assert only("R12", unrelated, related=REGISTER) == []


def test_r12_relative_dibao_confirmed_without_a_home_check():
    unchecked = matter("dibao", [("county_review", 1, {"home_check_sampled": False}), ("confirm", 2, {})],
                       {"applicant_name": "刘小梅", "related_to_staff": False})
    assert [h.check for h in only("R12", unchecked, related=REGISTER)] == ["relative_not_checked"]
    checked = matter("dibao", [("county_review", 1, {}), ("home_check", 2, {}), ("confirm", 3, {})],
                     {"applicant_name": "刘小梅", "related_to_staff": True})
    assert only("R12", checked, related=REGISTER) == []


# -- R13 --------------------------------------------------------------------------------------
SIGNED = [("witness_sign", 1, {}), ("supervision_review", 2, {}), ("sign_director", 3, {}), ("sign_secretary", 4, {})]


def test_r13_white_slip_booked():
    slip = matter("expense_reimbursement", SIGNED + [("agent_check", 5, {"check_result": "booked"})],
                  {"invoice_no": "白条", "amount": 800})
    assert codes(check_matter(slip, BOOK, {"R13"}), "R13") == ["white_slip"]
    refused = matter("expense_reimbursement", SIGNED + [("agent_check", 5, {"check_result": "refused"})],
                     {"invoice_no": "白条", "amount": 800})
    assert check_matter(refused, BOOK, {"R13"}) == []
    invoice = matter("expense_reimbursement", SIGNED + [("agent_check", 5, {"check_result": "booked"})],
                     {"invoice_no": "04403211", "amount": 800})
    assert check_matter(invoice, BOOK, {"R13"}) == []


def test_r13_booked_without_the_secretary():
    unsigned = matter("expense_reimbursement", SIGNED[:3] + [("agent_check", 5, {"check_result": "booked"})],
                      {"invoice_no": "04403211"})
    assert "党组织书记审签" in check_matter(unsigned, BOOK, {"R13"})[0].text


def test_r13_one_signature_is_both_when_the_director_is_the_secretary():
    one_shoulder = matter("expense_reimbursement", SIGNED[:3] + [("agent_check", 5, {"check_result": "booked"})],
                          {"invoice_no": "04403211", "director_also_secretary": True})
    assert check_matter(one_shoulder, BOOK, {"R13"}) == []
    unsigned = matter("expense_reimbursement", SIGNED[:2] + [("agent_check", 5, {"check_result": "booked"})],
                      {"invoice_no": "04403211", "director_also_secretary": True})
    assert "村委会主任审签" in check_matter(unsigned, BOOK, {"R13"})[0].text


# -- R14 --------------------------------------------------------------------------------------
def test_r14_disposal_proceeds_not_booked_in_full():
    short = matter("asset_disposal", [("sign_contract", 1, {"payment_received": 11800}),
                                      ("update_ledger", 2, {"proceeds_booked": 10000})])
    assert [h.text for h in check_matter(short, BOOK, {"R14"})] == ["收到 11,800 元，入账 1 万元，1,800 元未入账"]
    full = matter("asset_disposal", [("sign_contract", 1, {"payment_received": 11800}),
                                     ("update_ledger", 2, {"proceeds_booked": 11800})])
    assert check_matter(full, BOOK, {"R14"}) == []


def test_r14_cash_banked_within_the_townships_days():
    def received(step, amount_field, params=None, **fields):
        item = "asset_disposal" if step == "update_ledger" else "asset_lease"
        return matter(item, [(step, 9, {amount_field: 11800, "received_on": on(1), **fields})], params=params or {})
    late = received("update_ledger", "payment_received", receipt_method="cash", cash_deposited_on=on(5))
    [hit] = check_matter(late, BOOK, {"R14"})
    assert (hit.check, hit.text) == ("cash_deposited_late", f"{on(1)} 收取现金 11,800 元，{on(5)} 才送存银行，超过 3 天时限 1 天")
    assert check_matter(received("update_ledger", "payment_received", receipt_method="cash",
                                 cash_deposited_on=on(4)), BOOK, {"R14"}) == []           # on the third day: a near miss
    kept = received("rent_check", "rent_received", receipt_method="cash")
    assert [h.text for h in check_matter(kept, BOOK, {"R14"})] == [f"{on(1)} 收取现金 11,800 元，没有送存银行的记录"]
    assert check_matter(received("rent_check", "rent_received", receipt_method="transfer"), BOOK, {"R14"}) == []
    same_day = received("rent_check", "rent_received", receipt_method="cash", cash_deposited_on=on(2),
                        params={"cash_deposit_days": 0})
    assert codes(check_matter(same_day, BOOK, {"R14"}), "R14") == ["cash_deposited_late"]   # a township that wants it the same day


# -- R15 --------------------------------------------------------------------------------------
def test_r15_hospitality_reimbursed():
    hospitality = matter("expense_reimbursement", data={"expense_category": "hospitality", "purpose": "接待", "amount": 1200})
    assert codes(check_matter(hospitality, BOOK, {"R15"}), "R15") == ["banned_category"]
    disguised = matter("expense_reimbursement", data={"expense_category": "management", "purpose": "宴请检查组", "amount": 900})
    assert codes(check_matter(disguised, BOOK, {"R15"}), "R15") == ["banned_purpose"]
    office = matter("expense_reimbursement", data={"expense_category": "management", "purpose": "购买办公用纸", "amount": 300})
    assert check_matter(office, BOOK, {"R15"}) == []


def test_r15_nonproductive_spending_once_spent():
    def spent(category, purpose, steps=(("spend", 3, {"actual_amount": 480}),)):
        return matter("nonproductive_expense", list(steps), {"nonprod_category": category, "purpose": purpose, "amount": 500})
    [hit] = check_matter(spent("meeting", "村民代表会议误餐及烟酒"), BOOK, {"R15"})
    assert (hit.check, hit.text) == ("banned_purpose", "开支用途含“烟酒”（禁止类开支）480 元")
    assert check_matter(spent("condolence", "重阳节走访慰问80岁以上老人"), BOOK, {"R15"}) == []
    # refused when applied for (the item's own gateway): nothing was spent, no finding
    assert check_matter(spent("hospitality", "接待检查组", steps=()), BOOK, {"R15"}) == []
    assert codes(check_matter(spent("shopping_cards", "节日慰问"), BOOK, {"R15"}), "R15") == ["banned_category"]


# -- R16 --------------------------------------------------------------------------------------
def test_r16_kinship_certificate_issued_and_a_stamp_without_register():
    kinship = matter("certificate", [("approve", 1, {}), ("stamp", 2, {"seal_register_no": "YZ-9"})],
                     {"cert_type": "kinship"})
    assert codes(check_matter(kinship, BOOK, {"R16"}), "R16") == ["negative_list"]
    residence = matter("certificate", [("approve", 1, {}), ("stamp", 2, {"seal_register_no": "YZ-9"})],
                       {"cert_type": "residence"})
    assert check_matter(residence, BOOK, {"R16"}) == []
    for provincial in ("school_transfer", "lost_fee_receipt"):      # the province's additions to the list
        issued = matter("certificate", [("approve", 1, {}), ("stamp", 2, {"seal_register_no": "YZ-9"})],
                        {"cert_type": provincial})
        assert codes(check_matter(issued, BOOK, {"R16"}), "R16") == ["negative_list"], provincial
    # a township's own addition is read from the list the matter started under
    farming = lambda params: matter("certificate", [("approve", 1, {}), ("stamp", 2, {"seal_register_no": "YZ-9"})],  # noqa: E731
                                    {"cert_type": "farming"}, params=params)
    assert check_matter(farming({}), BOOK, {"R16"}) == []
    added = {"certificate_negative_list": [*PARAMS["certificate_negative_list"], "farming"]}
    [hit] = check_matter(farming(added), BOOK, {"R16"})
    assert hit.check == "negative_list" and "本乡镇增列" in hit.text
    refused = matter("certificate", [("refer_authority", 1, {})], {"cert_type": "kinship"})
    assert check_matter(refused, BOOK, {"R16"}) == []
    unregistered = matter("seal_use", [("stamp", 1, {"register_no": ""})], {"use_type": "report"})
    assert codes(check_matter(unregistered, BOOK, {"R16"}), "R16") == ["seal_unregistered"]


# -- R17 --------------------------------------------------------------------------------------
def test_r17_contract_recorded_long_after_its_date():
    late = matter("village_project", [("sign_contract", 45, {"signed_on": on(0)})])
    assert [h.text for h in check_matter(late, BOOK, {"R17"})] == [
        "合同签订日期为 2026-03-02，2026-04-16 才录入，滞后 45 天（补录）"]
    on_time = matter("village_project", [("sign_contract", 30, {"signed_on": on(0)})])
    assert check_matter(on_time, BOOK, {"R17"}) == []


# -- R18 --------------------------------------------------------------------------------------
def test_r18_budget_without_its_bill_of_quantities():
    missing = matter("village_project", [("prepare_budget", 1, {"budget_amount": 1}), ("cost_review", 2, {})])
    assert codes(check_matter(missing, BOOK, {"R18"}), "R18") == ["stage_evidence_missing"]
    waiting = matter("village_project", [("prepare_budget", 1, {"budget_amount": 1})])
    assert check_matter(waiting, BOOK, {"R18"}) == []
    uploaded = matter("village_project", [("prepare_budget", 1, {"bill_of_quantities": ["f1"]}), ("cost_review", 2, {})])
    assert check_matter(uploaded, BOOK, {"R18"}) == []


# -- R19 --------------------------------------------------------------------------------------
def test_r19_step_past_its_due_time():
    ready = (ReadyStep("township_review", "乡镇审核立项", at(0), at(10), "TOWNSHIP_GOV"),)
    late = matter("village_project", ready=ready, now=at(13))
    # The due time to the minute, in Beijing time: on its day, a step due at 10:00 is late at 10:01.
    assert [h.text for h in check_matter(late, BOOK, {"R19"})] == ["“乡镇审核立项”已超过办理时限（时限 2026-03-12 10:00）"]
    end_of_day = datetime(2026, 3, 12, 16, 0, tzinfo=timezone.utc)         # a working-day limit: 24:00 Beijing
    workdays = (ReadyStep("township_review", "乡镇审核立项", at(0), end_of_day, "TOWNSHIP_GOV"),)
    assert [h.text for h in check_matter(matter("village_project", ready=workdays, now=at(13)), BOOK, {"R19"})] == [
        "“乡镇审核立项”已超过办理时限（时限 2026-03-12 24:00）"]
    assert check_matter(matter("village_project", ready=ready, now=at(9)), BOOK, {"R19"}) == []
    assert check_matter(matter("village_project", ready=ready, now=at(13), status="completed"), BOOK, {"R19"}) == []


# -- R20 --------------------------------------------------------------------------------------
def test_r20_project_declared_twice():
    first = matter("village_project", data={"project_name": "三组通组道路硬化"}, created_at=at(0), status="completed")
    again = matter("village_project", data={"project_name": "三组通组道路硬化（二期）"}, created_at=at(200))
    assert [h.matters for h in only("R20", first, again)] == [(first.id, again.id)]
    rejected = matter("village_project", data={"project_name": "三组通组道路硬化"}, created_at=at(0),
                      status="completed", outcome="不予立项")
    assert only("R20", rejected, again) == []
    other = matter("village_project", data={"project_name": "四组通组道路硬化"}, created_at=at(200))
    assert only("R20", first, other) == []


# -- R21 --------------------------------------------------------------------------------------
AUTH = {"auth_works": True, "auth_procurement": False, "auth_public_welfare": True, "auth_temp_hiring": False,
        "auth_amount_limit": 50000, "auth_valid_until": "2026-12-31"}


def test_r21_council_outside_the_authorisation_it_cites():
    over = matter("council_resolution", [("propose_matter", 0, {**AUTH, "matter_class": "works", "amount": 80000,
                                                                "proposed_on": on(0)}), ("council_vote", 5, {})])
    assert [h.text for h in check_matter(over, BOOK, {"R21"})] == [
        "村民议事会年中决议超出授权：金额 8 万元 超过授权限额 5 万元"]
    inside = matter("council_resolution", [("propose_matter", 0, {**AUTH, "matter_class": "works", "amount": 30000,
                                                                  "proposed_on": on(0)}), ("council_vote", 5, {})])
    assert check_matter(inside, BOOK, {"R21"}) == []


def test_r21_council_against_the_village_annual_plan():
    plan = matter("annual_plan", [("record_resolution", 0, {**AUTH, "auth_amount_limit": 20000})], {"plan_year": 2026})
    typed_higher = matter("council_resolution", [("propose_matter", 3, {**AUTH, "matter_class": "works", "amount": 30000,
                                                                        "proposed_on": on(3)}), ("council_vote", 5, {})])
    hits = only("R21", plan, typed_higher)
    assert [h.check for h in hits] == ["outside_annual_plan"] and hits[0].matters == (plan.id, typed_higher.id)
    no_plan = [h.check for h in only("R21", typed_higher)]
    assert no_plan == ["no_annual_authorisation"]
    inside = matter("council_resolution", [("propose_matter", 3, {**AUTH, "matter_class": "works", "amount": 15000,
                                                                  "proposed_on": on(3)}), ("council_vote", 5, {})])
    assert only("R21", plan, inside) == []


# -- R22 --------------------------------------------------------------------------------------
def test_r22_contract_signed_more_than_a_year_after_the_resolution():
    stale = matter("village_project", DECISION + [("sign_contract", 400, {"signed_on": on(400)})], {"amount": 150000})
    assert codes(check_matter(stale, BOOK, {"R22"}), "R22") == ["stale_resolution"]
    fresh = matter("village_project", DECISION + [("sign_contract", 300, {"signed_on": on(300)})], {"amount": 150000})
    assert check_matter(fresh, BOOK, {"R22"}) == []


def test_a_hit_key_is_the_rule_the_check_and_the_matters():
    a = matter("procurement", data={"amount": 19000, "supplier": "青山五金店"}, created_at=at(0), id=501)
    b = matter("procurement", data={"amount": 9000, "supplier": "青山五金店"}, created_at=at(20), id=502)
    assert only("R4", b, a)[0].key == "R4:split:501,502:"


def test_a_failing_rule_is_logged_and_the_others_run(caplog):
    odd = matter("village_project", [("sign_contract", 45, {"signed_on": on(0)})], {"amount": "not a number"})
    hits = check_matter(odd, BOOK)
    assert "R17" in {h.code for h in hits}


# -- R10 --------------------------------------------------------------------------------------
def statement(start: str, end: str, published_days: float, **kw) -> MatterFacts:
    """A 村级财务公开 statement of [start, end], published `published_days` after T0."""
    return matter("finance_disclosure", [("publish_statement", published_days, {"statement_published_on": on(int(published_days))})],
                  {"period_start": start, "period_end": end}, created_at=at(published_days - 3), **kw)


def test_r10_a_quarter_not_published_by_its_due_day():
    voucher = matter("expense_reimbursement")                  # activity from 2 March 2026: Q1 onwards
    # Q1 is due on 20 April (the 20th day after 31 March): on the 20th nothing is missing yet...
    assert only("R10", voucher, now=datetime(2026, 4, 20, 15, 0, tzinfo=timezone.utc)) == []
    # ...on the 21st (Beijing) the quarter is missing, named by the village, not by a matter.
    [hit] = only("R10", voucher, now=datetime(2026, 4, 20, 16, 0, tzinfo=timezone.utc))
    assert (hit.check, hit.matters, hit.about) == ("not_published", (), "2026-01-01")
    assert hit.text == "2026年第1季度财务收支未公开（应于 2026-04-20 前公开）"


def test_r10_a_published_quarter_is_not_flagged_and_months_follow_the_township():
    voucher = matter("expense_reimbursement")
    q1 = statement("2026-01-01", "2026-03-31", 40)              # published 11 April, before the 20th
    assert only("R10", voucher, q1, now=at(60)) == []
    # A township that publishes monthly: March (due 20 April) is covered, April (due 20 May) is not.
    # (The parameters in force are those the village's latest matter copied.)
    monthly = {"finance_disclosure_period_months": 1}
    voucher = matter("expense_reimbursement", params=monthly)
    q1 = statement("2026-01-01", "2026-03-31", 40, params=monthly)
    hits = only("R10", voucher, q1, now=datetime(2026, 5, 22, 2, 0, tzinfo=timezone.utc))
    assert [(h.check, h.about) for h in hits] == [("not_published", "2026-04-01")]
    assert hits[0].text == "2026年4月财务收支未公开（应于 2026-05-20 前公开）"


def test_r10_a_statement_published_after_its_due_day():
    voucher = matter("expense_reimbursement")
    late = statement("2026-01-01", "2026-03-31", 55)            # 26 April, six days late
    hits = only("R10", voucher, late, now=at(60))
    assert [(h.check, h.matters) for h in hits] == [("published_late", (late.id,))]
    assert hits[0].text == "财务公开（2026-03-31 止）于 2026-04-26 公开，晚于公开期限 2026-04-20"
    on_time = statement("2026-01-01", "2026-03-31", 49)         # 20 April: the last day allowed
    assert only("R10", voucher, on_time, now=at(60)) == []


def test_r10_evidence_is_shown_in_words():
    from api.web.formatting import EVIDENCE_LABELS
    voucher = matter("expense_reimbursement")
    hits = only("R10", voucher, statement("2026-01-01", "2026-03-31", 55), now=at(200))
    assert {h.check for h in hits} == {"published_late", "not_published"}
    assert {key for h in hits for key in h.evidence} - set(EVIDENCE_LABELS) == set()


def test_r14_cash_on_hand_above_the_townships_limit():
    def with_cash(cash, **kw):
        return matter("finance_disclosure", [("prepare_statement", 1, {"cash_on_hand": cash})], **kw)
    limit = PARAMS["cash_float_limit"]
    assert codes(check_matter(with_cash(limit), BOOK), "R14") == []                  # at the limit: a near miss
    [hit] = [h for h in check_matter(with_cash(limit + 0.01), BOOK) if h.code == "R14"]
    assert hit.check == "cash_over_limit" and hit.text == "期末库存现金 5,000.01 元，超过限额 5,000 元"
    # A township with a lower limit flags what the county's would not.
    assert codes(check_matter(with_cash(3000, params={"cash_float_limit": 2000}), BOOK), "R14") == ["cash_over_limit"]
    assert codes(check_matter(matter("finance_disclosure"), BOOK), "R14") == []        # not drawn up yet
