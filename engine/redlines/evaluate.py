"""Running the rules: every enabled matter rule over a matter, every village rule over a village.
A rule that fails on odd data is logged and skipped (one bad rule must not hide the others)."""
from __future__ import annotations

import logging

from .base import MATTER_RULES, VILLAGE_RULES, Hit, RuleBook
from .facts import MatterFacts, VillageFacts

log = logging.getLogger("xiaowei.redlines")


def _run(code, fn, subject, book: RuleBook, only: set | None) -> list[Hit]:
    rule = book.get(code)
    if rule is None or not rule.enabled or (only is not None and code not in only):
        return []
    try:
        return list(fn(subject, rule) or ())
    except Exception:  # noqa: BLE001 - a rule's fault is logged, the other rules still run
        log.exception("red-line rule %s (%s) failed on %r", code, fn.__name__, getattr(subject, "id", subject))
        return []


def check_matter(matter: MatterFacts, book: RuleBook, only: set | None = None) -> list[Hit]:
    hits = []
    for code, fn in MATTER_RULES:
        hits += _run(code, fn, matter, book, only)
    return hits


def check_village(village: VillageFacts, book: RuleBook, only: set | None = None,
                  matter_rules: bool = True) -> list[Hit]:
    """Every village rule, and (matter_rules) every matter rule on each of its matters."""
    hits = []
    if matter_rules:
        for matter in village.matters:
            hits += check_matter(matter, book, only)
    for code, fn in VILLAGE_RULES:
        hits += _run(code, fn, village, book, only)
    return hits
