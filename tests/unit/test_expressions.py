from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from engine.errors import UnsafeExpression
from engine.expressions import compile_expression, evaluate, iso_literal, names_in


@pytest.mark.parametrize("expression, data, expected", [
    ("amount >= threshold", {"amount": 100000, "threshold": 100000}, True),
    ("amount >= threshold", {"amount": 99999.99, "threshold": 100000}, False),
    ("pm_attendees >= frac(q) * pm_total", {"pm_attendees": 20, "pm_total": 30, "q": "2/3"}, True),
    ("pm_attendees >= frac(q) * pm_total", {"pm_attendees": 19, "pm_total": 30, "q": "2/3"}, False),
    ("decision in ['pass', 'rectify']", {"decision": "pass"}, True),
    ("'rectify' not in opinions", {"opinions": ["pass", "pass"]}, True),
    ("len(items) == 2 and not flag", {"items": [1, 2], "flag": False}, True),
    ("days(n)", {"n": 7}, "P7D"),
    ("P7D", {}, "P7D"),
    ('"P7D"', {}, "P7D"),
    ("'PT12H'", {}, "PT12H"),
])
def test_allowed_expressions_evaluate(expression, data, expected):
    assert evaluate(expression, data) == expected


@pytest.mark.parametrize("expression", [
    "__import__('os').system('id')",
    "().__class__.__base__.__subclasses__()",
    "open('/etc/passwd')",
    "getattr(x, 'y')",
    "[c for c in x]",
    "lambda: 1",
    "9 ** 9 ** 9",
    "'x' * 1000000000",
    "[0] * 1000000000",
    "_secret",
    "eval('1')",
    "len(x, key=1)",
    "x.y",
])
def test_unsafe_expressions_are_refused(expression):
    with pytest.raises(UnsafeExpression):
        compile_expression(expression)


def test_syntax_error_is_reported_as_unsafe_expression():
    with pytest.raises(UnsafeExpression, match="语法错误"):
        compile_expression("amount >=")


def test_private_names_in_data_are_not_visible():
    with pytest.raises(NameError):
        evaluate("x", {"_x": 1})


def test_names_in_excludes_functions():
    assert names_in("frac(q) * total > len(items)") == {"q", "total", "items"}
    assert names_in("P7D") == set()


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=10_000))
def test_frac_quorum_is_exact(attending, total):
    assert evaluate("a >= frac('2/3') * t", {"a": attending, "t": total}) == (Fraction(attending, total) >= Fraction(2, 3))


@pytest.mark.parametrize("text, expected", [("P7D", "P7D"), ("'P1Y2M'", "P1Y2M"), ("PT30M", "PT30M"),
                                            ("P", None), ("7D", None), ("days(x)", None), ("PT", None)])
def test_iso_literal(text, expected):
    assert iso_literal(text) == expected
