"""Shared form field definitions: a field that many steps ask for (异议内容, 核实情况, 异议是否成立) is
defined here once and written into each step's `camunda:formData` the same way, so that a label,
a type or a required constraint cannot drift between copies."""
from __future__ import annotations

from dataclasses import dataclass, replace

from .xml import attr


@dataclass(frozen=True)
class FormField:
    id: str
    label: str
    type: str
    required: bool = False
    options: tuple[tuple[str, str], ...] = ()      # (id, name) of an enum's values

    def but(self, **changes) -> FormField:
        """A copy with some attributes changed (a per-use label or field name)."""
        return replace(self, **changes)

    def xml(self) -> list[str]:
        """The `camunda:formField` element, one line per child, as the shipped files write it."""
        head = f'<camunda:formField id="{attr(self.id)}" label="{attr(self.label)}" type="{attr(self.type)}"'
        body = []
        if self.required:
            body.append('  <camunda:validation><camunda:constraint name="required" /></camunda:validation>')
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
