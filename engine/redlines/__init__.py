"""Red lines (红线): the rules of docs/micro-power.md §5 over matter data, as small named pure functions.

Rule metadata and thresholds are data (processes/redlines.toml, thresholds may name township
parameters); the services build the facts (engine/redlines/facts.py) from the store, run the rules
here, and keep what they find as warnings (预警)."""
from . import decisions, disclosure, money, records, village  # noqa: F401 - each module registers its rules
from .base import MATTER_RULES, VILLAGE_RULES, Hit, Rule, RuleBook, rules_path  # noqa: F401
from .evaluate import check_matter, check_village, facts_read, may_find, watching  # noqa: F401
from .facts import (MatterFacts, OpenObjection, ReadyStep, RelatedParty, RoleHolder, StepRecord,  # noqa: F401
                    VillageFacts)
from .watches import ItemShape, MatterSketch, shape_of  # noqa: F401
