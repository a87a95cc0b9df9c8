"""Expressions, durations and amounts in the words of an official chart."""
import pytest

from render.graph import FormField
from render.words import (Vocabulary, condition_words, duration_words, iso_duration_words,
                          money_words, role_list, timer_words)

VOCAB = Vocabulary(
    fields={'amount': FormField('金额', 'money'), 'decision': FormField('审核意见', 'enum'),
            'pm_attendees': FormField('到会党员数', 'long'), 'pm_total': FormField('党员总数', 'long'),
            'pm_for': FormField('赞成票数', 'long'), 'approved': FormField('是否同意', 'boolean')},
    enum_names={'approve': '同意', 'reject': '不同意'},
    parameters={'project_decision_threshold': 50000, 'party_quorum': '2/3', 'party_majority': '1/2',
                'publicity_days': 7, 'publicity_period': 'P5D', 'small_purchase_threshold': 2000,
                'departments': ['TOWNSHIP_DISCIPLINE', 'INDUSTRY_DEPT']},
    role_names={'TOWNSHIP_DISCIPLINE': '乡镇纪委'},
)


@pytest.mark.parametrize('expr, spoken', [
    ('amount >= project_decision_threshold', '金额≥5万元'),
    ('amount < project_decision_threshold', '金额<5万元'),
    ('amount <= 150000', '金额≤15万元'),
    ('amount > small_purchase_threshold', '金额>2000元'),
    ('amount >= 2 * project_decision_threshold', '金额≥2×5万元'),
    ('decision == "approve"', '审核意见=同意'),
    ("decision != 'reject'", '审核意见≠不同意'),
    ('pm_attendees >= frac(party_quorum) * pm_total and pm_for > frac(party_majority) * pm_total',
     '到会党员数≥2/3×党员总数且赞成票数>1/2×党员总数'),
    ('not approved', '非是否同意'),
    ('(a or b) and not (c and d)', '（a或b）且非（c且d）'),
    ('decision in ["approve", "reject"]', '审核意见为同意、不同意之一'),
    ('unknown_field > limit_x', 'unknown_field>limit_x'),
    ('a - (b - c) == 0', 'a−（b−c）=0'),
    ('${amount > 10}', '金额>10元'),                 # JUEL wrapper from other modelers
    ('= amount > 10', '金额>10元'),                  # FEEL wrapper
    ('amount >=', 'amount >='),                      # unparsable: shown as written
])
def test_condition_words(expr, spoken):
    assert condition_words(expr, VOCAB) == spoken


@pytest.mark.parametrize('expr, spoken', [
    ('P7D', '7天'), ('"P7D"', '7天'), ("'P2W'", '2周'), ('days(7)', '7天'),
    ('days(publicity_days)', '7天'), ('publicity_period', '5天'), ('P1M2DT3H', '1个月2天3小时'),
    ('PT30M', '30分钟'), ('days(other_days)', 'other_days天'),
])
def test_duration_words(expr, spoken):
    assert duration_words(expr, VOCAB) == spoken


def test_timer_dates_and_cycles():
    assert timer_words('date', '"2026-12-03T00:00:00+08:00"', VOCAB) == '至2026-12-03'
    assert timer_words('cycle', 'R3/PT10H', VOCAB) == '每10小时，共3次'
    assert iso_duration_words('7 days') is None


@pytest.mark.parametrize('value, spoken', [
    (50000, '5万元'), (15000, '1.5万元'), (2000, '2000元'), (120_000_000, '1.2亿元'), (10000.0, '1万元'),
])
def test_money_words(value, spoken):
    assert money_words(value) == spoken


def test_role_lists_from_a_list_or_text():
    assert role_list(['TOWNSHIP_DISCIPLINE', 'INDUSTRY_DEPT'], VOCAB) == ['乡镇纪委', 'INDUSTRY_DEPT']
    assert role_list('TOWNSHIP_DISCIPLINE, INDUSTRY_DEPT', VOCAB) == ['乡镇纪委', 'INDUSTRY_DEPT']
    assert role_list(None, VOCAB) == []
