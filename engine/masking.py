"""How personal data looks on the public portal: one function per masking rule, and a scrub of
free text.

A publicity point names, for each field it publishes, either `public` or a masking rule (see
engine/disclosure.py). The rules follow the usual practice of Chinese disclosure lists: an ID
number keeps its first and last four characters, a mobile number its first three and last four
digits, a bank account its last four, a name its first (and, from three characters, its last)
character; an exact address becomes the village; health and disability details are withheld.

Every text that is published, public or not, is also scrubbed: a clerk who types an ID number or a
phone number into a notice does not publish it. The patterns look for a run of digits not glued to
other digits or Latin letters, rather than for "word" boundaries: in Python a Chinese character is a
word character, so `\\b` would miss 身份证110101199003071234号, while a code such as LS20261234567890123
(letters and digits) is an identifier, not a bank account.
"""
from __future__ import annotations

import re

WITHHELD = "（依法不公开）"

_BEFORE, _AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
ID_NUMBER = re.compile(_BEFORE + r"(?:\d{17}[\dXx]|\d{15})" + _AFTER)
BANK_ACCOUNT = re.compile(_BEFORE + r"(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)" + _AFTER)
MOBILE = re.compile(_BEFORE + r"1[3-9]\d[ -]?\d{4}[ -]?\d{4}" + _AFTER)


def id_number(value, context: dict | None = None) -> str:
    """110101199003071234 -> 1101**********1234 (the region's first four and the last four)."""
    text = _compact(value)
    if len(text) < 9:
        return "*" * len(text) if text else WITHHELD
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def phone(value, context: dict | None = None) -> str:
    """13812345678 -> 138****5678; a landline keeps its area code and last four digits."""
    text = _compact(value).replace("-", "")
    if len(text) < 7 or not text.isdigit():
        return "*" * len(text) if text else WITHHELD
    head = 4 if text.startswith("0") and len(text) > 11 else 3
    return text[:head] + "*" * (len(text) - head - 4) + text[-4:]


def bank_account(value, context: dict | None = None) -> str:
    """Only the last four digits: 6217000012345678 -> ****5678."""
    digits = re.sub(r"\D", "", str(value))
    return "****" + digits[-4:] if len(digits) > 4 else WITHHELD


def address(value, context: dict | None = None) -> str:
    """An exact address becomes the village it lies in (the township and village names)."""
    context = context or {}
    place = f"{context.get('township', '')}{context.get('village', '')}"
    return f"{place}（具体位置不公开）" if place else WITHHELD


def health(value, context: dict | None = None) -> str:
    """Health, illness and disability details are never shown, only that something is withheld."""
    return WITHHELD


def name_partial(value, context: dict | None = None) -> str:
    """王大山 -> 王*山, 王山 -> 王*, 欧阳娜娜 -> 欧**娜: enough for neighbours to recognise, not to search."""
    text = str(value).strip()
    if len(text) <= 1:
        return "*" if text else WITHHELD
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" * (len(text) - 2) + text[-1]


RULES = {"id_number": id_number, "phone": phone, "bank_account": bank_account, "address": address,
         "health": health, "name_partial": name_partial}
# What each rule is for, in the words an administrator picks it by (the modeler's publicity editor).
RULE_NAMES = {"id_number": "身份证号码", "phone": "手机号码", "bank_account": "银行账号", "address": "住址（只公开到村）",
              "health": "健康状况（不公开）", "name_partial": "姓名（部分隐去）"}
# How a masked field is described to the public ("申请人（部分隐去）").
HOW_SHOWN = {"id_number": "部分隐去", "phone": "部分隐去", "bank_account": "仅显示后四位", "address": "仅公开到村",
             "health": "依法不公开", "name_partial": "部分隐去"}


def mask(rule: str, value, context: dict | None = None) -> str:
    return RULES[rule](value, context)


def scrub_text(text: str) -> str:
    """Free text with every ID number, bank account and mobile number in it masked (in that order:
    an 18-digit ID number would also pass for a bank account)."""
    text = ID_NUMBER.sub(lambda m: id_number(m.group()), text)
    text = BANK_ACCOUNT.sub(lambda m: bank_account(m.group()), text)
    return MOBILE.sub(lambda m: phone(m.group()), text)


def _compact(value) -> str:
    return re.sub(r"\s", "", str(value))
