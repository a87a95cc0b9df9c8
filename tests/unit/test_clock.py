from datetime import datetime, timezone

from engine import clock
from tests.scenario import Scenario


def test_fixed_clock_drives_the_engine_and_library_timers():
    at = datetime(2030, 1, 1, tzinfo=timezone.utc)
    with clock.use_clock(clock.FixedClock(at)):
        assert clock.now() == at
    assert clock.now() > datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_a_publicity_timer_fires_only_when_due_by_the_engine_clock():
    s = Scenario("major_decision", {"summary": "修建村道"})
    s.do("propose", {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"})
    s.do("deliberate", {"tc_members": 7, "tc_attendees": 6, "tc_for": 4, "tc_minutes": "记录",
                        "tc_township_cadres": "无", "tc_minutes_file": ["att-1"]})
    s.do("send_plan", {"plan_sent_on": "2026-03-02", "plan_text": "方案"})
    (timer,) = s.matter.waiting_timers()
    assert timer.due == s.period_end(3)
    s.wait(s.days_to(timer.due) - 0.1)
    assert "review" not in s.ready() and s.matter.waiting_timers()
    s.wait(0.2)
    assert "review" in s.ready() and not s.matter.waiting_timers()
