"""The publicity period with objections (公示期异议受理), the one template of every copy in the
power list. From the publish step on (which stays hand-written: it says what is published):

    ◇ merge ─▶ [intake: 异议受理 (村务监督委员会; objection_intake, supervision)] ──提出异议──▶
      ▲          ◷ period: interrupting timer days(<days>) ──期满无异议──▶ on_period_over
      │        [verify: 异议核实 (the verifier's lane; deadline)] ─▶ ◇ verdict
      └──────── 异议不成立 (default: the period starts again)    异议成立 ──▶ on_upheld (or several)

The declaration (`<!-- fragment:publicity key="value" ... -->`):

required
  stem             the ids below are made from it (`result` -> merge_result_publicity, ...)
  days             the parameter the period reads: the timer is `days(<days>)`
  verifier         the lane (role) that verifies an objection
  intake_name, period_name, verify_name   the names of the intake step, the timer, the verification
  on_period_over   where the matter goes when the period ends without an objection
  on_upheld, upheld_label   where an upheld objection goes, and the flow's words; or several
                   branches `on_upheld.X`, `upheld_label.X`, `upheld_when.X` (an extra condition)
optional (default)
  period_over_label (公示期满无异议), dismissed_label (异议不成立，重新公示), verdict_name (核实结论)
  verify_deadline (days(objection_verify_days)), separate_from, verify_supervision (false)
  objection_label (异议内容), finding_field/finding_label (verification_finding/核实情况),
  record_field + record_label (a required file the verifier attaches), upheld_field/upheld_question
  (objection_upheld/异议是否成立)
  verdict: `boolean` (异议是否成立) or `conclusion` (an enum objection_conclusion: `dismissed` and the
           `conclusion_options` "id:名称; id:名称", each an upheld outcome)
  id.merge, id.intake, id.period, id.verify, id.verdict, id.upheld(.X), id.dismissed: ids that do
           not follow the stem
"""
from __future__ import annotations

from . import fields as shared
from .fields import FormField, form_xml
from .template import XML_ID, Declaration, DeclarationError, Generated, Template
from .xml import attr, text

PUBLIC_LANE = "PUBLIC_PLATFORM"            # the merge before the period: the notice is up
INTAKE_LANE = "SUPERVISION_COMMITTEE"      # objections reach the 村务监督委员会
VERIFY_DEADLINE = "days(objection_verify_days)"


def render(decl: Declaration) -> Generated:
    ids = _ids(decl)
    days = decl.ident("days")
    verifier = decl.ident("verifier")
    branches = _upheld_branches(decl, ids)
    verdict_field, upheld_condition = _verdict(decl)
    lines = [f'<bpmn:exclusiveGateway id="{ids["merge"]}" />',
             _flow(f'f_{ids["merge"]}', None, ids["merge"], ids["intake"]),
             *_intake(decl, ids),
             f'<bpmn:boundaryEvent id="{ids["period"]}" name="{attr(decl.text("period_name"))}" '
             f'attachedToRef="{ids["intake"]}" cancelActivity="true">',
             f'  <bpmn:timerEventDefinition><bpmn:timeDuration>days({days})</bpmn:timeDuration></bpmn:timerEventDefinition>',
             '</bpmn:boundaryEvent>',
             _flow(f'f_{ids["period"]}', decl.text("period_over_label", "公示期满无异议"), ids["period"],
                   decl.ident("on_period_over", pattern=XML_ID)),
             _flow(f'f_{ids["intake"]}', "提出异议", ids["intake"], ids["verify"]),
             *_verification(decl, ids, verdict_field),
             _flow(f'f_{ids["verify"]}', None, ids["verify"], ids["verdict"]),
             f'<bpmn:exclusiveGateway id="{ids["verdict"]}" name="{attr(decl.text("verdict_name", "核实结论"))}" '
             f'default="{ids["dismissed"]}" />']
    for flow_id, label, target, when in branches:
        condition = upheld_condition if not when else f"{upheld_condition} and {_grouped(when)}"
        lines += _flow(flow_id, label, ids["verdict"], target, condition)
    lines.append(_flow(ids["dismissed"], decl.text("dismissed_label", "异议不成立，重新公示"), ids["verdict"], ids["merge"]))
    lanes = {ids["merge"]: PUBLIC_LANE, ids["intake"]: INTAKE_LANE, ids["period"]: INTAKE_LANE,
             ids["verify"]: verifier, ids["verdict"]: verifier}
    return Generated(lines, lanes, ids["intake"])


def _ids(decl: Declaration) -> dict[str, str]:
    stem = decl.ident("stem")
    ids = {"merge": decl.ident("id.merge", f"merge_{stem}_publicity", XML_ID),
           "intake": decl.ident("id.intake", f"{stem}_objection", XML_ID),
           "period": decl.ident("id.period", f"{stem}_publicity", XML_ID),
           "verify": decl.ident("id.verify", f"reverify_{stem}", XML_ID),
           "verdict": decl.ident("id.verdict", f"gw_{stem}_objection", XML_ID),
           "dismissed": decl.ident("id.dismissed", f"f_{stem}_republish", XML_ID)}
    ids["stem"] = stem
    return ids


