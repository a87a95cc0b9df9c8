"""Money rules: contracts after their approvals (R5), payments within the price and after the
acceptance (R6), deals at or above the reserve price and on the platform (R7), no guarantee or
lending and no major seal use without a resolution (R8), vouchers complete (R13), income booked in
full and cash banked in time (R14), no banned spending (R15), a council inside its authorisation (R21)."""
from __future__ import annotations

from ..vocabulary import quoted
from .base import matter_rule, resolve
from .facts import MatterFacts, as_number, day
from .watches import STEPS, either, items, listed
from .words import on, percent, yuan


@matter_rule("R5", watches=listed("items"), reads=STEPS)
def contract_after_approvals(m: MatterFacts, rule):
    """The contract is signed after 立项 approval, the cost review and the tender result: one
    finding, for the earliest approval the signing came before."""
    gates = rule.thresholds.get("items", {}).get(m.process_key)
    signed_on = m.date("signed_on")
    if not gates or signed_on is None:
        return
    for gate in gates:
        record = next((r for r in (m.last(s) for s in gate["steps"]) if r is not None), None)
        if record is not None and signed_on < day(record.at):
            early = (day(record.at) - signed_on).days
            yield rule.hit(m, "contract_before_approval", f"合同签订日期早于{gate['name']}日期 {early} 天",
                           {"signed_on": on(signed_on), "approved_on": on(day(record.at)), "approval": gate["name"],
                            "days": early})
            return


def _over(m, rule, check: dict):
    paid, limit = m.number(check["paid"]), m.number(check["limit"])
    tolerance = as_number(resolve(check.get("tolerance", rule.thresholds.get("tolerance", 0)), m.params)) or 0
    if paid is not None and limit is not None and paid > limit * (1 + tolerance) + 0.005:
        over = percent((paid - limit) / limit) if limit else "—"
        yield rule.hit(m, check["check"], check["text"].format(paid=yuan(paid), limit=yuan(limit), over=over),
                       {check["paid"]: paid, check["limit"]: limit}, about=check["paid"])


@matter_rule("R6", watches=listed("price_checks", "order_checks"), reads=())
def payment_within_price(m: MatterFacts, rule):
    """What is paid or settled stays within the reviewed and contract prices; nothing is paid
    before the acceptance."""
    for check in rule.thresholds.get("price_checks", ()):
        if m.process_key == check["item"]:
            yield from _over(m, rule, check)
    for check in rule.thresholds.get("order_checks", ()):
        if m.process_key != check["item"]:
            continue
        paid_on, accepted_on = m.date(check["paid_on"]), m.date(check["accepted_on"])
        if paid_on is not None and accepted_on is not None and paid_on < accepted_on:
            yield rule.hit(m, "paid_before_acceptance", f"拨付日期早于验收日期 {(accepted_on - paid_on).days} 天（先付款后验收）",
                           {check["paid_on"]: on(paid_on), check["accepted_on"]: on(accepted_on)})


@matter_rule("R7", watches=listed("items"), reads=STEPS)
def deal_at_reserve_on_platform(m: MatterFacts, rule):
    """Each item names its deal and reserve fields (an asset lease's price, a land contract's yearly
    fee), its platform thresholds (an amount; a land contract also an area) and the data that
    exempts it from the platform (家庭承包 is signed with the households, never listed)."""
    item = rule.thresholds.get("items", {}).get(m.process_key)
    if not item or not m.done("sign_contract"):
        return
    price_field, reserve_field = item.get("price", "contract_price"), item.get("reserve", "reserve_price")
    price, reserve = m.number(price_field), m.number(reserve_field)
    if price is not None and reserve is not None and price < reserve:
        yield rule.hit(m, "below_reserve", f"成交价 {yuan(price)} 低于评审底价 {yuan(reserve)}，差 {yuan(reserve - price)}",
                       {price_field: price, reserve_field: reserve})
    if any(m.value(field) == value for field, value in item.get("platform_exempt", {}).items()) \
            or m.done("platform_listing"):
        return
    platform = as_number(resolve(item["platform_threshold"], m.params))
    if price is not None and platform is not None and price >= platform:
        yield rule.hit(m, "off_platform", f"成交价 {yuan(price)} 达到进场交易限额 {yuan(platform)}，未进入产权交易平台交易",
                       {price_field: price, "platform_threshold": platform})
    area = item.get("platform_area")
    size, limit = (m.number(area["field"]), as_number(resolve(area["threshold"], m.params))) if area else (None, None)
    if size is not None and limit is not None and size >= limit:
        yield rule.hit(m, "off_platform_area", f"面积 {size:g} 亩达到进场交易限额 {limit:g} 亩，未进入产权交易平台交易",
                       {area["field"]: size, "platform_area": limit})


