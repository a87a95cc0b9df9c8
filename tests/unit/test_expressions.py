from datetime import datetime, time, timezone
from fractions import Fraction

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from hypothesis import given, strategies as st

from engine import clock
from engine.errors import UnsafeExpression
from engine.workdays import BEIJING
from engine.expressions import compile_expression, evaluate, iso_literal, names_in


@pytest.mark.parametrize("expression, data, expected", [
    ("amount >= threshold", {"amount": 100000, "threshold": 100000}, True),
    ("amount >= threshold", {"amount": 99999.99, "threshold": 100000}, False),
    ("pm_attendees >= frac(q) * pm_total", {"pm_attendees": 20, "pm_total": 30, "q": "2/3"}, True),
    ("pm_attendees >= frac(q) * pm_total", {"pm_attendees": 19, "pm_total": 30, "q": "2/3"}, False),
    ("decision in ['pass', 'rectify']", {"decision": "pass"}, True),
    ("'rectify' not in opinions", {"opinions": ["pass", "pass"]}, True),
    ("len(items) == 2 and not flag", {"items": [1, 2], "flag": False}, True),
    ("P7D", {}, "P7D"),
    ('"P7D"', {}, "P7D"),
    ("'PT12H'", {}, "PT12H"),
])
def test_allowed_expressions_evaluate(expression, data, expected):
    assert evaluate(expression, data) == expected


@pytest.mark.parametrize("now, n, seconds", [
    (datetime(2026, 3, 3, 2, 0, tzinfo=timezone.utc), 7, 7 * 86400 + 14 * 3600),    # 10:00 on the 3rd -> 24:00 on the 10th
    (datetime(2026, 3, 3, 15, 59, 30, tzinfo=timezone.utc), 1, 86400 + 30),          # 23:59:30 -> the next day's end
    (datetime(2026, 3, 3, 16, 0, tzinfo=timezone.utc), 1, 2 * 86400),                # 00:00 on the 4th -> 24:00 on the 5th
    (datetime(2026, 3, 3, 2, 0, 0, 1, tzinfo=timezone.utc), 0, "50399.999999"),      # by the end of today, sharp
])
def test_days_runs_a_period_to_24_00_beijing_time_of_its_last_day(now, n, seconds):
    """民法典 Art. 201 and 203: the day a period starts is not counted, its last day ends at 24:00."""
    with clock.use_clock(clock.FixedClock(now)):
        duration = evaluate("days(n)", {"n": n})
        assert duration == f"PT{seconds}S"
        ends = now + TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(duration))
        assert ends.astimezone(BEIJING).time() == time(0)            # the engine's own reading of it


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
