"""Shared form field definitions: a field that many steps ask for (异议内容, 核实情况, 异议是否成立,
档案编号, 到会人数...) is defined here once and written into each step's `camunda:formData` the same
way, so that a label, a type, a bound or a required constraint cannot drift between copies.

Two kinds of use: the publicity template (publicity.py) writes the objection fields below into the
steps it generates; any other step asks for a field of CATALOGUE with a marked block
`<!-- fragment:field name="archive_no" -->` (field.py). A use may differ from the definition only
in what the marker declares: its id, its label, a `min`/`max` that reads the item's own data, the
names (never the ids) of an enum's options."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .xml import attr


CONSTRAINTS = ("min", "max", "minlength", "maxlength")     # after `required`, in this order


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()      # (id, name) of an enum's values
    bounds: tuple[tuple[str, str], ...] = ()       # (constraint, config) of CONSTRAINTS, in that order

    def but(self, **changes) -> FormField:
        """A copy with some attributes changed (a per-use label or field name)."""
        return replace(self, **changes)

    def bound(self, name: str, config: str) -> FormField:
        """A copy with one constraint of CONSTRAINTS set (a per-use bound: `min="period_end"`)."""
        if name not in CONSTRAINTS:
            raise ValueError(f"not a bound: {name}")
        bounds = dict(self.bounds) | {name: config}
        return replace(self, bounds=tuple((n, bounds[n]) for n in CONSTRAINTS if n in bounds))

    def xml(self) -> list[str]:
        """The `camunda:formField` element, one line per child, as the shipped files write it."""
        head = f'<camunda:formField id="{attr(self.id)}" label="{attr(self.label)}" type="{attr(self.type)}"'
        constraints = ['<camunda:constraint name="required" />'] if self.required else []
        constraints += [f'<camunda:constraint name="{attr(n)}" config="{attr(c)}" />' for n, c in self.bounds]
        body = ['  <camunda:validation>' + "".join(constraints) + '</camunda:validation>'] if constraints else []
        body += [f'  <camunda:value id="{attr(value)}" name="{attr(name)}" />' for value, name in self.options]
        if not body:
            return [head + ' />']
        return [head + '>', *body, '</camunda:formField>']


# What a villager's objection records (the intake step of every publicity period; the portal's
# objection form fills the same fields).
OBJECTION = FormField("objection", "异议内容", "text", required=True)
OBJECTOR = FormField("objector", "异议人（可匿名）", "string")

# What the body that verifies an objection records.
FINDING = FormField("verification_finding", "核实情况", "text", required=True)
UPHELD = FormField("objection_upheld", "异议是否成立", "boolean", required=True)
CONCLUSION = FormField("objection_conclusion", "核实结论", "enum", required=True)
RECORD = FormField("verification_record", "核实记录", "file", required=True)


def form_xml(fields: list[FormField]) -> list[str]:
    """A `camunda:formData` element holding the fields."""
    lines = ['<camunda:formData>']
    for field in fields:
        lines += ['  ' + line for line in field.xml()]
    return lines + ['</camunda:formData>']


# -- the catalogue: what `<!-- fragment:field name="..." -->` can ask for -----------------------------
# A definition's id is its name and the id a use gets unless it declares another; its label is the
# one a use gets unless it declares another (where the words name what the item itself holds, as in
# 归档材料（决议、公开照片、备案回执）, or follow the notice's own word: 公示, 公开 or 公布日期).

def _field(id: str, label: str, type: str, *, required: bool = True, options: tuple[tuple[str, str], ...] = (),
           **bounds: str) -> FormField:
    field = FormField(id, label, type, required=required, options=options)
    for name, config in bounds.items():
        field = field.bound(name, config)
    return field


def _catalogue(*fields: FormField) -> dict[str, FormField]:
    catalogue = {field.id: field for field in fields}
    if len(catalogue) != len(fields):
        raise ValueError("a shared field is defined twice")
    return catalogue


CATALOGUE: dict[str, FormField] = _catalogue(
    # The archive step that ends most items.
    _field("archive_no", "档案编号", "string"),
    _field("archive_files", "归档材料", "file"),

    # What a publish step records besides its notice (the notice's own words name what is
    # published, item by item: not shared): when it went up, and the proof that it did.
    _field("published_on", "公示日期", "date"),
    _field("notice_photo", "公示照片", "file"),

    # The 村务监督委员会 reviews a notice before it is posted (an option's name says what it was
    # compared with: 与决议一致，同意公开...).
    _field("notice_review", "审核结论", "enum", options=(("approve", "同意公开（监委主任签字）"), ("return", "退回修改"))),
    _field("notice_review_opinion", "审核意见（退回时写明不符之处）", "text"),
    _field("sc_reviewers", "参加审核的监委成员", "string", maxlength="200"),

    # Meetings and votes: the red line R2 (processes/redlines.toml) reads the counts by these ids.
    _field("tc_members", "两委成员总数", "long", min="1"),
    _field("tc_attendees", "到会人数", "long", min="0", max="tc_members"),
    _field("tc_for", "赞成人数", "long", min="0", max="tc_attendees"),
    _field("tc_minutes", "会议记录（未通过的写明理由）", "text"),
    _field("tc_minutes_file", "会议记录及签到表（扫描件）", "file"),
    _field("township_cadres", "列席会议的乡镇（包村）干部（姓名、职务；无人列席的填“无”）", "string", maxlength="200"),
    _field("rep_total", "村民代表总数", "long", min="1"),
    _field("rep_attendees", "到会代表人数", "long", min="0", max="rep_total"),
    _field("rep_for", "赞成票数", "long", min="0", max="rep_attendees"),
    _field("adults_total", "年满十八周岁村民人数", "long", min="1"),
    _field("households_total", "全村户数", "long", min="1"),
    _field("vm_attendees", "到会人数", "long", min="0", max="adults_total"),
    _field("vm_households", "到会户代表户数", "long", min="0", max="households_total"),
    _field("vm_for", "赞成票数", "long", min="0", max="vm_attendees"),
    _field("ballots_file", "签到表及表决票（扫描件）", "file"),
    _field("vote_minutes", "会议记录、签到表及表决票", "file"),
    _field("plan_minutes", "两委会议记录", "file"),
    _field("panel_total", "评议小组成员总数", "long", min="1"),
    _field("panel_attendees", "到会成员人数", "long", min="0", max="panel_total"),
    _field("panel_for", "同意票数", "long", min="0", max="panel_attendees"),
    _field("appraisal_record", "评议记录（含签到表、表决票）", "file"),

    # After a failed vote (an option's name says what revising or stopping means for the item).
    _field("next_action", "下一步", "enum", options=(("revise", "修改后重新提出"), ("stop", "终止事项"))),
    _field("revise_reason", "说明（终止时写明理由）", "text"),

    # Carrying out and accepting the work.
    _field("implementation_report", "实施情况", "text"),
    _field("acceptance_result", "验收结论", "enum", options=(("pass", "验收合格"), ("fail", "不合格，限期整改"))),
    _field("acceptance_opinion", "验收意见", "text"),

    # Public trading of collective assets and land (产权交易平台 or the village's own bidding).
    _field("eligibility_review", "方案和竞买人资格审核情况", "text"),
    _field("listing_notice_on", "交易公告发布日期", "date"),
    _field("trading_record", "交易公告及竞价记录", "file"),
    _field("bidding_notice_on", "竞价公告发布日期", "date"),
    _field("bidding_record", "竞价公告、签到及竞价记录", "file"),
    _field("bidder_count", "有效竞买人数", "long", min="0"),
    _field("best_bid", "最高有效报价（元，无有效报价填0）", "money", min="0"),
    _field("best_bidder", "最高报价人", "string", required=False),         # none when nobody bid
    _field("sc_bidding_members", "到场监督的监委成员", "string"),
    _field("bidding_compliant", "监督结论", "enum", options=(("compliant", "程序合规"), ("violation", "程序违规，重新组织竞价"))),
    _field("sc_bidding_opinion", "监督意见", "text"),
    _field("no_deal_reason", "说明", "text"),

    # Contracts, payments, vouchers and filings.
    _field("contract_no", "合同编号", "string", maxlength="50"),
    _field("signed_on", "签订日期", "date"),
    _field("paid_on", "发放日期", "date"),
    _field("invoice_no", "发票号码", "string", maxlength="50"),
    _field("handler_name", "经办人", "string", maxlength="50"),
    _field("filed_on", "备案日期", "date"),

    # The household an application is about.
    _field("household_head", "户主姓名", "string", maxlength="50"),
    _field("household_size", "家庭人口数", "long", min="1", max="30"),

    # Each body that handles a complaint (村, 乡镇, 县; in time or under 督办) reports the same way.
    _field("handling_facts", "办理情况（查明的事实、采取的措施）", "text", maxlength="2000"),
    _field("answer", "答复意见（告知反映人，反映人同意公开的，去除个人信息后公开）", "text", maxlength="2000"),
    _field("handling_photos", "办理材料（现场照片、整改材料等）", "file", required=False),   # not every answer has any
)
