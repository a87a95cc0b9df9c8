"""Escaping for the XML the templates write (values come from a declaration, as typed)."""
from __future__ import annotations


def text(value: str) -> str:
    """Character data: a condition such as `a < b` is written `a &lt; b`."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(value: str) -> str:
    """An attribute value between double quotes."""
    return text(value).replace('"', "&quot;")
