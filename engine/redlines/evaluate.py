"""Running the rules: every enabled matter rule over a matter, every village rule over a village.
A rule that fails on odd data is logged and skipped (one bad rule must not hide the others)."""
from __future__ import annotations

import logging

from .base import MATTER_RULES, VILLAGE_RULES, Hit, RuleBook
from .facts import MatterFacts, VillageFacts
from .watches import FACTS, MatterSketch, everything

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



def _watchers(book: RuleBook, matter: MatterSketch):
    """(code, function) of every enabled rule that could find something on the matter after an
    event (engine/redlines/watches.py)."""
    for code, fn in (*MATTER_RULES, *VILLAGE_RULES):
        rule = book.get(code)
        if rule is not None and rule.enabled and getattr(fn, "watches", everything)(rule, matter):
            yield code, fn


def watching(book: RuleBook, matter: MatterSketch) -> list[str]:
    """The codes of the rules watching the matter, each once, in registration order."""
    return list(dict.fromkeys(code for code, _ in _watchers(book, matter)))


def may_find(book: RuleBook, matter: MatterSketch) -> bool:
    return next(_watchers(book, matter), None) is not None


def facts_read(book: RuleBook, matters) -> set[str]:
    """The facts (watches.FACTS) the rules watching any of these matters read."""
    return {fact for m in matters for _, fn in _watchers(book, m) for fact in getattr(fn, "reads", FACTS)}
