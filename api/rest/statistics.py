import csv
import io

from flask import Response
from flask.views import MethodView

from engine.services import statistics

from ..actors import current_actor
from . import ctx
from .blueprint import Blueprint
from ..schemas import StatisticsQuerySchema, StatisticsSchema

blp = Blueprint("statistics", __name__, url_prefix="/api/v1/statistics", description="考核统计（仅监督人员）")


def csv_response(report) -> Response:
    out = io.StringIO()
    csv.writer(out).writerows(statistics.export_rows(report))
    name = f"statistics-{report.period.kind}-{report.period.year}-{report.period.number}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",      # BOM: Excel reads UTF-8
                    headers={"Content-Disposition": f"attachment; filename={name}"})


def xlsx_response(report) -> Response:
    from openpyxl import Workbook
    book = Workbook()
    sheet = book.active
    sheet.title = report.period.name[:31]
    for line in statistics.export_rows(report):
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    name = f"statistics-{report.period.kind}-{report.period.year}-{report.period.number}.xlsx"
    return Response(out.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@blp.route("")
class Statistics(MethodView):
    @blp.arguments(StatisticsQuerySchema, location="query")
    @blp.response(200, StatisticsSchema)
    @blp.alt_response(200, description="format=csv or xlsx: the same table as a file",
                      content_type="text/csv", success=True)
    def get(self, query):
        """考核 per village and township for a month, quarter or year: matters by item, on-time rate,
        publicity compliance, evidence completeness, warnings by severity, the weighted score"""
        report = statistics.statistics(ctx(), current_actor(), query["period"], query["year"], query["number"],
                                       query.get("township"), query.get("village"))
        if query["format"] == "csv":
            return csv_response(report)
        if query["format"] == "xlsx":
            return xlsx_response(report)
        return report
