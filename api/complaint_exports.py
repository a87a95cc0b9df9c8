"""Complaint statistics as files: CSV (UTF-8 with a BOM, so Excel and WPS read the Chinese) and
XLSX (openpyxl). Times in Beijing time; one row per unit, then the total."""
from __future__ import annotations

import csv
import io
from datetime import timedelta, timezone

from engine.services.complaints.views import ComplaintFigures, ComplaintStatistics

from openpyxl import Workbook
from openpyxl.styles import Font

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
COLUMNS = [("received", "收到"), ("answered", "已答复"), ("on_time", "按时答复"), ("overdue", "超期"),
           ("closed", "办结"), ("closure_rate", "办结率(%)"), ("rated", "已评价"), ("satisfied", "满意"),
           ("satisfaction", "满意率(%)"), ("supervisions", "督办次数"), ("reopened", "重新办理"), ("repeat", "重复件")]


def rows(stats: ComplaintStatistics) -> list[list]:
    header = [stats.group_level_name, *(label for _, label in COLUMNS), "主要类别"]
    body = [[unit.name, *(_cell(getattr(unit, key)) for key, _ in COLUMNS), _categories(unit)] for unit in stats.by_unit]
    total = ["合计", *(_cell(getattr(stats.totals, key)) for key, _ in COLUMNS), _categories(stats.totals)]
    return [header, *body, total]


def title(stats: ComplaintStatistics) -> str:
    period = stats.period
    start = period.start.astimezone(BEIJING).strftime("%Y-%m-%d") if period.start else None
    end = (period.end - timedelta(seconds=1)).astimezone(BEIJING).strftime("%Y-%m-%d") if period.end else None
    span = f"{start} 至 {end}" if start and end else f"{start} 起" if start else f"截至 {end}" if end else "全部时间"
    return f"{stats.scope.name}群众诉求统计（{span}）"


def csv_bytes(stats: ComplaintStatistics) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([title(stats)])
    writer.writerows(rows(stats))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(stats: ComplaintStatistics) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "群众诉求统计"
    sheet.append([title(stats)])
    sheet["A1"].font = Font(bold=True, size=13)
    for n, row in enumerate(rows(stats)):
        sheet.append(row)
        if n == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions[chr(ord("A") + len(COLUMNS) + 1)].width = 30
    generated = stats.generated_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    sheet.append([])
    sheet.append([f"生成时间：{generated}（北京时间）"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    return "" if value is None else value


def _categories(figures: ComplaintFigures) -> str:
    return "、".join(f"{c.name}{c.count}件" for c in figures.categories[:3])
