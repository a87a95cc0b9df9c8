"""Turning expressions, durations and amounts into the Chinese words an official chart shows.

Expressions are read with Python's `ast` only to be *spoken*, never evaluated. Anything not
understood is shown as written: a chart with a raw expression is better than no chart.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Mapping

from bpmn_reader import condition_clause
from bpmn_reader import duration_words as _duration_words
from bpmn_reader import iso_duration_words as _iso_duration_words

from .graph import FormField

COMPARISONS = {ast.GtE: '≥', ast.LtE: '≤', ast.Gt: '>', ast.Lt: '<', ast.Eq: '=',
               ast.NotEq: '≠', ast.Is: '是', ast.IsNot: '不是'}
ARITHMETIC = {ast.Add: ('+', 1), ast.Sub: ('−', 1), ast.Mult: ('×', 2), ast.Div: ('÷', 2),
              ast.FloorDiv: ('÷', 2), ast.Mod: ('%', 2), ast.Pow: ('^', 3)}
# Names that hold an amount of money, so their values read as 元/万元 ("threshold" is the
# township's money limits, e.g. project_decision_threshold).
MONEY_NAME = re.compile(r'amount|threshold|price|cost|money|budget|fund|fee|yuan|payment|salary',
                        re.IGNORECASE)
MONEY_LABEL = re.compile(r'金额|元|价|费|款')
ISO_DATE = re.compile(r'^(\d{4}-\d{2}-\d{2})')


@dataclass(frozen=True)
class Vocabulary:
    """What the names in an expression mean: form fields, enum values, township parameters."""
    fields: Mapping[str, FormField] = field(default_factory=dict)
    enum_names: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, object] = field(default_factory=dict)
    role_names: Mapping[str, str] = field(default_factory=dict)
    parameter_labels: Mapping[str, str] = field(default_factory=dict)
    process_names: Mapping[str, str] = field(default_factory=dict)   # called item key -> name

    def conditions(self) -> dict[str, str]:
        """Yes/no fields as the words a conditional time limit says ('情况复杂'), and the options
        of choice fields ('==project': '工程项目')."""
        return {**{f'=={value}': name for value, name in self.enum_names.items() if value and name},
                **{name: condition_clause(f.label) for name, f in self.fields.items()
                   if f.type == 'boolean' and f.label}}

    def is_money(self, name: str) -> bool:
        found = self.fields.get(name)
        if found is not None:
            return found.type == 'money' or bool(MONEY_LABEL.search(found.label))
        return bool(MONEY_NAME.search(name))

    def role(self, code: str) -> str:
        return self.role_names.get(code, code)


def condition_words(expr: str, vocab: Vocabulary) -> str:
    """`amount >= project_decision_threshold` -> '金额≥5万元' (with the label and parameter)."""
    tree = _parse(expr)
    if tree is None:
        return expr.strip()
    try:
        return _Speaker(vocab).say(tree)
    except RecursionError:
        return expr.strip()


def duration_words(expr: str, vocab: Vocabulary) -> str:
    """`P7D`, `"P7D"`, `days(7)` or `days(publicity_days)` -> '7天' (the shared wording of
    bpmn_reader, the same as the pages and the power-list booklet); else the expression spoken."""
    bare = _unwrap(expr)
    shared = _duration_words(bare, vocab.parameters, vocab.parameter_labels, vocab.conditions())
    return shared if shared is not None else condition_words(_unquote(bare), vocab)


def timer_words(kind: str, expr: str, vocab: Vocabulary) -> str:
    """Words for a timer definition: a duration, a date ('至2026-12-03') or a cycle."""
    if kind == 'date':
        bare = _unquote(_unwrap(expr))
        date = ISO_DATE.match(bare)
        return f'至{date.group(1)}' if date else condition_words(bare, vocab)
    if kind == 'cycle':
        return _cycle_words(_unquote(_unwrap(expr)), vocab)
    return duration_words(expr, vocab)


def deadline_words(duration: str, vocab: Vocabulary) -> str:
    return f'时限{duration_words(duration, vocab)}'


def iso_duration_words(text: str) -> str | None:
    return _iso_duration_words(text)


def money_words(value: float | int | Decimal) -> str:
    """50000 -> '5万元', 120000000 -> '1.2亿元', 2000 -> '2000元'."""
    amount = Decimal(str(value))
    if abs(amount) >= 100_000_000:
        return f'{_plain_number(amount / 100_000_000)}亿元'
    if abs(amount) >= 10_000:
        return f'{_plain_number(amount / 10_000)}万元'
    return f'{_plain_number(amount)}元'


def role_list(value: object, vocab: Vocabulary) -> list[str]:
    """A parameter holding role codes (a list, or text separated by commas) -> role names."""
    if isinstance(value, str):
        codes = [c for c in re.split(r'[\s,，、;；]+', value) if c]
    elif isinstance(value, (list, tuple, set, frozenset)):
        codes = [str(c) for c in value]
    else:
        return []
    return [vocab.role(code) for code in codes]


def _cycle_words(text: str, vocab: Vocabulary) -> str:
    found = re.match(r'^R(\d*)/(.+)$', text)
    if not found:
        return condition_words(text, vocab)
    parts = [iso_duration_words(p) for p in found.group(2).split('/')]
    every = next((f'每{p}' for p in parts if p), '周期执行')
    return f'{every}，共{found.group(1)}次' if found.group(1) else every


def _plain_number(value) -> str:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), 'f')
    return text.rstrip('0').rstrip('.') if '.' in text else text


def _unwrap(expr: str) -> str:
    """Strip the wrappers other engines put around expressions: `${...}`, `#{...}`, FEEL `=`."""
    text = (expr or '').strip()
    if text[:2] in ('${', '#{') and text.endswith('}'):
        text = text[2:-1].strip()
    elif text.startswith('=') and not text.startswith('=='):
        text = text[1:].strip()
    return text.replace('&&', ' and ').replace('||', ' or ')


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in '"\'':
        return text[1:-1].strip()
    return text


def _parse(expr: str) -> ast.expr | None:
    text = _unwrap(expr)
    if not text:
        return None
    try:
        return ast.parse(text, mode='eval').body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


class _Speaker:
    """Speaks one expression tree; `money` says whether bare numbers are amounts of money."""

    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab

    def say(self, node: ast.AST, money: bool = False) -> str:
        method = getattr(self, f'_{type(node).__name__}', None)
        return method(node, money) if method else ast.unparse(node)

    def _BoolOp(self, node: ast.BoolOp, money: bool) -> str:
        word = '且' if isinstance(node.op, ast.And) else '或'
        return word.join(self._grouped(value, node) for value in node.values)

    def _grouped(self, child: ast.AST, parent: ast.AST) -> str:
        words = self.say(child)
        mixed_bool = isinstance(child, ast.BoolOp) and type(child.op) is not type(parent.op)
        return f'（{words}）' if mixed_bool else words

    def _UnaryOp(self, node: ast.UnaryOp, money: bool) -> str:
        operand = self.say(node.operand, money)
        if isinstance(node.op, ast.Not):
            compound = isinstance(node.operand, (ast.BoolOp, ast.Compare))
            return f'非（{operand}）' if compound else f'非{operand}'
        return {ast.USub: '−', ast.UAdd: '+'}.get(type(node.op), '~') + operand

    def _Compare(self, node: ast.Compare, money: bool) -> str:
        money = any(self._mentions_money(o) for o in (node.left, *node.comparators))
        words = self.say(node.left, money)
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                words = self._membership(words, isinstance(op, ast.NotIn), right, money)
            else:
                words += COMPARISONS.get(type(op), '?') + self.say(right, money)
        return words

    def _membership(self, left: str, negated: bool, right: ast.AST, money: bool) -> str:
        if isinstance(right, (ast.List, ast.Tuple, ast.Set)):
            items = '、'.join(self.say(e, money) for e in right.elts)
            return f'{left}{"不" if negated else ""}为{items}之一'
        return f'{left}{"不属于" if negated else "属于"}{self.say(right, money)}'

    def _mentions_money(self, node: ast.AST) -> bool:
        return any(isinstance(n, ast.Name) and self.vocab.is_money(n.id) for n in ast.walk(node))

    def _BinOp(self, node: ast.BinOp, money: bool) -> str:
        symbol, rank = ARITHMETIC.get(type(node.op), ('?', 0))
        # A factor in a product is a count or a fraction, not an amount ("2×5万元").
        money = money and rank == 1
        left = self._operand(node.left, rank, money, strict=False)
        # a−(b−c) and a÷(b÷c) keep their brackets; a+(b+c) and a×(b×c) read the same without.
        strict = not isinstance(node.op, (ast.Add, ast.Mult))
        return f'{left}{symbol}{self._operand(node.right, rank, money, strict)}'

    def _operand(self, side: ast.AST, rank: int, money: bool, strict: bool) -> str:
        words = self.say(side, money)
        inner = ARITHMETIC.get(type(side.op), ('', 9))[1] if isinstance(side, ast.BinOp) else 9
        return f'（{words}）' if inner < rank or (strict and inner == rank) else words

    def _Name(self, node: ast.Name, money: bool) -> str:
        found = self.vocab.fields.get(node.id)
        if found is not None:
            return found.label
        if node.id in self.vocab.parameters:
            value = self.vocab.parameters[node.id]
            return self._value(value, money or self.vocab.is_money(node.id))
        return node.id

    def _Constant(self, node: ast.Constant, money: bool) -> str:
        return self._value(node.value, money)

    def _value(self, value: object, money: bool) -> str:
        if isinstance(value, bool):
            return '是' if value else '否'
        if isinstance(value, (int, float, Decimal)):
            return money_words(value) if money else _plain_number(value)
        if isinstance(value, str):
            return self._text_value(value, money)
        if isinstance(value, (list, tuple, set, frozenset)):
            return '、'.join(self._value(v, money) for v in value)
        return '空' if value is None else str(value)

    def _text_value(self, value: str, money: bool) -> str:
        if value in self.vocab.enum_names:
            return self.vocab.enum_names[value]
        iso = iso_duration_words(value)
        if iso:
            return iso
        try:
            return self._value(Decimal(value), money) if value.strip() else value
        except InvalidOperation:
            return value

    def _Call(self, node: ast.Call, money: bool) -> str:
        func = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        args = [self.say(a) for a in node.args]
        if not args or node.keywords:
            return ast.unparse(node)
        first = args[0]
        spoken = {
            'days': f'{first}天', 'frac': first, 'int': first, 'float': first, 'str': first,
            'bool': first, 'round': first, 'len': f'{first}的数量', 'sum': f'{first}合计',
            'abs': f'|{first}|', 'any': f'{first}任一成立', 'all': f'{first}全部成立',
            'min': f'{"、".join(args)}中的较小值', 'max': f'{"、".join(args)}中的较大值',
        }
        return spoken.get(func, f'{func}（{"，".join(args)}）')

    def _List(self, node: ast.List, money: bool) -> str:
        return '、'.join(self.say(e, money) for e in node.elts)

    _Tuple = _Set = _List
