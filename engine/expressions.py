"""The only expression evaluator: a whitelisted AST, compiled once per expression text.

SpiffWorkflow evaluates conditions, timer values and multi-instance expressions with Python's
`eval` and runs scripts with `exec` (docs/engine-notes.md §4). Every definition is checked with
`check_expression` when it is loaded, and every workflow runs with `SCRIPT_ENGINE`, whose
environment refuses scripts and evaluates only what passes the same check. The engine is not
serialized with a workflow, so the runtime re-attaches it after every load.
"""
from __future__ import annotations

import ast
from fractions import Fraction
from functools import lru_cache

from SpiffWorkflow.bpmn.script_engine import BasePythonScriptEngineEnvironment, PythonScriptEngine
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.exceptions import SpiffWorkflowException

from bpmn_reader import iso_literal  # noqa: F401 - ISO-8601 durations, bare or quoted, wherever a timer is read

from .errors import ExpressionLimit, UnsafeExpression
from .exact import exact_fraction
from . import clock
from .workdays import MAX_WORKING_DAYS, WorkingDays, period_end

MAX_EXPRESSION_LENGTH = 500
# Run-time budget. No expression has a loop, so its cost is bounded by its length times the cost of
# one operation; these keep each operation small whatever data a clerk submits.
MAX_SEQUENCE = 10_000          # characters of a text or items of a list an operation may produce
MAX_NUMBER_BITS = 4_096        # ~1,200 decimal digits: far past any amount, never a slow multiplication
MAX_ROUND_DIGITS = 20
MAX_DURATION_DAYS = 5 * 366    # a time limit or publicity period longer than five years is a mistake


def _refuse(problem: str):
    raise ExpressionLimit("表达式超出计算限额", {"expression": problem})


def _frac(value) -> Fraction:
    """An exact fraction from '2/3', 0.5 or 1: quorum rules compare without float rounding."""
    if isinstance(value, str) and len(value) > 20:
        raise ValueError("fraction text too long")
    return _number(exact_fraction(value))


def _days(count) -> str:
    """A period of whole days starting now, as the law counts one (民法典 Art. 201 and 203): the
    first day is not counted and the last one ends at 24:00 Beijing time, so a 7-day publicity
    posted on the 3rd at 10:00 runs to the end of the 10th (not to 10:00 on the 10th, which would
    refuse a villager's objection of that afternoon). An ISO duration in seconds from now to then:
    timers and step deadlines evaluate it once, when their period starts."""
    days = int(count)
    if not 0 <= days <= MAX_DURATION_DAYS:
        _refuse(f"时长 {days} 天超出范围（0 至 {MAX_DURATION_DAYS} 天）")
    now = clock.now()
    left = period_end(now, days) - now
    seconds = left.days * 86400 + left.seconds          # to the microsecond: the period ends at 24:00 sharp
    return f"PT{seconds}.{left.microseconds:06d}S" if left.microseconds else f"PT{seconds}S"


def _workdays(count) -> WorkingDays:
    """A deadline of whole working days (工作日), counted on the holiday calendar (engine/workdays.py)."""
    days = int(count)
    if not 0 <= days <= MAX_WORKING_DAYS:
        _refuse(f"时长 {days} 个工作日超出范围（0 至 {MAX_WORKING_DAYS}）")
    return WorkingDays(days)


def _round(number, digits=None):
    if digits is not None and not isinstance(digits, bool) and isinstance(digits, int) and abs(digits) > MAX_ROUND_DIGITS:
        _refuse(f"保留位数不能超过 {MAX_ROUND_DIGITS}")
    return round(number) if digits is None else round(number, digits)


def _rows(rows) -> list:
    if not isinstance(rows, list):
        raise TypeError("清册应为行的列表")
    return rows


def _row_count(rows) -> int:
    """row_count(roster): how many rows a table field's list has."""
    return len(_rows(rows))


def _column_total(rows, column):
    """column_total(roster, "amount"): the sum of a column over a table field's rows, added exactly
    (0.1 + 0.2 is 0.3) and given as money is stored: whole yuan as an int, else the nearest float
    (so it equals a money field holding the same amount); an empty cell counts as nothing."""
    if not isinstance(column, str):
        raise TypeError("列名应为文字")
    total = Fraction(0)
    for row in _rows(rows):
        cell = row.get(column) if isinstance(row, dict) else None
        if isinstance(cell, bool) or cell is None:
            continue
        if not isinstance(cell, (int, float, Fraction)):
            raise TypeError(f"列 {column} 不是数值")
        total += Fraction(str(round(cell, 6))) if isinstance(cell, float) else Fraction(cell)
    return _number(total.numerator) if total.denominator == 1 else float(total)


