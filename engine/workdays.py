"""Working days (工作日), as the law counts time limits: Monday to Friday, without the statutory
holidays, plus the weekend days worked in their place (调休上班), per the year's calendar.

A deadline of n working days from a moment runs to the end (24:00 Beijing time) of the n-th working
day after the day it started, the way a 办事时限 is read: an application taken on Friday with a
3-working-day limit is due at the end of Wednesday. Years without a loaded calendar are counted
Monday to Friday without the holidays fixed by date (FIXED_HOLIDAYS); the timer worker warns while
this year's or (in December) next year's arrangement is missing (services/calendar.missing_years).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

BEIJING = timezone(timedelta(hours=8))      # China keeps no daylight saving time
MAX_WORKING_DAYS = 5 * 250


@dataclass(frozen=True)
class WorkingDays:
    """What `workdays(n)` in a deadline evaluates to: n working days (the engine's deadline
    computation takes it where it would take an ISO duration)."""
    count: int

    def __post_init__(self):
        if not 0 <= self.count <= MAX_WORKING_DAYS:
            raise ValueError(f"working days out of range: {self.count}")


# The holidays 《全国年节及纪念日放假办法》(2024 revision, Art. 2) fixes by the solar calendar: 元旦
# 1 January, 劳动节 1-2 May, 国庆节 1-3 October. They are off in every year, also one whose State
# Council arrangement (its lunar holidays, 春节 清明 端午 中秋, and the 调休 weekends) is not loaded.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset = frozenset()         # dates off although Monday to Friday
    workdays: frozenset = frozenset()         # weekend dates worked (调休上班)
    years: frozenset = field(default_factory=frozenset)   # years whose arrangement is loaded

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day.year not in self.years and (day.month, day.day) in FIXED_HOLIDAYS:
            return False        # a year not loaded yet: at least the holidays the law fixes by date
        return day not in self.holidays and day.weekday() < 5

    def covers(self, year: int) -> bool:
        return year in self.years

    def due(self, start: datetime, count: int) -> datetime:
        """The end (Beijing midnight) of the count-th working day after the day `start` falls on."""
        day, left = start.astimezone(BEIJING).date(), count
        while left > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return end_of_day(day)


def end_of_day(day: date) -> datetime:
    """24:00 Beijing time of `day` (a period's last day ends then: 民法典 Art. 203), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), BEIJING).astimezone(timezone.utc)


def period_end(start: datetime, days: int) -> datetime:
    """The end of a period of `days` calendar days from `start`: 24:00 Beijing time of the
    `days`-th day after the day it started (民法典 Art. 201: the first day is not counted)."""
    return end_of_day(start.astimezone(BEIJING).date() + timedelta(days=days))


def deadline_day(at: datetime) -> tuple[date, str]:
    """The Beijing day a due time falls on and its time to the minute; one at the end of a day (a
    working-day limit, a period in days, a 交办 date) is that day's "24:00", the way a notice says
    截止时间为二十四时, not the next day's "00:00"."""
    local = (at + timedelta(seconds=30)).astimezone(BEIJING).replace(second=0, microsecond=0)   # to the minute
    if local.time() == time(0):
        return (local - timedelta(days=1)).date(), "24:00"
    return local.date(), local.strftime("%H:%M")


def deadline_words(at: datetime) -> str:
    """A due time as the pages show it: "2026-03-05 24:00", "2026-03-05 10:26"."""
    day, clock_time = deadline_day(at)
    return f"{day.isoformat()} {clock_time}"


@dataclass(frozen=True)
class YearArrangement:
    """One year's holidays and adjusted working days, with a name for each date."""
    year: int
    holidays: tuple = ()                     # ((date, name), ...)
    workdays: tuple = ()
    source: str = ""


def read_arrangement(path: Path) -> YearArrangement:
    """A year file of processes/calendar/; ValueError naming the file and the problem."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    try:
        return arrangement(int(data["year"]), data.get("holidays", []), data.get("workdays", []),
                           str(data.get("source", "")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def arrangement(year: int, holidays, workdays, source: str = "") -> YearArrangement:
    """A year's arrangement, checked: every date in that year, none both a holiday and a working
    day, and only weekend days as 调休上班 (a holiday may fall on a weekend: 清明 on a Saturday)."""
    parsed = {}
    for kind, rows in (("holidays", holidays), ("workdays", workdays)):
        entries = []
        for row in rows:
            day, name = (row[0], row[1]) if isinstance(row, (list, tuple)) else (row["date"], row.get("name", ""))
            day = date.fromisoformat(day) if isinstance(day, str) else day
            if day.year != year:
                raise ValueError(f"{day} is not in {year}")
            entries.append((day, str(name)[:40]))
        parsed[kind] = tuple(sorted(entries))
    both = {d for d, _ in parsed["holidays"]} & {d for d, _ in parsed["workdays"]}
    if both:
        raise ValueError(f"{', '.join(map(str, sorted(both)))} listed both as holiday and as working day")
    weekday_workdays = [d for d, _ in parsed["workdays"] if d.weekday() < 5]
    if weekday_workdays:
        raise ValueError(f"{weekday_workdays[0]} is a weekday: only weekend days are listed as 调休上班")
    return YearArrangement(year, parsed["holidays"], parsed["workdays"], source)


def shipped_arrangements(processes_dir: Path) -> list[YearArrangement]:
    return [read_arrangement(p) for p in sorted((Path(processes_dir) / "calendar").glob("*.toml"))]
