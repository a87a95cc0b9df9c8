"""What the HTTP layer refuses before any service sees it: input that no database column, hash or
recursive walk can take. Each refusal is a 4xx in the API's error shape (or a page), never a 500.

- Ids in addresses: `<int:...>` matches only numbers an id column holds (ids are SQLAlchemy
  `Integer`: 32 bits on PostgreSQL, which refuses to compare a larger parameter; SQLite stops at
  2**63 - 1); a larger number is an address that names nothing, a 404.
- JSON bodies: lone surrogates ("\\ud800") cannot be encoded as UTF-8 (the audit hash and the
  database driver both fail on them), NUL cannot be stored by PostgreSQL, NaN/Infinity and integers
  past 64 bits fit no column, and very deep nesting exhausts Python's recursion (json.loads raises
  RecursionError at about a thousand levels; our forms need three).
- Query strings and form fields: NUL, for the same reason. (Werkzeug already keeps undecodable
  percent-escapes as text, so no surrogate can come from them.)
"""
from __future__ import annotations

import json
import math
import re

from flask import abort, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

MAX_ID = 2 ** 31 - 1
MAX_JSON_INTEGER = 2 ** 63 - 1              # past 64 bits no column or other client takes it
MAX_JSON_DEPTH = 32
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class DatabaseId(IntegerConverter):
    """`<int:...>` bounded to what the database can hold (werkzeug's converter takes a max)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class UnusableJson(ValueError):
    """A request body this service will not read; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def loads(body: str | bytes):
    """A JSON document from a request, or UnusableJson."""
    try:
        text = body.decode("utf-8") if isinstance(body, (bytes, bytearray)) else body
        value = json.loads(text, parse_constant=_refuse_constant)
    except UnusableJson:
        raise
    except RecursionError:
        raise UnusableJson(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）") from None
    except UnicodeDecodeError:
        raise UnusableJson("请求体应为 UTF-8 编码的 JSON") from None
    except json.JSONDecodeError as exc:
        raise UnusableJson(f"请求体不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except ValueError:                       # an integer of more than 4300 digits
        raise UnusableJson("JSON 中的数字超出范围") from None
    check_json(value)
    return value


def _refuse_constant(name: str):
    raise UnusableJson(f"JSON 中的数字应为有限数（{name} 不是 JSON）")


def check_json(value) -> None:
    """Walk a parsed document without recursion: depth, numbers and every string (keys too)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UnusableJson(f"JSON 嵌套过深（最多 {MAX_JSON_DEPTH} 层）")
        if isinstance(item, str):
            _check_text(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int) and abs(item) > MAX_JSON_INTEGER:
            raise UnusableJson("JSON 中的整数超出范围")
        elif isinstance(item, float) and not math.isfinite(item):
            raise UnusableJson("JSON 中的数字应为有限数（超出了双精度范围）")
        elif isinstance(item, dict):
            for key, child in item.items():
                _check_text(key)
                stack.append((child, depth + 1))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _check_text(text: str) -> None:
    if _UNSTORABLE.search(text):
        raise UnusableJson("文字中有无法保存的字符（孤立的代理字符或 NUL）")


def unstorable_text(values) -> bool:
    """Whether any of these strings (a query string's or a form's) holds a NUL or a lone surrogate."""
    return any(isinstance(v, str) and _UNSTORABLE.search(v) for v in values)


class JsonProvider(DefaultJSONProvider):
    """Flask's own JSON reading (request.get_json) refuses the same documents as the REST parser."""

    def loads(self, s, **kwargs):
        if kwargs:          # Flask's tagged session cookie (signed by us) passes its own hooks
            return super().loads(s, **kwargs)
        return loads(s)


def init_app(app) -> None:
    app.url_map.converters["int"] = DatabaseId
    app.json = JsonProvider(app)

    @app.before_request
    def _refuse_unstorable_address():
        # The path and query string only: a form is read later, under its own size limit.
        if unstorable_text([request.path, *request.args.keys(), *(v for _, v in request.args.items(multi=True))]):
            abort(400)
