"""The rules' shared shape: what a rule is (its metadata and thresholds, read from
processes/redlines.toml), what it finds (a Hit), and the two registries the rule modules fill.

A matter rule is `fn(matter: MatterFacts, rule: Rule) -> iterable of Hit`; a village rule is
`fn(village: VillageFacts, rule: Rule) -> iterable of Hit` (splitting, duplicates, registers:
anything that reads several matters or the village's people). Rules are pure: no store, no clock
(a village rule reads `village.now`), so each can be tested with facts written by hand."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..exact import exact_fraction
from .watches import FACTS, everything

SEVERITIES = ("high", "medium", "low")

MATTER_RULES: list = []      # (code, function)
VILLAGE_RULES: list = []


def matter_rule(code: str, watches=everything, reads=FACTS):
    """Register a matter rule; `watches(rule, sketch)` says which matters it can find anything on,
    `reads` which facts besides their rows it reads (engine/redlines/watches.py; by default every
    matter, every fact)."""
    def register(fn):
        fn.watches, fn.reads = watches, frozenset(reads)
        MATTER_RULES.append((code, fn))
        return fn
    return register


def village_rule(code: str, watches=everything, reads=FACTS):
    """Register a village rule; `watches` says which touched matters a finding of it can name
    after an event (the sweep runs it on every village regardless), `reads` as for matter rules."""
    def register(fn):
        fn.watches, fn.reads = watches, frozenset(reads)
        VILLAGE_RULES.append((code, fn))
        return fn
    return register


@dataclass(frozen=True)
class Hit:
    """One finding: which rule and check, which matters, the text a supervisor reads, and the
    evidence (field values and dates) behind it. `about` tells apart findings of one check on the
    same matters (two meetings of one matter short of quorum)."""
    code: str
    check: str
    village: str
    township: str
    matters: tuple
    text: str
    evidence: dict = field(default_factory=dict)
    about: str = ""

    @property
    def key(self) -> str:
        """Deduplication: the same rule and check on the same matters is one warning."""
        ids = ",".join(str(i) for i in sorted(self.matters))
        return f"{self.code}:{self.check}:{ids}:{self.about}"[:255]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    description: str
    basis: str = ""
    thresholds: dict = field(default_factory=dict)
    enabled: bool = True

    def threshold(self, name: str, params: dict | None = None, default=None):
        """A threshold: a number, text or list in the rules file, or `{ param = "..." }`: the
        township parameter in force for the matter (its copied `params`), else the table's
        `default`. Fractions ("2/3") come back as Fraction."""
        return resolve(self.thresholds.get(name, default), params, default)

    def hit(self, matters, check: str, text: str, evidence: dict | None = None, about: str = "") -> Hit:
        """A finding on one matter (MatterFacts) or several (a list of them)."""
        group = matters if isinstance(matters, (list, tuple)) else [matters]
        first = group[0]
        return Hit(self.code, check, first.village, first.township, tuple(sorted({m.id for m in group})), text,
                   evidence or {}, about)

    def village_hit(self, village, check: str, text: str, evidence: dict | None = None, about: str = "") -> Hit:
        """A finding about the village itself (its people, its registers), no matter."""
        return Hit(self.code, check, village.code, village.township, (), text, evidence or {}, about)


def resolve(value, params: dict | None, default=None):
    """A threshold value as in force: `{ param = "name" }` reads the matter's parameters."""
    if isinstance(value, dict) and "param" in value:
        value = (params or {}).get(value["param"], value.get("default", default))
    return _fraction(value)


def _fraction(value):
    if isinstance(value, str) and "/" in value:
        try:
            return exact_fraction(value)
        except (ValueError, ZeroDivisionError):
            return value
    return value


class RuleBook:
    """Every rule of the rules file, by code."""

    def __init__(self, rules: dict[str, Rule]):
        self.rules = rules

    def __getitem__(self, code: str) -> Rule:
        return self.rules[code]

    def get(self, code: str) -> Rule | None:
        return self.rules.get(code)

    def __iter__(self):
        return iter(self.rules.values())

    @classmethod
    def load(cls, path: Path) -> "RuleBook":
        with open(path, "rb") as handle:
            raw = tomllib.load(handle)
        rules = {}
        for code, entry in raw.get("rules", {}).items():
            severity = entry.get("severity", "medium")
            if severity not in SEVERITIES:
                raise ValueError(f"{path}: {code} 的 severity 应为 {'/'.join(SEVERITIES)}")
            rules[code] = Rule(code, entry["name"], severity, entry.get("description", ""), entry.get("basis", ""),
                               entry.get("thresholds", {}), entry.get("enabled", True))
        return cls(rules)


def rules_path(processes_dir) -> Path:
    return Path(processes_dir) / "redlines.toml"
