"""Working days (工作日) across the 2026 statutory holidays and adjusted weekends."""
from datetime import date, datetime, timedelta, timezone

import pytest

from engine.workdays import (BEIJING, WorkCalendar, arrangement, deadline_words, read_arrangement,
                             shipped_arrangements)
from tests.catalogs import PROCESSES

YEAR = read_arrangement(PROCESSES / "calendar" / "2026.toml")
CAL = WorkCalendar(frozenset(d for d, _ in YEAR.holidays), frozenset(d for d, _ in YEAR.workdays), frozenset({2026}))


def beijing(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=BEIJING)


def end_of(y, m, d):
    """24:00 Beijing time of that day, in UTC."""
    return (datetime(y, m, d, tzinfo=BEIJING) + timedelta(days=1)).astimezone(timezone.utc)


@pytest.mark.parametrize("start, count, due", [
    (beijing(2026, 3, 2), 3, end_of(2026, 3, 5)),           # an ordinary week: Mon + 3 -> Thu
    (beijing(2026, 3, 6), 1, end_of(2026, 3, 9)),           # Friday + 1 -> Monday
    (beijing(2026, 2, 13), 1, end_of(2026, 2, 14)),         # Saturday 2-14 is worked (春节调休)
    (beijing(2026, 2, 13), 3, end_of(2026, 2, 25)),         # 2-15..2-23 off: 14th, 24th, 25th
    (beijing(2026, 2, 27), 1, end_of(2026, 2, 28)),         # Saturday 2-28 is worked too
    (beijing(2026, 9, 30), 1, end_of(2026, 10, 8)),         # 国庆 10-1..10-7 off
    (beijing(2026, 10, 9), 1, end_of(2026, 10, 10)),        # Saturday 10-10 is worked
    (beijing(2026, 9, 19), 1, end_of(2026, 9, 20)),         # Sunday 9-20 is worked
    (beijing(2025, 12, 31), 1, end_of(2026, 1, 4)),         # 元旦 1-1..1-3 off, Sunday 1-4 worked
    (beijing(2026, 4, 3), 1, end_of(2026, 4, 7)),           # 清明 4-4..4-6 off
    (beijing(2026, 4, 30), 1, end_of(2026, 5, 6)),          # 劳动节 5-1..5-5 off
    (beijing(2026, 5, 8), 1, end_of(2026, 5, 9)),           # Saturday 5-9 is worked
    (beijing(2026, 6, 18), 1, end_of(2026, 6, 22)),         # 端午 6-19..6-21 off
    (beijing(2026, 9, 24), 1, end_of(2026, 9, 28)),         # 中秋 9-25..9-27 off
    (beijing(2026, 3, 2), 0, end_of(2026, 3, 2)),           # 0 working days: by the end of the day
])
def test_deadlines_count_working_days(start, count, due):
    assert CAL.due(start, count) == due


def test_the_day_starts_in_beijing_not_in_utc():
    """Tuesday 01:00 in Beijing is still Monday in UTC: the count starts from Tuesday."""
    late = datetime(2026, 3, 2, 17, 0, tzinfo=timezone.utc)   # = 3-3 01:00 Beijing
    assert CAL.due(late, 1) == end_of(2026, 3, 4)


def test_fifteen_working_days_over_spring_festival():
    # 低保 township review: accepted Friday 2-6, 15 working days -> 2-9..2-13 (5), 2-14 (6),
    # 2-24..2-27 (10), 2-28 Saturday (11), 3-2..3-5 (15).
    assert CAL.due(beijing(2026, 2, 6), 15) == end_of(2026, 3, 5)


def test_a_year_without_its_arrangement_counts_monday_to_friday_and_the_fixed_holidays():
    assert not CAL.covers(2027)
    assert CAL.due(beijing(2027, 2, 5), 1) == end_of(2027, 2, 8)     # whatever 2027's 春节 turns out to be
    # 元旦 2027 (a Friday) is off by law before the State Council's notice for 2027 is loaded
    assert CAL.due(beijing(2026, 12, 30), 2) == end_of(2027, 1, 4)
    assert CAL.due(beijing(2027, 4, 30), 1) == end_of(2027, 5, 3)    # 5-1, 5-2 off (a weekend anyway): Monday
    assert CAL.due(beijing(2027, 9, 30), 1) == end_of(2027, 10, 4)   # 10-1 (Friday) to 10-3 off
    loaded = WorkCalendar(frozenset(), frozenset({date(2027, 1, 1)}), frozenset({2027}))
    assert loaded.is_working_day(date(2027, 1, 1))                    # a loaded year says what it says


def test_the_shipped_calendar_is_the_state_councils():
    years = {a.year: a for a in shipped_arrangements(PROCESSES)}
    assert set(years) == {2026} and "国务院办公厅" in years[2026].source
    assert len(years[2026].holidays) == 33 and len(years[2026].workdays) == 6


@pytest.mark.parametrize("holidays, workdays, problem", [
    ([["2027-01-01", "元旦"]], [], "not in 2026"),
    ([["2026-02-14", "x"]], [["2026-02-14", "y"]], "both"),
    ([], [["2026-03-02", "周一"]], "weekday"),
    ([["2026-13-01", "x"]], [], "month"),
])
def test_a_bad_arrangement_is_refused(holidays, workdays, problem):
    with pytest.raises(ValueError, match=problem):
        arrangement(2026, holidays, workdays)


def test_dates_may_be_given_as_dates():
    assert arrangement(2026, [{"date": date(2026, 1, 1), "name": "元旦"}], []).holidays == ((date(2026, 1, 1), "元旦"),)


def test_working_days_are_for_deadlines_not_for_timers():
    from engine.structure import duration_problem
    assert duration_problem("workdays(dibao_first_review_days)", working_days=True) is None
    assert "自然日" in duration_problem("workdays(dibao_first_review_days)")
    assert duration_problem("days(x)") is None and duration_problem("workdays(a if c else b)", working_days=True) is None


@pytest.mark.parametrize("due, words", [
    (end_of(2026, 3, 5), "2026-03-05 24:00"),              # a working-day limit ends with its day
    (beijing(2026, 3, 5, 10) + timedelta(minutes=26), "2026-03-05 10:26"),
    (datetime(2026, 3, 5, 2, 26, tzinfo=timezone.utc), "2026-03-05 10:26"),   # stored in UTC, read in Beijing
    (datetime(2026, 3, 4, 16, 1, tzinfo=timezone.utc), "2026-03-05 00:01"),
])
def test_a_due_time_reads_in_beijing_time_and_a_day_end_as_24_00(due, words):
    assert deadline_words(due) == words
