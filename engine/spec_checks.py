"""Load-time checks on parsed SpiffWorkflow specs: nothing runs code, every expression is safe.

The parser is lazy and expressions fail only when reached (docs/engine-notes.md §2.3), so a definition is
walked once when it is loaded: a bad condition is refused then, not found by a clerk months later.
"""
from __future__ import annotations

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins import ScriptTaskMixin, ServiceTaskMixin
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask, StandardLoopTask
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin

from .errors import UnsafeExpression
from .expressions import compile_expression

_FORBIDDEN = ((ScriptTaskMixin, "不允许脚本任务"), (ServiceTaskMixin, "不允许服务任务"),
              (BusinessRuleTaskMixin, "不允许业务规则任务"))


def check_specs(specs) -> list[tuple[str, str]]:
    """(element id, problem) for every violation in the given process specs."""
    problems = []
    for spec in specs:
        for task_spec in spec.task_specs.values():
            element = task_spec.bpmn_id or task_spec.name
            problems += [(element, p) for p in _task_problems(task_spec)]
    return problems


def _task_problems(task_spec) -> list[str]:
    problems = [message for cls, message in _FORBIDDEN if isinstance(task_spec, cls)]
    if getattr(task_spec, "prescript", None) or getattr(task_spec, "postscript", None):
        problems.append("不允许前置或后置脚本")
    for expression in _expressions(task_spec):
        try:
            compile_expression(expression)
        except UnsafeExpression as exc:
            problems.append(exc.message)
    return problems


def _expressions(task_spec) -> list[str]:
    found = [cond.args[0] for cond, _ in getattr(task_spec, "cond_task_specs", []) if cond is not None]
    if isinstance(task_spec, MultiInstanceTask):
        found += [e for e in (task_spec.cardinality, task_spec.condition) if e]
    if isinstance(task_spec, StandardLoopTask) and task_spec.condition:
        found.append(task_spec.condition)
    definition = getattr(task_spec, "event_definition", None)
    definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
    for d in definitions:
        if getattr(d, "expression", None):
            found.append(d.expression)
        for prop in getattr(d, "correlation_properties", None) or []:
            found.append(prop.retrieval_expression)
    return [e for e in found if isinstance(e, str)]
