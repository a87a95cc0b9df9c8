"""Record rules: publicity long enough before the next step (R9), no certificate from the negative
list and no stamp without its register entry (R16), records made at the time and not afterwards
(R17), every stage's evidence in before the next stage (R18), nothing past its time limit (R19)."""
from __future__ import annotations

from datetime import timedelta

from ..vocabulary import quoted
from ..workdays import deadline_words
from .base import matter_rule, resolve
from .facts import MatterFacts, as_date, as_number, day
from .watches import STEPS, has_fields, items, listed, overdue
from .words import on


@matter_rule("R9", watches=listed("periods"), reads=STEPS)
def publicity_long_enough(m: MatterFacts, rule):
    """A step that must wait for a publicity period came less than its days after the notice was
    posted (the date typed on the notice), or came with no notice recorded at all."""
    for period in rule.thresholds.get("periods", ()):
        if m.process_key != period["item"]:
            continue
        following = m.last(period["next"])
        if following is None:
            continue
        posted = m.last(period["publish"])
        if posted is None:
            yield rule.hit(m, "publicity_missing", f"没有{period['name']}记录即办理下一步", {"next_on": on(day(following.at))},
                           about=period["publish"])
            continue
        posted_on = m.date(period["date_field"]) or day(posted.at)
        days = as_number(resolve(period["days"], m.params))
        gap = (day(following.at) - posted_on).days
        if days is not None and gap < days:
            text = f"{period['name']}于 {on(posted_on)} 张贴，{gap} 天后即办理下一步（应不少于 {days:g} 天）"
            yield rule.hit(m, "publicity_short", text,
                           {"published_on": on(posted_on), "next_on": on(day(following.at)), "days": gap,
                            "required_days": days}, about=period["publish"])


@matter_rule("R16", watches=items("certificate", "seal_use"), reads=STEPS)
def certificate_and_seal_register(m: MatterFacts, rule):
    # The national list and the province's additions (the rule's names), and whatever the township
    # added to its certificate_negative_list: the list in force when the matter started.
    negative = rule.thresholds.get("negative_list", {})
    in_force = set(negative) | set(m.params.get("certificate_negative_list") or ())
    cert_type = m.value("cert_type")
    if m.process_key == "certificate" and cert_type in in_force and (m.done("stamp") or m.done("register")):
        what = negative.get(cert_type, "本乡镇增列的不得出具事项")
        yield rule.hit(m, "negative_list", f"出具了负面清单内的证明：{what}", {"cert_type": cert_type})
    for item, step, field in (("seal_use", "stamp", "register_no"), ("certificate", "stamp", "seal_register_no")):
        if m.process_key == item and m.done(step) and not str(m.value(field) or "").strip():
            yield rule.hit(m, "seal_unregistered", "已盖章但没有用印登记编号", {field: m.value(field)})


@matter_rule("R17", watches=has_fields("date_fields"), reads=STEPS)
def records_made_at_the_time(m: MatterFacts, rule):
    """An event's date (a meeting, a contract, an acceptance) long before the day it was recorded:
    minutes and contracts made up afterwards."""
    limit = as_number(rule.threshold("backfill_days", m.params))
    fields = rule.thresholds.get("date_fields", {})
    if limit is None:
        return
    for record in m.steps:
        for name, what in fields.items():
            if name not in record.data:
                continue
            typed = as_date(record.data.get(name))
            if typed is None:
                continue
            lag = (day(record.at) - typed).days
            if lag > limit:
                yield rule.hit(m, "backfilled", f"{what}为 {on(typed)}，{on(day(record.at))} 才录入，滞后 {lag} 天（补录）",
                               {name: on(typed), "recorded_on": on(day(record.at)), "days": lag}, about=name)


@matter_rule("R18", watches=listed("items"), reads=STEPS)
def stage_evidence_before_next(m: MatterFacts, rule):
    """一码一工程: a stage's evidence is uploaded before the next stage starts."""
    stages = rule.thresholds.get("items", {}).get(m.process_key)
    if not stages:
        return
    for stage in stages:
        record = m.last(stage["step"])
        if record is None or record.data.get(stage["field"]):
            continue
        later = [r for r in m.after(record) if r.step != record.step]
        if later:
            yield rule.hit(m, "stage_evidence_missing", f"{quoted(stage['name'])}阶段未上传{stage['label']}即进入下一阶段",
                           {"stage": stage["name"], "missing": stage["label"], "next_step": later[0].name or later[0].step},
                           about=stage["step"])


@matter_rule("R19", watches=overdue, reads=("ready",))
def within_time_limit(m: MatterFacts, rule):
    """A ready step past its due time (a complaint, a review, a payment): generic over matters,
    as of the facts' `now`."""
    now = m.now
    if now is None or m.status != "running":
        return
    grace = timedelta(days=as_number(rule.threshold("grace_days", m.params, 0)) or 0)
    for step in m.ready:
        if step.due_at is not None and step.due_at + grace < now:
            late = (now - step.due_at).days
            yield rule.hit(m, "overdue", f"{quoted(step.name)}已超过办理时限（时限 {deadline_words(step.due_at)}）",
                           {"step": step.name, "step_id": step.step, "due_at": step.due_at.isoformat(), "days": late},
                           about=step.step)
