"""Cursors of keyset pagination (engine/store/keyset.py): written and read back exactly, anything
else refused as InvalidData naming `after`; page numbers bounded to the first MAX_OFFSET rows."""
from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from engine.errors import InvalidData
from engine.store.keyset import MAX_OFFSET, page_start
from engine.store.repositories import MATTERS_BY_NUMBER, MATTERS_BY_START, READY_STEPS

AT = datetime(2026, 3, 2, 1, 2, 3, 4, tzinfo=timezone.utc)


def encoded(values) -> str:
    text = json.dumps(values, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def refused(ordering, cursor) -> dict:
    with pytest.raises(InvalidData) as caught:
        ordering.read(cursor)
    assert "after" in caught.value.errors and caught.value.message
    return caught.value.errors


def test_a_cursor_reads_back_the_key_values_it_was_written_from():
    assert MATTERS_BY_NUMBER.read(MATTERS_BY_NUMBER.cursor(SimpleNamespace(id=1234))) == (1234,)
    china = timezone(timedelta(hours=8))
    row = SimpleNamespace(created_at=AT.astimezone(china), id=7)             # any zone: written in UTC
    assert MATTERS_BY_START.read(MATTERS_BY_START.cursor(row)) == (AT, 7)
    step = SimpleNamespace(ready_since=AT.replace(microsecond=0), task_id="3f2a-task")
    assert READY_STEPS.read(READY_STEPS.cursor(step)) == (AT.replace(microsecond=0), "3f2a-task")


def test_a_cursor_is_url_safe_text_without_padding():
    cursor = MATTERS_BY_START.cursor(SimpleNamespace(created_at=AT, id=2 ** 31 - 1))
    assert cursor.isascii() and "=" not in cursor and "+" not in cursor and "/" not in cursor
    assert json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))) == [
        "mt", "2026-03-02T01:02:03.000004+00:00", 2 ** 31 - 1]


@pytest.mark.parametrize("cursor", [
    "", "!!!!", "bad cursor", "a" * 201, "abc=", "%3D",
    base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="),             # not text
    encoded("m"), encoded({"m": 1}), encoded([]), encoded(["m"]), encoded(["m", 1, 2]),
    encoded(["m", "1"]), encoded(["m", 1.0]), encoded(["m", True]), encoded(["m", None]),
    encoded(["m", -1]), encoded(["m", 2 ** 31]), encoded(["m", 10 ** 30]),
])
def test_a_malformed_cursor_is_refused(cursor):
    refused(MATTERS_BY_NUMBER, cursor)


def test_a_cursor_of_another_list_or_order_is_refused():
    by_number = MATTERS_BY_NUMBER.cursor(SimpleNamespace(id=5))
    by_start = MATTERS_BY_START.cursor(SimpleNamespace(created_at=AT, id=5))
    step = READY_STEPS.cursor(SimpleNamespace(ready_since=AT, task_id="t"))
    assert "不属于" in refused(MATTERS_BY_START, by_number)["after"]       # a search by date given a cursor by number
    refused(MATTERS_BY_NUMBER, by_start)
    refused(MATTERS_BY_NUMBER, step)
    refused(READY_STEPS, by_start)


@pytest.mark.parametrize("values", [
    ["mt", "2026-03-02T01:02:03", 5],                    # no zone
    ["mt", "2026-03-02T09:02:03+08:00", 5],              # another spelling of a time this module writes in UTC
    ["mt", "2026-03-02T01:02:03Z", 5],
    ["mt", "2026-03-02T01:02:03.000000+00:00", 5],       # microseconds this module would not write
    ["mt", "2026-02-30T01:02:03+00:00", 5],              # no such day
    ["mt", "yesterday", 5], ["mt", 1772413323, 5], ["mt", "", 5],
])
def test_a_forged_time_is_refused(values):
    refused(MATTERS_BY_START, encoded(values))


@pytest.mark.parametrize("task_id", ["", "x" * 37, "a\x00b", "\ud800", "line\nbreak", 7])
def test_a_forged_step_key_is_refused(task_id):
    refused(READY_STEPS, base64.urlsafe_b64encode(
        json.dumps(["t", AT.isoformat(), task_id], separators=(",", ":")).encode()).decode().rstrip("="))


def test_only_the_spelling_written_is_read():
    cursor = MATTERS_BY_NUMBER.cursor(SimpleNamespace(id=42))
    assert MATTERS_BY_NUMBER.read(cursor) == (42,)
    refused(MATTERS_BY_NUMBER, cursor + "=")                                             # padded
    spaced = base64.urlsafe_b64encode(b'["m", 42]').decode().rstrip("=")                 # same values, other JSON
    refused(MATTERS_BY_NUMBER, spaced)


def test_keys_in_one_direction_are_one_row_comparison_and_mixed_ones_spelled_out():
    def sql(ordering, values, dialect):
        return str(ordering.after(values).compile(dialect=dialect, compile_kwargs={"literal_binds": False}))
    assert sql(MATTERS_BY_NUMBER, (5,), sqlite.dialect()) == "instances.id < ?"
    assert sql(MATTERS_BY_START, (AT, 5), postgresql.dialect()).startswith(
        "(instances.created_at, instances.id) < (")
    mixed = sql(READY_STEPS, (AT, "t"), sqlite.dialect())          # ready_since newest first, task_id ascending
    assert mixed.startswith("inbox.ready_since <= ?") and "inbox.task_id > ?" in mixed


def test_a_page_by_number_is_bounded_and_a_cursor_starts_at_its_row():
    assert page_start(1, 20, None) == 0
    assert page_start(50, 20, None) == 980                         # the last page of 20 within the bound
    with pytest.raises(InvalidData) as caught:
        page_start(51, 20, None)
    assert "after" in caught.value.errors["page"] and f"{MAX_OFFSET:,}" in caught.value.message
    with pytest.raises(InvalidData):
        page_start(MAX_OFFSET + 1, 1, None)
    assert page_start(1, 100, "cursor") == 0
    with pytest.raises(InvalidData) as caught:
        page_start(2, 20, "cursor")
    assert "page" in caught.value.errors
