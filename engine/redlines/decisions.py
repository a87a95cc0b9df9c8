"""Decision rules: a decision in place and in time (R1), meetings that count (R2), the 四议两公开
steps in their order with their notice (R3), a resolution still fresh when acted on (R22)."""
from __future__ import annotations

from .base import matter_rule, resolve, village_rule
from .facts import MatterFacts, VillageFacts, as_number, day
from .watches import STEPS, has_steps, listed
from .words import on, yuan

RESOLUTION_STEPS = ("major_decision.resolve_rep", "major_decision.resolve_full", "council_vote")


def resolution(m: MatterFacts):
    """The latest resolution of the matter: its 村民(代表)会议 through 四议两公开, else the
    村民议事会's vote."""
    found = [r for r in (m.last(s) for s in RESOLUTION_STEPS) if r is not None]
    return max(found, key=lambda r: r.at) if found else None


@matter_rule("R1", watches=listed("items"), reads=STEPS)
def resolution_before_acting(m: MatterFacts, rule):
    """At or above the 四议两公开 threshold, a resolution comes first: none when the matter acted
    (signed, booked), or one dated after the contract or the spending."""
    item = rule.thresholds.get("items", {}).get(m.process_key)
    if not item or m.value(item.get("approval_field", "")) is not None:
        return                                 # decided in the approval it cites: approval_before_acting
    threshold = as_number(resolve(item["threshold"], m.params))
    amount = m.amount if m.amount is not None else m.number("amount")
    if threshold is None or amount is None or amount < threshold:
        return
    acted_on = m.date(item["date_field"])
    decided = resolution(m)
    what = item["what"]
    if decided is None:
        if m.done(item["act_step"]):
            yield rule.hit(m, "resolution_missing",
                           f"金额 {yuan(amount)}，达到“四议两公开”限额 {yuan(threshold)}，没有村民（代表）会议决议即{what}",
                           {"amount": amount, "threshold": threshold, item["date_field"]: on(acted_on)})
        return
    if acted_on is not None and acted_on < day(decided.at):
        late = (day(decided.at) - acted_on).days
        yield rule.hit(m, "resolution_after_act", f"{what}日期早于村民（代表）会议决议日期 {late} 天（先{what}后决策）",
                       {"amount": amount, "threshold": threshold, item["date_field"]: on(acted_on),
                        "resolved_on": on(day(decided.at)), "days": late})


def _cites_approval(rule, m) -> bool:
    return bool(rule.thresholds.get("items", {}).get(m.item.key, {}).get("approval_field"))


@village_rule("R1", watches=_cites_approval, reads=(*STEPS, "cited"))
def approval_before_acting(v: VillageFacts, rule):
    """A matter that cites its prior approval (a reimbursement its 支出事前审批): the money was not
    spent before the approval was decided. (The citation itself was checked when it was made: the
    approval is of this village, approved, and covers the amount.)"""
    by_id = {m.id: m for m in v.matters}
    for key, item in rule.thresholds.get("items", {}).items():
        field = item.get("approval_field")
        for m in v.of(key) if field else ():
            approval = by_id.get(int(as_number(m.value(field)) or 0))
            acted_on = m.date(item["date_field"])
            if approval is None or acted_on is None or not m.done(item["act_step"]) or not approval.steps:
                continue
            decided = resolution(approval) or approval.steps[-1]
            if acted_on < day(decided.at):
                early, what = (day(decided.at) - acted_on).days, item["what"]
                yield rule.hit([approval, m], "resolution_after_act",
                               f"{what}日期早于所引第 {approval.id} 号事前审批的决定日期 {early} 天（先{what}后审批）",
                               {item["date_field"]: on(acted_on), "approved_on": on(day(decided.at)),
                                "approval": approval.id, "days": early})


