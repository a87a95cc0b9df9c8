"""The masking rules of the public portal, one by one, and the scrub every published text gets."""
import re

import pytest

from engine import masking
from engine.masking import WITHHELD, mask, scrub_text

# The privacy scan's patterns (tests/e2e/test_public_privacy.py), with digit boundaries: in Python a
# Chinese character is a word character, so \b alone would miss an ID number inside a sentence.
ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
BANK = re.compile(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])")


@pytest.mark.parametrize("value, shown", [
    ("110101199003071234", "1101**********1234"),
    ("11010119900307123X", "1101**********123X"),
    (" 110101 19900307 1234 ", "1101**********1234"),
    ("110101900307123", "1101*******7123"),          # the old 15-digit numbers
    ("1234", "****"),
])
def test_id_number_keeps_the_first_and_last_four(value, shown):
    assert mask("id_number", value) == shown


@pytest.mark.parametrize("value, shown", [
    ("13812345678", "138****5678"), ("138 1234 5678", "138****5678"), ("138-1234-5678", "138****5678"),
    ("0731-88886666", "0731****6666"), ("12345", "*****"),
])
def test_phone_keeps_the_first_three_and_last_four(value, shown):
    assert mask("phone", value) == shown


def test_bank_account_keeps_the_last_four():
    assert mask("bank_account", "6217000012345678") == "****5678"
    assert mask("bank_account", "6217 0000 1234 5678 901") == "****8901"
    assert mask("bank_account", "123") == WITHHELD


def test_address_becomes_the_village():
    shown = mask("address", "青山镇绿水村三组27号", {"township": "青山镇", "village": "绿水村"})
    assert shown == "青山镇绿水村（具体位置不公开）" and "27" not in shown
    assert mask("address", "三组27号") == WITHHELD


def test_health_and_disability_details_are_withheld():
    assert mask("health", "肢体残疾二级，长期卧床") == WITHHELD == "（依法不公开）"


@pytest.mark.parametrize("value, shown", [("王大山", "王*山"), ("王山", "王*"), ("欧阳娜娜", "欧**娜"), ("王", "*")])
def test_a_name_keeps_its_first_and_last_character(value, shown):
    assert mask("name_partial", value) == shown


def test_every_rule_says_in_chinese_how_it_shows_a_value():
    assert set(masking.RULES) == set(masking.HOW_SHOWN)


def test_scrub_masks_numbers_inside_chinese_text():
    text = ("户主王大山（身份证110101199003071234号），电话13812345678，或138 1234 5678，"
            "账号6217000012345678，卡号6217 0000 1234 5678。合同编号LS-2026-003，金额80000元，日期2026-03-02。")
    scrubbed = scrub_text(text)
    for pattern in (ID18, MOBILE, BANK):
        assert not pattern.search(scrubbed), scrubbed
    assert "1101**********1234" in scrubbed and "138****5678" in scrubbed and "****5678" in scrubbed
    assert "LS-2026-003" in scrubbed and "80000元" in scrubbed and "2026-03-02" in scrubbed


def test_scrub_leaves_ordinary_numbers_alone():
    for text in ("招标人数 4 人", "控制价 76000.00 元", "青政项〔2026〕12号", "面积 12.5 亩", "1234567890",
                 "合同编号LS20261234567890123", "ab13812345678cd"):
        assert scrub_text(text) == text
