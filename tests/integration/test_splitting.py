"""Splitting checked against the stored purchases (采购, issue 13): at the 台账核查 of a purchase, the
combined amount may not be below this purchase plus the purchases of the same scope the village
already has on the platform within the township's window (read the way red line R4 reads across
matters), whatever the clerk says."""
from datetime import datetime, timedelta, timezone

import pytest

from engine import clock
from engine.errors import InvalidData
from engine.identity import Actor, Grant
from engine.services import matters
from tests.integration.helpers import do, ready

SYSTEM = Actor.system()
T0 = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
V = "lushui_village"


@pytest.fixture
def fixed():
    at = clock.FixedClock(T0)
    with clock.use_clock(at):
        yield at


@pytest.fixture
def bookkeeper() -> Actor:
    """The 报账员 who checks the ledger (not the starter: the check is separate from it)."""
    return Actor("baozhangyuan", frozenset({Grant("REPORTING_CLERK", "demo_county")}))


def request(ctx, clerk, name: str, amount, village: str = V) -> dict:
    return matters.start_matter(ctx, clerk, "procurement", village, name, {
        "item_name": name, "purchase_type": "goods", "specification": "办公桌10张、椅20把", "amount": amount,
        "in_annual_plan": True})


def check(ctx, actor, matter, related: bool, combined) -> dict:
    return do(ctx, actor, matter, "split_check", {"checked_window_days": 90, "related_found": related,
                                                  "combined_amount": combined})


def test_the_clerks_word_is_checked_against_the_stored_purchases(ctx, clerk, bookkeeper, fixed):
    request(ctx, clerk, "村部办公桌椅", 15000)
    fixed.advance(timedelta(days=20))
    second = request(ctx, clerk, "村部办公桌椅（二批）", 12000)       # the same scope, a batch number apart
    with pytest.raises(InvalidData) as err:
        check(ctx, bookkeeper, second, related=False, combined=0)
    message = err.value.errors["combined_amount"]
    assert "村部办公桌椅" in message and "15,000.00" in message and "27,000.00" in message, message
    with pytest.raises(InvalidData):
        check(ctx, bookkeeper, second, related=True, combined=26999.99)
    m = check(ctx, bookkeeper, second, related=True, combined=27000)
    assert ready(m, "tc_decide")


def test_only_live_purchases_of_the_same_scope_village_and_window_count(ctx, clerk, bookkeeper, fixed):
    request(ctx, clerk, "村部办公桌椅", 8000)                               # 91 days before the next: outside
    fixed.advance(timedelta(days=91))
    request(ctx, clerk, "村部办公桌椅", 15000, village="taohua_village")    # another village
    request(ctx, clerk, "保洁服务", 15000)                                 # another scope
    cancelled = request(ctx, clerk, "村部办公桌椅", 15000)
    matters.cancel_matter(ctx, SYSTEM, cancelled.id, "重复发起")        # never bought
    fixed.advance(timedelta(days=1))
    m = request(ctx, clerk, "村部办公桌椅", 12000)
    m = check(ctx, bookkeeper, m, related=False, combined=0)
    assert ready(m, "tc_decide")


def test_a_purchase_requested_after_this_one_but_in_the_window_counts_too(ctx, clerk, bookkeeper, fixed):
    first = request(ctx, clerk, "村部办公桌椅", 15000)
    fixed.advance(timedelta(days=2))
    request(ctx, clerk, "村部办公桌椅", 12000)                 # both pending: the split is the pair
    with pytest.raises(InvalidData):
        check(ctx, bookkeeper, first, related=False, combined=0)
    assert ready(check(ctx, bookkeeper, first, related=True, combined=27000), "tc_decide")


def test_the_first_purchase_needs_no_related_one(ctx, clerk, bookkeeper, fixed):
    m = check(ctx, bookkeeper, request(ctx, clerk, "村部办公桌椅", 15000), related=False, combined=0)
    assert ready(m, "tc_decide")
