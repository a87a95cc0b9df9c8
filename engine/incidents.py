"""Why a matter failed inside the engine, in words an administrator can act on.

SpiffWorkflow wraps what went wrong ("Error evaluating expression 'amount / households > 100'")
around the Python error that caused it (ZeroDivisionError). The administrator needs both halves in
Chinese: which expression, and what about the data made it fail, so they can correct the data (and
retry) or see that the definition itself is at fault (and cancel, then start again on a corrected
version).
"""
from __future__ import annotations

import re

from .errors import XiaoweiError
from .vocabulary import quoted

_EXPRESSION = re.compile(r"Error evaluating expression '(.*?)'", re.S)
_MISSING_NAME = re.compile(r"name '(\w+)' is not defined")
_WORDS = [
    (ZeroDivisionError, "除数为零（参与除法的数据为 0）"),
    (NameError, "缺少数据项"),
    (KeyError, "缺少数据项"),
    (TypeError, "数据类型不符（如文字与数字相比较、空值参与计算）"),
    (OverflowError, "数值过大，无法计算"),
    (ValueError, "数值无效"),
]


def explain(exc: BaseException) -> str:
    """One Chinese sentence: the expression that failed, if any, and what made it fail."""
    root = _innermost(exc)
    what = _words_for(root)
    expression = _EXPRESSION.search(str(exc))
    if expression:
        return f"计算表达式{quoted(expression.group(1))}时出错：{what}"
    return f"流程运行出错：{what}"


def _words_for(root: BaseException) -> str:
    if isinstance(root, XiaoweiError):
        return root.message
    missing = _MISSING_NAME.search(str(root))
    if missing:
        return f"缺少数据项{quoted(missing.group(1))}"
    for kind, words in _WORDS:
        if isinstance(root, kind):
            return f"{words}{quoted(root.args[0])}" if kind is KeyError and root.args else words
    return f"引擎内部错误（{type(root).__name__}）"


def _innermost(exc: BaseException) -> BaseException:
    """The first error of the chain: what SpiffWorkflow caught and wrapped."""
    seen = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        inner = exc.__cause__ or exc.__context__
        if inner is None:
            break
        exc = inner
    return exc