@matter_rule("R8", watches=either(listed("banned_request_items"), items("seal_use")), reads=STEPS)
def no_guarantee_no_unresolved_seal(m: MatterFacts, rule):
    """Guarantees and lending of collective money are banned (a borrowing or an investment that asks
    for one is refused, never worked on); a loan, a guarantee or a contract out is stamped only on a
    valid meeting resolution."""
    banned = rule.thresholds.get("banned_requests", {})
    field = rule.thresholds.get("banned_request_items", {}).get(m.process_key)
    if field and m.value(field) in banned and not m.done("refuse") and m.status != "cancelled" and m.steps:
        yield rule.hit(m, "banned_request", f"{banned[m.value(field)]}属禁止事项，未予拒绝仍在办理",
                       {field: m.value(field)})
    major = rule.thresholds.get("major_seal_uses", {})
    if m.process_key == "seal_use" and m.value("use_type") in major and m.done("stamp"):
        if not m.done("record_resolution") or m.value("resolution_valid") != "valid":
            yield rule.hit(m, "seal_without_resolution",
                           f"{major[m.value('use_type')]}用印，没有有效的村民（代表）会议决议",
                           {"use_type": m.value("use_type"), "resolution_valid": m.value("resolution_valid")})


@matter_rule("R13", watches=items("expense_reimbursement"), reads=STEPS)
def voucher_complete(m: MatterFacts, rule):
    """A voucher booked by the agent carries a real invoice, the 证明人, the 村监委 review and both
    signatures."""
    if m.process_key != "expense_reimbursement" or not m.done("agent_check") or m.value("check_result") != "booked":
        return
    invoice = str(m.value("invoice_no") or "").strip()
    if not invoice or any(word in invoice for word in rule.thresholds.get("white_slip_words", ())):
        yield rule.hit(m, "white_slip", f"以{quoted(invoice or '空白')}代替合法发票入账（白条入账）", {"invoice_no": invoice})
    signatures = (("witness_sign", "证明人签字"), ("supervision_review", "村务监督委员会审核"),
                  ("sign_director", "村委会主任审签"), ("sign_secretary", "党组织书记审签"))
    one_shoulder = m.value("director_also_secretary") is True      # 书记、主任一肩挑: one signature is both
    missing = [name for step, name in signatures
               if not m.done(step) and not (step == "sign_secretary" and one_shoulder and m.done("sign_director"))]
    if missing:
        yield rule.hit(m, "signature_missing", f"凭证缺少{'、'.join(missing)}即入账", {"missing": missing})


@matter_rule("R14", watches=listed("checks"), reads=STEPS)
def income_booked(m: MatterFacts, rule):
    """Money received is booked in full (no 坐支): a disposal's price, a lease's rent."""
    for check in rule.thresholds.get("checks", ()):
        if m.process_key != check["item"] or not m.done(check["step"]):
            continue
        received, booked = m.number(check["received"]), m.number(check["booked"])
        if received is not None and booked is not None and booked + 0.005 < received:
            yield rule.hit(m, "income_not_booked", f"收到 {yuan(received)}，入账 {yuan(booked)}，{yuan(received - booked)}未入账",
                           {check["received"]: received, check["booked"]: booked})


@matter_rule("R14", watches=listed("deposits"), reads=STEPS)
def cash_deposited(m: MatterFacts, rule):
    """Cash taken in (a disposal's price, a lease's rent) reaches the bank within the township's
    days of its receipt: cash kept back is how 坐支 and 截留 start."""
    for check in rule.thresholds.get("deposits", ()):
        if m.process_key != check["item"] or not m.done(check["step"]) or m.value("receipt_method") != "cash":
            continue
        received, deposited = m.date("received_on"), m.date("cash_deposited_on")
        limit, amount = as_number(rule.threshold("cash_deposit_days", m.params)), m.number(check["amount"])
        if received is None or limit is None:
            continue
        evidence = {"received_on": on(received), check["amount"]: amount, "cash_deposit_days": int(limit)}
        if deposited is None:
            yield rule.hit(m, "cash_not_deposited", f"{on(received)} 收取现金 {yuan(amount)}，没有送存银行的记录",
                           evidence, about="cash_deposited_on")
        elif (deposited - received).days > limit:
            days, late = int(limit), (deposited - received).days - int(limit)
            yield rule.hit(m, "cash_deposited_late",
                           f"{on(received)} 收取现金 {yuan(amount)}，{on(deposited)} 才送存银行，超过 {days} 天时限 {late} 天",
                           {**evidence, "cash_deposited_on": on(deposited)}, about="cash_deposited_on")


