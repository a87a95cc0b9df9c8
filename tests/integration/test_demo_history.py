"""The demo year (xiaowei demo --history), small: every planted violation is flagged, and nothing
else is."""
import pytest

from engine.services import Actor, warnings
from engine.services.demo_history import PLANTED


@pytest.mark.parametrize("year_ctx", ["sqlite"], indirect=True)
def test_every_planted_violation_is_flagged_and_nothing_else(year_ctx):
    ctx, year = year_ctx
    assert year.matters == len(PLANTED) + 30
    found, total = warnings.list_warnings(ctx, Actor.system(), {"active": True}, 1, 500)
    flagged = sorted((w.rule, w.check, tuple(w.matters)) for w in found)
    assert tuple(flagged) == year.expected, [w.text for w in found]
    assert {rule for rule, _, _ in flagged} >= {"R4", "R5", "R6", "R7", "R9", "R11", "R12", "R13", "R14",
                                                 "R15", "R17", "R19", "R20"}