def _number(value):
    """The value, unless it is a number too large to work with cheaply."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value.bit_length() > MAX_NUMBER_BITS:
        _refuse("数值过大")
    if isinstance(value, Fraction) and max(value.numerator.bit_length(), value.denominator.bit_length()) > MAX_NUMBER_BITS:
        _refuse("数值过大")
    return value


def _sized(value):
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_SEQUENCE:
        _refuse(f"文字或列表超过 {MAX_SEQUENCE} 项")
    return _number(value)


def _is_sequence(value) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


def _guarded_mult(left, right):
    # 'x' * n and [0] * n with an n a clerk chose: repetition is never needed in a condition.
    if _is_sequence(left) or _is_sequence(right):
        _refuse("表达式不允许重复文字或列表")
    return _number(left * right)


def _guarded_mod(left, right):
    # '%0999999999d' % 1 allocates a gigabyte: printf-style formatting is never needed either.
    if _is_sequence(left):
        _refuse("表达式不允许格式化文字")
    return _number(left % right)


def _guarded_add(left, right):
    if _is_sequence(left) and _is_sequence(right) and len(left) + len(right) > MAX_SEQUENCE:
        _refuse(f"文字或列表超过 {MAX_SEQUENCE} 项")
    return _sized(left + right)


def _guarded_other(operator):
    return lambda left, right: _number(operator(left, right))


_GUARDS = {ast.Mult: _guarded_mult, ast.Mod: _guarded_mod, ast.Add: _guarded_add,
           ast.Sub: _guarded_other(lambda a, b: a - b), ast.Div: _guarded_other(lambda a, b: a / b),
           ast.FloorDiv: _guarded_other(lambda a, b: a // b)}
_GUARD_NAMES = {op: f"__xw_{op.__name__.lower()}" for op in _GUARDS}
_GUARD_GLOBALS = {_GUARD_NAMES[op]: fn for op, fn in _GUARDS.items()}


SAFE_FUNCTIONS = {
    "len": len, "min": min, "max": max, "sum": lambda items, start=0: _number(sum(items, start)),
    "any": any, "all": all, "int": int, "float": float, "str": lambda value="": _sized(str(value)),
    "bool": bool, "abs": abs, "round": _round, "frac": _frac, "days": _days, "workdays": _workdays,
    "row_count": _row_count, "column_total": _column_total,
}

_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd,
    ast.BinOp, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn,
    ast.Is, ast.IsNot, ast.IfExp, ast.Constant, ast.Name, ast.Load, ast.Subscript, ast.Slice,
    ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Call,
)
_SEQUENCE_NODES = (ast.List, ast.Tuple, ast.Set)


def _check_node(node: ast.AST, expression: str) -> None:
    if not isinstance(node, _ALLOWED_NODES):
        raise UnsafeExpression(f"表达式不允许使用 {type(node).__name__}: {expression!r}")
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        raise UnsafeExpression(f"表达式不允许使用下划线开头的名称 {node.id}: {expression!r}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        # 'x' * 10**9 and [0] * 10**9 exhaust memory; repetition is never needed in a condition.
        for side in (node.left, node.right):
            if isinstance(side, _SEQUENCE_NODES) or (
                    isinstance(side, ast.Constant) and isinstance(side.value, (str, bytes))):
                raise UnsafeExpression(f"表达式不允许重复序列: {expression!r}")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and (
            isinstance(node.left, ast.Constant) and isinstance(node.left.value, (str, bytes))):
        raise UnsafeExpression(f"表达式不允许格式化文字: {expression!r}")
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in SAFE_FUNCTIONS or node.keywords:
            raise UnsafeExpression(f"表达式不允许调用此函数: {expression!r}")


@lru_cache(maxsize=4096)
def compile_expression(expression: str):
    """Check an expression against the whitelist and compile it; raise UnsafeExpression."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise UnsafeExpression(f"表达式过长（超过{MAX_EXPRESSION_LENGTH}个字符）")
    if iso_literal(expression) is not None:
        return compile(repr(iso_literal(expression)), "<expr>", "eval")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"表达式语法错误: {expression!r} ({exc.msg})") from None
    for node in ast.walk(tree):
        _check_node(node, expression)
    return compile(ast.fix_missing_locations(_Guard().visit(tree)), "<expr>", "eval")


class _Guard(ast.NodeTransformer):
    """Every arithmetic operation becomes a call to its guard, which checks the size of what it is
    about to build (run-time budget; the whitelist above is the load-time check)."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        name = _GUARD_NAMES[type(node.op)]
        return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), [node.left, node.right], []), node)


def names_in(expression: str) -> set[str]:
    """The data names an expression reads (functions excluded); for load-time checks."""
    if iso_literal(expression) is not None:
        return set()
    tree = ast.parse(expression.strip(), mode="eval")
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called


def evaluate(expression: str, data: dict, params: dict | None = None):
    """Evaluate a checked expression over a matter's data and its township parameters (which win
    over a data name alike: none is allowed, engine/forms.refuse_parameter_names)."""
    code = compile_expression(expression)
    names = {k: v for k, v in data.items() if not k.startswith("_")}
    if params:
        names.update(params)
    names.update(SAFE_FUNCTIONS)
    return eval(code, {"__builtins__": {}, **_GUARD_GLOBALS}, names)  # noqa: S307 - whitelisted AST only


class SafeExpressionEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow environment that evaluates whitelisted expressions and nothing else."""

    def __init__(self):
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        return evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        raise UnsafeExpression("脚本执行已禁用")

    def call_service(self, context, **kwargs):
        raise UnsafeExpression("服务调用已禁用")


class MatterScriptEngine(PythonScriptEngine):
    """Evaluates over a task's data and its matter's township parameters, which the runtime keeps
    on the top workflow (engine/runtime.DeepBpmnWorkflow.params), not in the data."""

    def evaluate(self, task, expression, external_context=None):
        params = getattr(task.workflow.top_workflow, "params", None)
        if not params:
            return super().evaluate(task, expression, external_context)
        try:                                  # as the library's own evaluate, with the parameters
            return evaluate(expression, {**(external_context or {}), **task.data}, params)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:  # noqa: BLE001 - wrapped as the library wraps it (engine/incidents.py reads it)
            raise WorkflowTaskException(f"Error evaluating expression '{expression}'", task=task, exception=exc) from exc


SCRIPT_ENGINE = MatterScriptEngine(environment=SafeExpressionEnvironment())
