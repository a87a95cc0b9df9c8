"""Keyset (cursor) pagination of the lists (issue 17: deep pages grew with OFFSET).

A page found by number skips (page - 1) x size rows, and the database reads every row it skips:
page 5,000 of the county's matters read 100,000 index entries to answer twenty. A page found by
cursor starts after the last row of the page before, by the list's ordering key, through the index
the order already walks: every page costs what the first one costs, and a row inserted while a
client pages cannot shift a row onto the next page twice or off it unseen.

The cursor is opaque to clients: base64url (no padding) of a JSON array, the ordering's tag then
the last row's sort key values, e.g. ["m", 1234] or ["mt", "2026-03-02T01:02:03.000004+00:00", 1234].
It is validated strictly (InvalidData, the API's 422): not base64url, not that JSON, another list's
or another ordering's tag (a cursor of a search by date given to one by number), a value of the
wrong kind or past what the column holds, or any spelling but the one this module writes, are
refused. It is not signed: a cursor only says where a page starts, inside the same filters and the
same reach; a hand-made one reads nothing the caller could not read from page 1.

Page numbers stay for the first pages (clients and the web pages use them): a page may skip at
most MAX_OFFSET rows, the rows a list counts (repositories.COUNT_CAP), so every page the pagination
header offers is in range; past it the refusal names the cursor.
"""
from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import and_, literal, or_, tuple_

from ..errors import InvalidData

MAX_OFFSET = 1_000          # rows a page number may skip; deeper pages are read by cursor
MAX_CURSOR = 200            # characters: the longest cursor this module writes is under 100
MAX_INTEGER = 2 ** 31 - 1   # the id columns are 32-bit integers (a larger one would fail the query)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")

INVALID = "翻页标记（after）无效：请使用上一页给出的翻页标记，不要修改它"


def page_start(page: int, per_page: int, after: str | None) -> int:
    """The rows a page skips: none after a cursor; (page - 1) x per_page for a page by number, at
    most MAX_OFFSET. InvalidData: a deeper page by number, or a number beside a cursor."""
    if after is not None:
        if page != 1:
            raise InvalidData("页码与翻页标记不能同时使用", {"page": "按翻页标记（after）翻页时不要再给页码"})
        return 0
    start = (page - 1) * per_page
    if start >= MAX_OFFSET:
        raise InvalidData(f"按页码只能翻到前 {MAX_OFFSET:,} 条", {
            "page": f"第 {page} 页（每页 {per_page} 条）超出按页码翻页的范围（前 {MAX_OFFSET:,} 条）：请从上一页点"
                    f"“下一页”继续（API 用上一页给出的翻页标记 after，见 X-Pagination 与 Link 头），或缩小查询条件"})
    return start


@dataclass(frozen=True)
class Key:
    """One column of an ordering: the attribute of the row, its column, its kind and direction."""
    attribute: str
    column: object
    kind: type                 # int, str or datetime
    descending: bool = True
    length: int = 64           # a str key's longest value


@dataclass(frozen=True)
class Ordering:
    """A list's order: its tag (written into its cursors) and its keys, the last one unique."""
    tag: str
    keys: tuple[Key, ...]

    def order_by(self) -> list:
        return [key.column.desc() if key.descending else key.column.asc() for key in self.keys]

    def after(self, values: tuple):
        """The rows that come after a row with these key values. Keys all in one direction are
        one row comparison, (created_at, id) < (:t, :id), which PostgreSQL and SQLite both start an
        index scan at; mixed directions are spelled out, with the first key's bound beside them so
        an index on it still serves."""
        bound = [literal(value, key.column.type) for key, value in zip(self.keys, values, strict=True)]
        columns = [key.column for key in self.keys]
        if all(key.descending for key in self.keys) or not any(key.descending for key in self.keys):
            if len(columns) == 1:
                return columns[0] < bound[0] if self.keys[0].descending else columns[0] > bound[0]
            left, right = tuple_(*columns), tuple_(*bound)
            return left < right if self.keys[0].descending else left > right
        branches = []
        for n, key in enumerate(self.keys):
            equal = [columns[i] == bound[i] for i in range(n)]
            branches.append(and_(*equal, columns[n] < bound[n] if key.descending else columns[n] > bound[n]))
        first = columns[0] <= bound[0] if self.keys[0].descending else columns[0] >= bound[0]
        return and_(first, or_(*branches))

    def cursor(self, row) -> str:
        """The cursor of the page after `row` (an ORM object with the keys' attributes)."""
        return self._written(tuple(getattr(row, key.attribute) for key in self.keys))

    def _written(self, key_values: tuple) -> str:
        values = [self.tag] + [_plain(value, key) for key, value in zip(self.keys, key_values, strict=True)]
        text = json.dumps(values, ensure_ascii=True, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")

    def read(self, cursor: str) -> tuple:
        """The key values a cursor of this ordering holds; InvalidData for anything else."""
        if not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_CURSOR or not _BASE64URL.fullmatch(cursor):
            raise InvalidData(INVALID, {"after": INVALID})
        try:
            values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii"))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidData(INVALID, {"after": INVALID}) from None
        if not isinstance(values, list) or len(values) != len(self.keys) + 1 or values[0] != self.tag:
            raise InvalidData("翻页标记（after）不属于这个列表或这组查询条件：请从第一页重新翻页",
                              {"after": "翻页标记不属于这个列表或这组查询条件"})
        try:
            key_values = tuple(_parsed(value, key) for key, value in zip(self.keys, values[1:], strict=True))
        except (TypeError, ValueError, OverflowError):
            raise InvalidData(INVALID, {"after": INVALID}) from None
        if self._written(key_values) != cursor:
            raise InvalidData(INVALID, {"after": INVALID})      # only the spelling this module writes
        return key_values


def _plain(value, key: Key):
    if key.kind is datetime:
        return value.astimezone(timezone.utc).isoformat()
    return value


def _parsed(value, key: Key):
    if key.kind is int:
        if type(value) is not int or not 0 <= value <= MAX_INTEGER:
            raise ValueError(value)
        return value
    if key.kind is str:
        if type(value) is not str or not 0 < len(value) <= key.length or not value.isprintable():
            raise ValueError(value)
        value.encode("utf-8")                # a lone surrogate: UnicodeEncodeError, no database stores it
        return value
    if type(value) is not str or not value.endswith("+00:00"):
        raise ValueError(value)
    return datetime.fromisoformat(value)
