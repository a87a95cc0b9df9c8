"""The village notice board (一栏) as data: the 村务公开目录's structure, its periods, and where a
published record goes on it. Pure: no store, no drawing.

The placement is data (processes/board.toml): by the matter's item first, then by the record's
portal section; a record no rule places goes under 村务公开 · 即时公开 · 其他公开事项 rather than
nowhere. A board is made for a period, a month (2026-11) or a quarter (2026-Q4), counted in
Beijing time: fixed items are in force (the newest matter of the item published before the
period's end), periodic and immediate items were published within the period.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from .errors import InvalidData

BEIJING = timezone(timedelta(hours=8))
PARTS = {"party": "党务公开", "affairs": "村务公开", "finance": "财务公开"}
TIMINGS = {"fixed": "固定公开", "periodic": "定期公开", "immediate": "即时公开"}
OTHER_HEADING = "其他公开事项"
_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|[Qq]([1-4]))$")
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Placement:
    part: str
    timing: str
    heading: str


@dataclass(frozen=True)
class Period:
    code: str              # 2026-11 or 2026-Q4
    name: str              # 2026年11月, 2026年第四季度
    start: datetime        # UTC, inclusive
    end: datetime          # UTC, exclusive


@dataclass(frozen=True)
class BoardCatalogue:
    items: dict            # item key -> Placement
    sections: dict         # portal section -> Placement

    def place(self, item: str, section: str) -> Placement:
        return self.items.get(item) or self.sections.get(section) or Placement("affairs", "immediate", OTHER_HEADING)

    def fixed_items(self) -> list[str]:
        return [key for key, p in self.items.items() if p.timing == "fixed"]


def parse_period(text: str) -> Period:
    """2026-11 (a month) or 2026-Q4 (a quarter), Beijing time; InvalidData otherwise."""
    found = _PERIOD.match((text or "").strip())
    if not found or not 2000 <= int(found.group(1)) <= 2999:
        raise InvalidData("公开期次有误", {"period": "请写成年-月（如 2026-11）或年-季度（如 2026-Q4）"})
    year = int(found.group(1))
    if found.group(2):
        month = int(found.group(2))
        first, months, code, name = month, 1, f"{year}-{month:02d}", f"{year}年{month}月"
    else:
        quarter = int(found.group(3))
        first, months, code, name = 3 * quarter - 2, 3, f"{year}-Q{quarter}", f"{year}年{QUARTER_NAMES[quarter]}"
    start = datetime(year, first, 1, tzinfo=BEIJING)
    after = first + months
    end = datetime(year + (after > 12), (after - 1) % 12 + 1, 1, tzinfo=BEIJING)
    return Period(code, name, start.astimezone(timezone.utc), end.astimezone(timezone.utc))


def period_of(moment: datetime) -> str:
    """The month a moment falls in, Beijing time: 2026-11."""
    local = moment.astimezone(BEIJING)
    return f"{local.year}-{local.month:02d}"


def load_catalogue(processes_dir: Path) -> BoardCatalogue:
    path = Path(processes_dir) / "board.toml"
    stamp = path.stat().st_mtime_ns if path.exists() else 0
    return _load(str(path), stamp)


@lru_cache(maxsize=4)
def _load(path: str, stamp: int) -> BoardCatalogue:
    if not stamp:
        return BoardCatalogue({}, {})
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    return BoardCatalogue(_placements(data.get("items", {}), path), _placements(data.get("sections", {}), path))


def _placements(table: dict, path: str) -> dict:
    found = {}
    for key, value in table.items():
        part, timing, heading = (value.get(k) for k in ("part", "timing", "heading")) if isinstance(value, dict) else (None,) * 3
        if part not in PARTS or timing not in TIMINGS or not isinstance(heading, str) or not heading.strip():
            raise ValueError(f"{path}: {key} 的公开栏位置有误（part 为 {'/'.join(PARTS)}，timing 为 "
                             f"{'/'.join(TIMINGS)}，heading 为栏目名称）")
        found[key] = Placement(part, timing, heading.strip())
    return found


def arrange(entries: list, catalogue: BoardCatalogue) -> list[dict]:
    """Entries (each with an `item` and a `section`) in the board's order: part, then timing, then
    heading in the order the catalogue names it, then as published. Every part appears, empty or not."""
    order = {p.heading: n for n, p in enumerate([*catalogue.items.values(), *catalogue.sections.values()])}
    parts = {key: {"key": key, "name": name, "groups": {}} for key, name in PARTS.items()}
    for entry in entries:
        place = catalogue.place(entry.item, entry.section)
        groups = parts[place.part]["groups"]
        group = groups.setdefault((place.timing, place.heading), {
            "timing": place.timing, "timing_name": TIMINGS[place.timing], "heading": place.heading, "entries": []})
        group["entries"].append(entry)
    timing_rank = {t: n for n, t in enumerate(TIMINGS)}
    return [{**part, "groups": [g for _, g in sorted(part["groups"].items(), key=lambda kv: (
        timing_rank[kv[0][0]], order.get(kv[0][1], len(order))))]} for part in parts.values()]