@matter_rule("R14", watches=items("finance_disclosure"), reads=STEPS)
def cash_within_float(m: MatterFacts, rule):
    """The cash a finance statement shows on hand at its period's end is within the township's limit
    (the rest belongs in the bank)."""
    if m.process_key != "finance_disclosure" or not m.done("prepare_statement"):
        return
    cash, limit = m.number("cash_on_hand"), rule.threshold("cash_float_limit", m.params)
    if cash is not None and limit is not None and cash > float(limit) + 0.005:
        yield rule.hit(m, "cash_over_limit", f"期末库存现金 {yuan(cash)}，超过限额 {yuan(float(limit))}",
                       {"cash_on_hand": cash, "cash_float_limit": float(limit)})


@matter_rule("R15", watches=listed("items"), reads=STEPS)
def banned_spending(m: MatterFacts, rule):
    """Spending of a banned kind (招待费, 礼品礼金, 烟酒, 购物卡), or declared under another kind with
    a banned word in what it was for, in the items processes/redlines.toml lists."""
    item = next((i for i in rule.thresholds.get("items", ()) if i["item"] == m.process_key), None)
    if item is None or (item.get("spent") and not m.done(item["spent"])):
        return
    categories = rule.thresholds.get("banned_categories", {})
    category, amount = m.value(item["category"]), m.number(item["amount"])
    if category in categories:
        yield rule.hit(m, "banned_category", f"{item['verb']}{categories[category]} {yuan(amount)}（禁止类开支）",
                       {item["category"]: category, item["amount"]: amount})
        return
    text = str(m.value(item["text"]) or "")
    words = [w for w in rule.thresholds.get("banned_words", ()) if w in text]
    if words:
        yield rule.hit(m, "banned_purpose", f"{item['verb']}用途含{quoted('、'.join(words))}（禁止类开支）{yuan(amount)}",
                       {item["text"]: text, item["amount"]: amount})


AUTH_FLAGS = {"works": "auth_works", "procurement": "auth_procurement", "public_welfare": "auth_public_welfare",
              "temp_hiring": "auth_temp_hiring"}
CLASS_NAMES = {"works": "小型工程及维修养护", "procurement": "物资和服务采购", "public_welfare": "公益事业和人居环境整治",
               "temp_hiring": "临时用工", "other": "其他事项"}


def outside_authorisation(amount, matter_class, proposed_on, limit, flags: dict, valid_until):
    """Why a mid-year decision lies outside an authorisation (in words), or None."""
    if matter_class not in AUTH_FLAGS or not flags.get(AUTH_FLAGS[matter_class]):
        return f"{quoted(CLASS_NAMES.get(matter_class, matter_class))}不在授权事项范围内"
    if amount is not None and limit is not None and amount > limit:
        return f"金额 {yuan(amount)} 超过授权限额 {yuan(limit)}"
    if proposed_on is not None and valid_until is not None and proposed_on > valid_until:
        return f"提出日期 {on(proposed_on)} 已过授权有效期 {on(valid_until)}"
    return None


@matter_rule("R21", watches=items("council_resolution"), reads=STEPS)
def council_within_authorisation(m: MatterFacts, rule):
    """A 村民议事会 decided a matter outside the authorisation the matter itself cites."""
    if m.process_key != "council_resolution" or not m.done("council_vote"):
        return
    why = outside_authorisation(m.number("amount"), m.value("matter_class"), m.date("proposed_on"),
                                m.number("auth_amount_limit"), m.data, m.date("auth_valid_until"))
    if why:
        yield rule.hit(m, "outside_authorisation", f"村民议事会年中决议超出授权：{why}",
                       {"amount": m.number("amount"), "matter_class": m.value("matter_class"),
                        "auth_amount_limit": m.number("auth_amount_limit")})
