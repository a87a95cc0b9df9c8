"""Durations in words (bpmn_reader.duration_words): the one wording the charts, the pages and the
power-list document share, conditional time limits included."""
import pytest

from bpmn_reader import condition_clause, duration_words
from engine.power_list import duration_words as page_words
from engine.registry import Parameter

VALUES = {"usual": 30, "complex": 45, "first": 15, "publicity_days": 7}
COMPLEX = {"complex_case": "情况复杂"}


@pytest.mark.parametrize("expression, words", [
    ("workdays((complex if complex_case else usual) - first)", "一般15个工作日，情况复杂的30个工作日"),
    ("days(complex if complex_case else usual)", "一般30天，情况复杂的45天"),
    ("days(complex) if complex_case else days(usual)", "一般30天，情况复杂的45天"),
    ("days(usual if not complex_case else complex)", "一般45天，非情况复杂的30天"),
    ("days(usual if complex_case else usual)", "30天"),                 # both ways the same
    ("days(complex if unknown_flag else usual)", "45天或30天"),        # no words for the condition
    ("days(publicity_days)", "7天"),
    ("P10D", "10天"),
])
def test_conditional_limits_read_as_people_say_them(expression, words):
    assert duration_words(expression, VALUES, None, COMPLEX) == words


def test_a_condition_is_the_first_clause_of_a_yes_no_question():
    assert condition_clause("情况复杂，需延长审核确认时限") == "情况复杂"
    assert condition_clause("是否涉及近亲属（须如实申明）") == "涉及近亲属"
    assert condition_clause("到期") == "到期"


def test_pages_word_a_conditional_limit_from_the_items_yes_no_field():
    parameters = {name: Parameter(name, name, value, 1, 90) for name, value in VALUES.items()}
    fields = [{"name": "complex_case", "label": "情况复杂，需延长审核确认时限", "type": "boolean"},
              {"name": "note", "label": "说明", "type": "text"}]
    expression = "workdays((complex if complex_case else usual) - first)"
    assert page_words(expression, parameters, fields) == "一般15个工作日，情况复杂的30个工作日"
    assert page_words(expression, parameters) == "30个工作日或15个工作日（first、complex、usual）"
