"""A warning's evidence on its page (api/web/formatting.evidence_words) is in words: every key a red
line writes has a label, a form field is named by its item's label, ids are not shown. (The
splitting rule's page said `by：item_name`, the overdue rule's `步骤：archive`.)"""
from __future__ import annotations

import ast
from pathlib import Path

from api.web.formatting import EVIDENCE_LABELS, evidence_words

REDLINES = Path(__file__).resolve().parents[2] / "engine" / "redlines"


def written_keys() -> set[str]:
    """The constant keys of the evidence dicts given to rule.hit(matters, check, text, evidence)."""
    keys = set()
    for path in REDLINES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "hit" \
                    and len(node.args) >= 4:
                for part in ast.walk(node.args[3]):
                    if isinstance(part, ast.Dict):
                        keys |= {k.value for k in part.keys if isinstance(k, ast.Constant)}
    return keys


def test_every_key_a_red_line_writes_has_a_label():
    keys = written_keys()
    assert {"step", "due_at", "by", "total", "amounts"} <= keys                     # the scan finds them
    assert sorted(k for k in keys if k not in EVIDENCE_LABELS and not k.endswith("_id")) == []


def test_fields_by_their_labels_ids_hidden_times_in_beijing_time():
    evidence = {"by": "item_name", "key": "太阳能路灯", "total": 24000, "lessee": "张三", "step": "归档",
                "step_id": "archive", "due_at": "2026-10-27T21:41:00+00:00", "amounts": [15000, 9000]}
    shown = dict(evidence_words(evidence, {"item_name": "品名", "lessee": "承租方"}))
    assert shown == {"归并依据": "品名", "相同内容": "太阳能路灯", "合计金额": "24000", "承租方": "张三", "步骤": "归档",
                     "办理期限": "2026-10-28 05:41", "各笔金额": "15000、9000"}


def test_choices_parameters_and_numbers_in_words_and_a_due_day_ending_at_24():
    labels = {"expense_category": "支出类别", "expense_category.hospitality": "招待费", "cash_deposit_days": "现金送存时限"}
    shown = dict(evidence_words({"expense_category": "hospitality", "cash_deposit_days": 3, "amount": 11800.0,
                                 "ratio": 7.25, "valid": None, "due_at": "2026-12-31T16:00:00+00:00"}, labels))
    assert shown["支出类别"] == "招待费" and shown["现金送存时限"] == "3"
    assert "11800" in shown.values() and "7.25" in shown.values() and "无" in shown.values()
    assert shown["办理期限"] == "2026-12-31 24:00"                # the end of the day, as the warning's text says
