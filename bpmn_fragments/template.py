"""What every fragment template has: a kind (the word after `fragment:` in the marker), the
declaration it reads, and what it produces (the XML lines and the lane of each flow node)."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
XML_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


class DeclarationError(ValueError):
    """A declaration a template cannot use; the message says which parameter and why (Chinese)."""


class Declaration:
    """The `key="value"` pairs of one marker, read by a template. Every key must be read: one the
    template never asks for is a misspelling (`unread`), not something to ignore silently."""

    def __init__(self, values: dict[str, str]):
        self.values = dict(values)
        self.read: set[str] = set()

    def text(self, key: str, default: str | None = None) -> str:
        """A value as written; required when there is no default."""
        self.read.add(key)
        value = self.values.get(key, default)
        if value is None:
            raise DeclarationError(f"缺少参数 {key}")
        if not value.strip():
            raise DeclarationError(f"参数 {key} 为空")
        return value

    def optional(self, key: str) -> str | None:
        self.read.add(key)
        return self.values.get(key)

    def ident(self, key: str, default: str | None = None, pattern: re.Pattern = IDENTIFIER) -> str:
        """A name a file or an expression refers to (an element id, a field, a parameter, a lane)."""
        value = self.text(key, default)
        if not pattern.match(value):
            raise DeclarationError(f"参数 {key}=\"{value}\" 不是合法的标识（字母、数字、下划线，不以数字开头）")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.text(key, "true" if default else "false")
        if value not in ("true", "false"):
            raise DeclarationError(f"参数 {key}=\"{value}\" 应为 true 或 false")
        return value == "true"

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key, choices[0])
        if value not in choices:
            raise DeclarationError(f"参数 {key}=\"{value}\" 应为 {'、'.join(choices)} 之一")
        return value

    def suffixes(self, family: str) -> list[str]:
        """The suffixes of the keys `family.SUFFIX`, in the order written."""
        found = []
        for key in self.values:
            if key.startswith(family + ".") and "." not in key[len(family) + 1:]:
                found.append(key[len(family) + 1:])
        return found

    def unread(self) -> list[str]:
        return [key for key in self.values if key not in self.read]


@dataclass
class Generated:
    """What a template produced for one declaration."""
    lines: list[str]                                   # the XML, indented relative to the marker
    lanes: dict[str, str]                              # flow node id -> the lane it belongs to
    label: str                                         # how messages name this use (its intake step, its field)


@dataclass(frozen=True)
class Template:
    kind: str
    render: Callable[[Declaration], Generated]
    summary: str = ""
    inside: str | None = None       # the element a use must stand in (`camunda:formData`), if any
