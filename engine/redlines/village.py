"""Village rules, over several matters or the village's people: splitting to dodge a threshold
(R4), objections filed online and never registered (R9), conflicting roles (R11), related parties
from the kinship register (R12), the same project declared twice (R20), a council decision outside
the annual plan's authorisation (R21)."""
from __future__ import annotations

import re
from datetime import timedelta

from ..vocabulary import quoted
from .base import resolve, village_rule
from .facts import VillageFacts, as_number, day
from .money import outside_authorisation
from .watches import STEPS, either, has_fields, has_objection_intake, items, listed
from .words import on, yuan

LIVE = ("running", "completed", "error")
_BATCH = re.compile(r"第?[一二三四五六七八九十百\d０-９]+[期批次标段号]")
_NOISE = re.compile(r"[\s\d０-９（）()“”\"'、，,。.·\-—_]+")


def normalized(text) -> str:
    """A name without spaces, digits, brackets and punctuation: "绿水村三组道路硬化（二期）" and
    "绿水村三组道路硬化" compare equal."""
    return _NOISE.sub("", _BATCH.sub("", str(text or ""))).strip()


@village_rule("R4", watches=listed("groups"), reads=())
def splitting(v: VillageFacts, rule):
    """Several purchases or projects of one village, by one supplier or of one scope, within the
    window, each under the threshold and together at or over it."""
    for group in rule.thresholds.get("groups", ()):
        matters = [m for m in v.of(group["item"]) if m.status in LIVE and m.created_at is not None
                   and (m.amount if m.amount is not None else m.number("amount")) is not None]
        found = set()           # one warning per set of matters, whichever field grouped them
        for key_field in group["by"]:
            clusters: dict[str, list] = {}
            for m in matters:
                key = normalized(m.value(key_field))
                if key:
                    clusters.setdefault(key, []).append(m)
            for key, members in clusters.items():
                for hit in _split_clusters(v, rule, group, key_field, key, sorted(members, key=lambda m: m.created_at)):
                    if hit.matters not in found:
                        found.add(hit.matters)
                        yield hit


def _split_clusters(v, rule, group, key_field, key, members):
    if len(members) < 2:
        return
    params = members[0].params
    threshold = as_number(resolve(group["threshold"], params))
    window = timedelta(days=as_number(resolve(group["window_days"], params)) or 0)
    under = [m for m in members if _amount(m) < threshold]
    start = 0
    while start < len(under):
        end = start
        while end + 1 < len(under) and under[end + 1].created_at - under[start].created_at <= window:
            end += 1
        cluster = under[start:end + 1]
        total = sum(_amount(m) for m in cluster)
        if len(cluster) >= 2 and total >= threshold:
            days = (day(cluster[-1].created_at) - day(cluster[0].created_at)).days
            amounts = " + ".join(yuan(_amount(m)) for m in cluster)
            yield rule.hit(cluster, "split", f"{group['what']}{quoted(cluster[0].value(key_field))}{days} 天内 {len(cluster)} 笔"
                           f"（{amounts}），每笔低于{group['limit_name']} {yuan(threshold)}，合计 {yuan(total)}（疑似拆分规避）",
                           {"by": key_field, "key": key, "total": total, "threshold": threshold, "days": days,
                            "amounts": [_amount(m) for m in cluster]})
            start = end + 1
        else:
            start += 1


def _amount(m) -> float:
    return m.amount if m.amount is not None else (m.number("amount") or 0.0)


@village_rule("R9", watches=has_objection_intake, reads=("objections",))
def objections_registered(v: VillageFacts, rule):
    """An objection a villager filed online during a publicity period that the 村务监督委员会 never
    registered before the period closed."""
    for objection in v.objections:
        if objection.period_closed:
            matter = next((m for m in v.matters if m.id == objection.matter_id), None)
            if matter is not None:
                yield rule.hit(matter, "objection_unresolved",
                               f"公示期内网上异议（{on(day(objection.received_at))} 收到）未受理核实，公示已结束",
                               {"objection_id": objection.id, "received_on": on(day(objection.received_at))},
                               about=f"objection{objection.id}")


@village_rule("R11", watches=items("expense_reimbursement", "seal_use"), reads=("steps", "holders"))
def conflicting_roles(v: VillageFacts, rule):
    """One person on both sides: a 村务监督委员会 member who is also a 两委 member or the 报账员;
    a voucher's 经办人 who is also its 证明人 or approver; a seal's keeper who approves its use."""
    incompatible = set(rule.thresholds.get("incompatible_with_supervision", ()))
    role_names = rule.thresholds.get("role_names", {})
    by_user: dict[str, set] = {}
    names = {}
    for holder in v.holders:
        by_user.setdefault(holder.username, set()).add(holder.role)
        names[holder.username] = holder.display_name
    for username, roles in sorted(by_user.items()):
        clash = sorted(roles & incompatible)
        if "SUPERVISION_COMMITTEE" in roles and clash:
            held = [role_names.get(r, r) for r in clash]
            yield rule.village_hit(v, "supervisor_holds_office", f"村务监督委员会成员 {names[username]} 同时担任"
                                   f"{'、'.join(held)}", {"name": names[username], "roles": held}, about=username)
    for m in v.of("expense_reimbursement"):
        handler = _name(m.value("handler_name"))
        for field, what in (("witness_name", "证明人"), ("director_name", "审签人（村委会主任）"),
                            ("secretary_name", "审签人（党组织书记）")):
            if handler and handler == _name(m.value(field)):
                yield rule.hit(m, "handler_approves", f"经办人 {handler} 同时是{what}", {"handler_name": handler, field: handler},
                               about=field)
    for m in v.of("seal_use"):
        keeper = m.last("stamp")
        approver = m.last("director_sign")
        if keeper is not None and approver is not None and keeper.actor == approver.actor:
            yield rule.hit(m, "keeper_approves", f"印章管理人 {keeper.by} 同时审批用印", {"actor": keeper.by})
        elif _name(m.value("approver_name")) and _name(m.value("approver_name")) == _name(m.value("handler_name")):
            yield rule.hit(m, "keeper_approves", f"用印登记的审批人与经办人同为 {m.value('approver_name')}",
                           {"approver_name": m.value("approver_name")})