def _short(record, meeting: dict, params: dict):
    """Why a meeting's figures fall short (in words), or None."""
    data = record.data
    total, present, votes = (as_number(data.get(meeting[k])) for k in ("total", "present", "votes"))
    if total is None or present is None or votes is None or total <= 0:
        return None
    quorum = resolve(meeting.get("quorum"), params)
    reasons = []
    if quorum is not None:
        enough = present > quorum * total if meeting.get("quorum_strict") else present >= quorum * total
        if not enough and "alt_total" in meeting:
            alt_total, alt_present = as_number(data.get(meeting["alt_total"])), as_number(data.get(meeting["alt_present"]))
            alt_quorum = resolve(meeting["alt_quorum"], params)
            enough = bool(alt_total and alt_present is not None and alt_present >= alt_quorum * alt_total)
        if not enough:
            reasons.append(f"应到 {total:g} 人、实到 {present:g} 人，不足{'过' if meeting.get('quorum_strict') else ''}"
                           f" {quorum} 的到会要求")
    majority = resolve(meeting.get("majority"), params)
    if majority is not None:
        base = total if meeting.get("majority_of") == "total" else present
        passed = votes >= majority * base if meeting.get("majority_inclusive") else votes > majority * base
        if not passed:
            whom = "应到人数" if meeting.get("majority_of") == "total" else "到会人数"
            reasons.append(f"赞成 {votes:g} 票，未达到{whom}的 {majority}")
    return "；".join(reasons) or None


def _holds_meeting(rule, m) -> bool:
    return any(meeting["step"] in m.item.steps and (not meeting.get("items") or m.item.key in meeting["items"])
               for meeting in rule.thresholds.get("meetings", ()))


@matter_rule("R2", watches=_holds_meeting, reads=STEPS)
def meeting_quorum(m: MatterFacts, rule):
    """A meeting short of quorum or of its majority, after which the matter went on as if it had
    passed (a later step other than revising or stopping was done)."""
    failure_steps = set(rule.thresholds.get("failure_steps", ()))
    for meeting in rule.thresholds.get("meetings", ()):
        if meeting.get("items") and m.process_key not in meeting["items"]:
            continue
        record = m.last(meeting["step"])
        if record is None:
            continue
        why = _short(record, meeting, m.params)
        went_on = [r for r in m.after(record) if r.step not in failure_steps and r.step != record.step]
        if why and went_on:
            yield rule.hit(m, "quorum_short", f"{meeting['name']}{why}，事项仍继续办理（{went_on[0].step}）",
                           {k: record.data.get(meeting[k]) for k in ("total", "present", "votes")}
                           | {"meeting": meeting["name"], "held_on": on(day(record.at))}, about=meeting["step"])


@matter_rule("R3", watches=has_steps("major_decision.review", "major_decision.resolve_rep",
                                         "major_decision.resolve_full"), reads=STEPS)
def four_deliberations_in_order(m: MatterFacts, rule):
    """The plan reaches party members the set number of days before their meeting; a resolution
    that passed is published, and so is the result."""
    review, sent = m.last("major_decision.review"), m.last("major_decision.send_plan")
    notice = as_number(rule.threshold("party_notice_days", m.params))
    if review is not None and sent is not None and notice is not None:
        sent_on = m.date("plan_sent_on")
        if sent_on is not None:
            gap = (day(review.at) - sent_on).days
            if gap < notice:
                yield rule.hit(m, "notice_short", f"方案送达党员后仅 {gap} 天即召开党员大会审议（应提前 {notice:g} 天）",
                               {"plan_sent_on": on(sent_on), "reviewed_on": on(day(review.at)), "days": gap})
    if review is not None and sent is None:
        yield rule.hit(m, "step_skipped", "未记录方案送达党员即召开党员大会审议", {"reviewed_on": on(day(review.at))})
    resolved = m.last("major_decision.resolve_rep") or m.last("major_decision.resolve_full")
    if m.status == "completed" and resolved is not None and m.done("major_decision.implement"):
        for step, name in (("major_decision.publish_resolution", "决议公开"), ("major_decision.publish_result", "实施结果公开")):
            if not m.done(step):
                yield rule.hit(m, "publication_missing", f"事项已办结，但没有{name}记录", {"missing": name}, about=step)


@matter_rule("R22", watches=listed("items"), reads=STEPS)
def stale_resolution(m: MatterFacts, rule):
    """A contract signed long after its resolution (the following year, say) without a new one."""
    if m.process_key not in rule.thresholds.get("items", ()):
        return
    decided, signed_on = resolution(m), m.date("signed_on")
    limit = as_number(rule.threshold("stale_days", m.params))
    if decided is None or signed_on is None or limit is None:
        return
    gap = (signed_on - day(decided.at)).days
    if gap > limit:
        yield rule.hit(m, "stale_resolution", f"合同签订日期晚于决议日期 {gap} 天（超过 {limit:g} 天），未重新决议",
                       {"resolved_on": on(day(decided.at)), "signed_on": on(signed_on), "days": gap})
