"""The working-day calendar: each year's statutory holidays and adjusted working days (调休上班),
shipped as data for the years already announced (processes/calendar/) and maintained by a county
administrator when the State Council publishes the next year's arrangement."""
from __future__ import annotations

from .. import clock
from ..errors import Forbidden, InvalidData, NotFound
from ..workdays import BEIJING, arrangement, shipped_arrangements
from . import operations_views
from .access import records_refusals
from .operations_views import CalendarYear

COUNTY_ADMIN = "COUNTY_ADMIN"


def load_shipped_calendars(ctx, uow, actor_name: str = "system") -> list[int]:
    """Load every shipped year that the database does not have yet (an administrator's own
    version of a year is never overwritten). Runs inside the caller's unit of work."""
    loaded = set(uow.calendar.loaded_years())
    added = []
    for year in shipped_arrangements(ctx.processes_dir):
        if year.year not in loaded:
            uow.calendar.replace(year, actor_name, clock.now())
            added.append(year.year)
    return added


def missing_years(ctx) -> list[int]:
    """The years deadlines are being (this year) or soon will be (next year, from 1 December,
    Beijing time) counted in without their arrangement: only weekends and the holidays the law
    fixes by date are off there. The timer worker warns of them in its log every day."""
    today = clock.now().astimezone(BEIJING).date()
    wanted = [today.year] + ([today.year + 1] if today.month == 12 else [])
    with ctx.uow(readonly=True) as uow:
        loaded = set(uow.calendar.loaded_years())
    return [year for year in wanted if year not in loaded]


def get_year(ctx, actor, year: int) -> CalendarYear:
    """A year's holiday arrangement.

    Raises:
        NotFound: the year was never loaded (deadlines then count Monday to Friday).
    """
    with ctx.uow(readonly=True) as uow:
        found = uow.calendar.year(year)
        if found is None:
            raise NotFound(f"{year}年的节假日安排尚未录入，工作日暂按周一至周五（除元旦、劳动节、国庆节）计算")
        return operations_views.calendar_year(*found)


@records_refusals("set_calendar_year")
def set_year(ctx, actor, year: int, holidays: list, workdays: list, source: str) -> CalendarYear:
    """Replace a year's holidays and adjusted working days (county administrators). Deadlines
    already computed keep their dates; new ones count on the new calendar.

    Raises:
        Forbidden: the actor is not a county administrator.
        InvalidData: a date outside the year, listed twice, or a weekday given as 调休上班.
    """
    if not actor.is_system and not any(g.role == COUNTY_ADMIN for g in actor.grants):
        raise Forbidden("修改节假日安排需要县级管理员")
    if not 2000 <= year <= 2100:
        raise InvalidData("年份有误", {"year": "应为 2000 至 2100 之间的年份"})
    try:
        checked = arrangement(year, holidays, workdays, (source or "").strip())
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidData("节假日安排有误", {"calendar": _problem(exc)}) from None
    with ctx.uow() as uow:
        now = clock.now()
        uow.calendar.replace(checked, actor.name, now)
        uow.audit.append("calendar_changed", actor.name, None, {
            "year": year, "holidays": [d.isoformat() for d, _ in checked.holidays],
            "workdays": [d.isoformat() for d, _ in checked.workdays], "source": checked.source}, now.isoformat())
        result = operations_views.calendar_year(*uow.calendar.year(year))
        uow.commit()
        return result


def _problem(exc: Exception) -> str:
    """The arrangement's complaint in Chinese: a bad date, a date of another year, a clash."""
    text = str(exc)
    if "is not in" in text:
        return f"日期不在该年份内（{text.split(' is not in')[0]}）"
    if "both as holiday" in text:
        return f"同一日期既是节假日又是调休上班日（{text.split(' listed')[0]}）"
    if "is a weekday" in text:
        return f"{text.split(' is a weekday')[0]} 是工作日，调休上班日只能是周末"
    return f"日期格式有误（应为 YYYY-MM-DD）：{text}"