def _name(value) -> str:
    return re.sub(r"\s+", "", str(value or ""))


@village_rule("R12", watches=either(has_fields("counterparty_fields"), items("dibao")),
              reads=("steps", "related"))
def related_parties(v: VillageFacts, rule):
    """A contractor, supplier, lessee, buyer or beneficiary who is a cadre's registered relative
    (or a company in a relative's name); a 低保 applicant related to staff without a home check."""
    register = {_name(r.party): r for r in v.related if _name(r.party)}
    fields = rule.thresholds.get("counterparty_fields", {})
    for m in v.matters:
        if m.status == "cancelled":
            continue
        seen = set()            # a lessee who is also the best bidder is one finding
        for field, what in fields.items():
            party = register.get(_name(m.value(field)))
            if party is not None and party.party not in seen:
                seen.add(party.party)
                text = f"{what}{quoted(m.value(field))}与村干部 {party.cadre} 存在登记的{party.relation}关系"
                yield rule.hit(m, "related_party", text,
                               {field: m.value(field), "cadre": party.cadre, "relation": party.relation},
                               about=_name(party.party))
    for m in v.of("dibao"):
        party = register.get(_name(m.value("applicant_name")))
        if (m.value("related_to_staff") is True or party is not None) and m.done("confirm") and not m.done("home_check"):
            relation = f"（登记为村干部 {party.cadre} 的{party.relation}）" if party else ""
            yield rule.hit(m, "relative_not_checked", f"申请人与村干部或经办人员有亲属关系{relation}，未经县级入户核查即审核确认",
                           {"related_detail": m.value("related_detail"), "cadre": party.cadre if party else None})


@village_rule("R20", watches=listed("items"), reads=())
def duplicate_projects(v: VillageFacts, rule):
    """The same project (same village, same name) declared twice within the years set."""
    years = as_number(rule.threshold("within_years")) or 1
    for item, field in rule.thresholds.get("items", {}).items():
        seen: dict[str, object] = {}
        for m in sorted(v.of(item), key=lambda m: (m.created_at, m.id)):
            if m.status not in LIVE or (m.outcome or "") in rule.thresholds.get("failed_outcomes", ()):
                continue
            key = normalized(m.value(field))
            earlier = seen.get(key)
            if key and earlier is not None and (m.created_at - earlier.created_at).days <= 366 * years:
                text = (f"{quoted(m.value(field))}与 {day(earlier.created_at).year} 年第 {earlier.id} 号事项"
                        f"{quoted(earlier.value(field))}重复申报")
                yield rule.hit([earlier, m], "duplicate", text, {"name": m.value(field), "earlier": earlier.id})
            if key:
                seen[key] = m


@village_rule("R21", watches=items("annual_plan", "council_resolution"), reads=STEPS)
def council_within_annual_plan(v: VillageFacts, rule):
    """A 议事会 decision measured against the village's own annual plan and authorisation (not the
    figures typed into the decision): no plan for the year, or outside what the plan authorised."""
    plans = {}
    for plan in v.of("annual_plan"):
        if plan.done("record_resolution") and plan.status in LIVE:
            plans[int(as_number(plan.value("plan_year")) or 0)] = plan
    for m in v.of("council_resolution"):
        if not m.done("council_vote"):
            continue
        proposed_on = m.date("proposed_on") or (day(m.created_at) if m.created_at else None)
        plan = plans.get(proposed_on.year if proposed_on else 0)
        if plan is None:
            year = proposed_on.year if proposed_on else ""
            yield rule.hit(m, "no_annual_authorisation", f"{year}年没有经村民（代表）会议通过的年度授权，议事会即作出决议",
                           {"proposed_on": on(proposed_on)})
            continue
        why = outside_authorisation(m.number("amount"), m.value("matter_class"), proposed_on,
                                    plan.number("auth_amount_limit"), plan.data, plan.date("auth_valid_until"))
        if why:
            yield rule.hit([plan, m], "outside_annual_plan", f"村民议事会年中决议超出第 {plan.id} 号年度计划的授权：{why}",
                           {"plan": plan.id, "amount": m.number("amount"), "auth_amount_limit": plan.number("auth_amount_limit")})