def _intake(decl: Declaration, ids: dict[str, str]) -> list[str]:
    objection = shared.OBJECTION.but(label=decl.text("objection_label", shared.OBJECTION.label))
    return _task(ids["intake"], decl.text("intake_name"),
                 [("supervision", "true"), ("objection_intake", "true")], [objection, shared.OBJECTOR], inline=True)


def _verification(decl: Declaration, ids: dict[str, str], verdict_field: FormField) -> list[str]:
    props = [("deadline", decl.text("verify_deadline", VERIFY_DEADLINE))]
    if decl.flag("verify_supervision"):
        props.append(("supervision", "true"))
    separate = decl.optional("separate_from")
    if separate is not None:
        props.append(("separate_from", decl.text("separate_from")))
    fields = [shared.FINDING.but(id=decl.ident("finding_field", shared.FINDING.id),
                                 label=decl.text("finding_label", shared.FINDING.label))]
    record_field, record_label = decl.optional("record_field"), decl.optional("record_label")
    if (record_field is None) != (record_label is None):
        raise DeclarationError("record_field 和 record_label 须同时给出")
    if record_field is not None:
        fields.append(shared.RECORD.but(id=decl.ident("record_field"), label=decl.text("record_label")))
    return _task(ids["verify"], decl.text("verify_name"), props, fields + [verdict_field], inline=len(props) == 1)


def _verdict(decl: Declaration) -> tuple[FormField, str]:
    """The verifier's verdict field, and the condition under which the objection stands."""
    if decl.choice("verdict", ("boolean", "conclusion")) == "boolean":
        field = shared.UPHELD.but(id=decl.ident("upheld_field", shared.UPHELD.id),
                                  label=decl.text("upheld_question", shared.UPHELD.label))
        return field, field.id
    options = [("dismissed", decl.text("dismissed_label", "异议不成立，重新公示"))]
    for part in decl.text("conclusion_options").split(";"):
        value, sep, name = part.strip().partition(":")
        if not sep or not value.strip() or not name.strip():
            raise DeclarationError(f"conclusion_options 的一项“{part.strip()}”应写作 值:名称")
        options.append((value.strip(), name.strip()))
    field = shared.CONCLUSION.but(id=decl.ident("upheld_field", shared.CONCLUSION.id),
                                  label=decl.text("upheld_question", shared.CONCLUSION.label), options=tuple(options))
    return field, f"{field.id} != 'dismissed'"


def _upheld_branches(decl: Declaration, ids: dict[str, str]) -> list[tuple[str, str, str, str | None]]:
    """(flow id, words, target, extra condition) of each way an upheld objection goes."""
    suffixes = decl.suffixes("on_upheld")
    if not suffixes:
        return [(decl.ident("id.upheld", f'f_{ids["intake"]}_upheld', XML_ID), decl.text("upheld_label"),
                 decl.ident("on_upheld", pattern=XML_ID), None)]
    if "on_upheld" in decl.values:
        raise DeclarationError("on_upheld 与 on_upheld.X 只能用一种")
    return [(decl.ident(f"id.upheld.{s}", f'f_{ids["stem"]}_upheld_{s}', XML_ID), decl.text(f"upheld_label.{s}"),
             decl.ident(f"on_upheld.{s}", pattern=XML_ID), decl.text(f"upheld_when.{s}")) for s in suffixes]


def _grouped(expression: str) -> str:
    """An extra condition joined with `and`: bracketed when it has an `or` or an `if` of its own."""
    return f"({expression})" if any(w in f" {expression} " for w in (" or ", " if ")) else expression


def _task(task_id: str, name: str, props: list[tuple[str, str]], fields: list[FormField], inline: bool) -> list[str]:
    written = [f'<spiffworkflow:property name="{attr(k)}" value="{attr(v)}" />' for k, v in props]
    if inline:
        properties = ['<spiffworkflow:properties>' + "".join(written) + '</spiffworkflow:properties>']
    else:
        properties = ['<spiffworkflow:properties>', *('  ' + p for p in written), '</spiffworkflow:properties>']
    inner = properties + form_xml(fields)
    return [f'<bpmn:userTask id="{task_id}" name="{attr(name)}">', '  <bpmn:extensionElements>',
            *('    ' + line for line in inner), '  </bpmn:extensionElements>', '</bpmn:userTask>']


def _flow(flow_id: str, name: str | None, source: str, target: str, condition: str | None = None):
    """A sequence flow: one line, or three with a condition (then a list)."""
    named = f' name="{attr(name)}"' if name else ""
    head = f'<bpmn:sequenceFlow id="{flow_id}"{named} sourceRef="{source}" targetRef="{target}"'
    if condition is None:
        return head + " />"
    return [head + ">", f"  <bpmn:conditionExpression>{text(condition)}</bpmn:conditionExpression>",
            "</bpmn:sequenceFlow>"]


PUBLICITY = Template("publicity", render, "公示期异议受理：异议受理、公示期计时、异议核实和核实结论")
