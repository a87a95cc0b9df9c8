"""Durations as the definitions write them, and as people read them.

A timer or a deadline is an ISO-8601 duration (`P7D`, bare or quoted), `days(n)` where n is a
number or a township parameter, for a deadline also `workdays(n)` (工作日), or `a if condition else b`
of those. The engine accepts exactly the
ISO form below; the renderer and the documents word every duration with `duration_words`, so a
deadline reads the same in a chart, a page and the power-list booklet.
"""
from __future__ import annotations

import ast
import re
from typing import Mapping

ISO_DURATION = re.compile(r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                          r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")
UNITS = ("年", "个月", "周", "天", "小时", "分钟", "秒")
_DAYS_PER = (366, 31, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)   # upper bounds: a year of 366 days, a month of 31
_SHORTEST_DAYS_PER = (365, 28, 7, 1, 1 / 24, 1 / 1440, 1 / 86400)   # lower bounds: 365 days, 28


def iso_literal(expression: str) -> str | None:
    """The duration if the text is an ISO-8601 duration, bare or in quotes; else None."""
    text = (expression or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text if ISO_DURATION.match(text) else None


def iso_days(literal: str) -> float:
    """At most how many days a duration lasts (years of 366 days, months of 31)."""
    found = ISO_DURATION.match(literal)
    return sum(float(n) * per for n, per in zip(found.groups(), _DAYS_PER, strict=True) if n) if found else float("inf")


def iso_shortest_days(literal: str) -> float | None:
    """At least how many days a duration lasts (years of 365 days, months of 28): what a
    statutory minimum is compared with. None if it is not an ISO duration."""
    found = ISO_DURATION.match((literal or "").strip())
    if not found:
        return None
    return sum(float(n) * per for n, per in zip(found.groups(), _SHORTEST_DAYS_PER, strict=True) if n)


def iso_duration_words(literal: str) -> str | None:
    """'P1Y2M' -> '1年2个月', 'P10D' -> '10天'; None if it is not an ISO duration."""
    found = ISO_DURATION.match((literal or "").strip().upper())
    if not found:
        return None
    return "".join(f"{_number(n)}{unit}" for n, unit in zip(found.groups(), UNITS, strict=True) if n)


def duration_words(expression: str | None, values: Mapping[str, object],
                   labels: Mapping[str, str] | None = None,
                   conditions: Mapping[str, str] | None = None) -> str | None:
    """Words for a duration: 'P10D' -> '10天'; 'days(objection_verify_days)' with the parameter's
    value 5 -> '5天（异议核实天数）' when its label is known; a conditional limit reads as people say
    it: 'workdays(a if complex_case else b)' -> '一般15个工作日，情况复杂的30个工作日' when
    `conditions` words the condition (a form field's label, e.g. {'complex_case': '情况复杂'}),
    else '30个工作日或15个工作日'. None when it cannot be worked out from the values (the caller
    decides what to show)."""
    if not expression or not expression.strip():
        return None
    literal = iso_literal(expression)
    if literal is not None:
        return iso_duration_words(literal)
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    return _words(tree, values, labels or {}, conditions or {})


def condition_clause(label: str) -> str:
    """The words a yes/no question stands for in a sentence: its first clause, without a leading
    是否 ('情况复杂，需延长审核确认时限' -> '情况复杂', '是否涉及近亲属' -> '涉及近亲属')."""
    clause = re.split(r"[，,；;。（(？?：:]", (label or "").strip(), maxsplit=1)[0].strip()
    return clause.removeprefix("是否") or clause


def _words(node, values, labels, conditions) -> str | None:
    if isinstance(node, ast.IfExp):
        first = _words(node.body, values, labels, conditions)
        second = _words(node.orelse, values, labels, conditions)
        return _either(first, second, _condition(node.test, conditions))
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return iso_duration_words(node.value)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("days", "workdays") \
            and len(node.args) == 1:
        unit = "天" if node.func.id == "days" else "个工作日"
        cases = _cases(node.args[0], values, conditions)
        if not cases:
            return None
        if len({value for _, value in cases}) > 1 and all(word for word, _ in cases[:-1]):
            return _conditional([(word, f"{_number(value)}{unit}") for word, value in cases])
        named = [labels[n.id] for n in ast.walk(node.args[0]) if isinstance(n, ast.Name) and n.id in labels]
        spoken = "或".join(f"{_number(c)}{unit}" for c in dict.fromkeys(value for _, value in cases))
        return spoken + (f"（{'、'.join(dict.fromkeys(named))}）" if named else "")
    return None


def _either(first: str | None, second: str | None, condition: str | None) -> str | None:
    if not (first and second) or first == second:
        return first or second
    return f"一般{second}，{condition}的{first}" if condition else f"{first}或{second}"


def _conditional(cases: list[tuple[str | None, str]]) -> str:
    """[(condition words, value words), ..., (None, the usual value)] -> '一般…，…的…'; conditions
    with the same value are said together ('一般15天，工程项目、三资的30天')."""
    usual = cases[-1][1]
    grouped: dict[str, list[str]] = {}
    for word, value in cases[:-1]:
        if value != usual:
            grouped.setdefault(value, []).append(word)
    special = "，".join(f"{'、'.join(words)}的{value}" for value, words in grouped.items())
    return f"一般{usual}，{special}" if special else usual


def _condition(node, conditions: Mapping[str, str]) -> str | None:
    """A condition in words, when it is a yes/no field (or its negation) the caller can word."""
    if isinstance(node, ast.Name) and conditions.get(node.id):
        return conditions[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and isinstance(node.operand, ast.Name) \
            and conditions.get(node.operand.id):
        return f"非{conditions[node.operand.id]}"
    # An option of a choice field: `category == 'project'` -> '工程项目', when the caller words the
    # option (key 'category==project', or '==project' for any field).
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq) \
            and isinstance(node.left, ast.Name) and isinstance(node.comparators[0], ast.Constant) \
            and isinstance(node.comparators[0].value, str):
        value = node.comparators[0].value
        return conditions.get(f"{node.left.id}=={value}") or conditions.get(f"=={value}")
    return None


def _cases(node, values, conditions) -> list[tuple[str | None, float]] | None:
    """The values a day count takes, each with the condition (in words) it holds under, the usual
    one last with None: `(a if c else b) - d` -> [('情况复杂', a-d), (None, b-d)]. Without words
    for a condition every value comes with None."""
    if isinstance(node, ast.IfExp):
        word = _condition(node.test, conditions)
        body, orelse = _cases(node.body, values, conditions), _cases(node.orelse, values, conditions)
        if body is None or orelse is None:
            return None
        return [(word if word and w is None else w, v) for w, v in body] + orelse
    numbers = _numbers(node, values) if not _has_ifexp(node) else None
    if numbers is not None:
        return [(None, n) for n in numbers]
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _cases(node.left, values, conditions), _cases(node.right, values, conditions)
        if left is None or right is None:
            return None
        operate = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}[type(node.op)]
        return [(lw or rw, operate(lv, rv)) for lw, lv in left for rw, rv in right]
    return None


def _has_ifexp(node) -> bool:
    return any(isinstance(n, ast.IfExp) for n in ast.walk(node))


def _numbers(node, values) -> list[float] | None:
    """Every value a small arithmetic expression over numbers and known values can take (both
    branches of a conditional); None if a name is unknown or an operation is not + - *."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return [node.value]
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if isinstance(node, ast.IfExp):
        body, orelse = _numbers(node.body, values), _numbers(node.orelse, values)
        return body + orelse if body is not None and orelse is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
        left, right = _numbers(node.left, values), _numbers(node.right, values)
        if left is None or right is None:
            return None
        operate = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b}[type(node.op)]
        return [operate(a, b) for a in left for b in right]
    return None


def _number(value) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
