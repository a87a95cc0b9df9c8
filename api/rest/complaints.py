"""Complaints (issue 11): entered on a villager's behalf or sent by the chat-group bot (a service
account holding COMPLAINT_BOT, with its token), read, merged, counted."""
from flask import Response
from flask.views import MethodView

from engine.services.complaints import intake, merging, reads, statistics

from ..actors import current_actor
from ..complaint_exports import csv_bytes, xlsx_bytes
from ..schemas import (ComplaintCreatedSchema, ComplaintCreateSchema, ComplaintQuerySchema, ComplaintSchema,
                                 ComplaintSummarySchema, MergedSchema, MergeSchema, ComplaintStatisticsQuerySchema,
                                 ComplaintStatisticsSchema)
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("complaints", __name__, url_prefix="/api/v1/complaints", description="群众诉求")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.route("")
class Complaints(MethodView):
    @blp.arguments(ComplaintQuerySchema, location="query")
    @blp.response(200, ComplaintSummarySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Cases in the caller's reach, newest first (never one about the caller)"""
        items, total = reads.list_complaints(ctx(), current_actor(), query, pagination_parameters.page,
                                             pagination_parameters.page_size, pagination_parameters.after)
        pagination_parameters.item_count = total
        return items

    @blp.arguments(ComplaintCreateSchema)
    @blp.response(201, ComplaintCreatedSchema)
    def post(self, body):
        """Enter a villager's complaint (a clerk, a township officer, or the chat-group bot); the answer
        carries the 查询码 for the villager, shown only this once"""
        return intake.file_complaint(ctx(), current_actor(), body["village"], body["data"], body["reporter"])


@blp.route("/<int:complaint_id>")
class OneComplaint(MethodView):
    @blp.response(200, ComplaintSchema)
    def get(self, complaint_id):
        """A case: its status, answer, 督办单, merged cases; the reporter for the discipline office only"""
        return reads.get_complaint(ctx(), current_actor(), complaint_id)


@blp.route("/<int:complaint_id>/merge")
class Merge(MethodView):
    @blp.arguments(MergeSchema)
    @blp.response(200, MergedSchema)
    def post(self, body, complaint_id):
        """Merge this duplicate case into a main case of the same township (discipline office)"""
        return merging.merge_complaints(ctx(), current_actor(), complaint_id, body["into"], body["reason"])


@blp.route("/statistics")
class Statistics(MethodView):
    @blp.arguments(ComplaintStatisticsQuerySchema, location="query")
    @blp.response(200, ComplaintStatisticsSchema)
    def get(self, query):
        """Received, answered, on time, overdue, closure rate, satisfaction, categories, repeat cases"""
        return statistics.statistics(ctx(), current_actor(), query.get("org"), query.get("start"), query.get("end"))


@blp.route("/statistics.<any(csv, xlsx):fmt>")
class StatisticsExport(MethodView):
    @blp.arguments(ComplaintStatisticsQuerySchema, location="query")
    @blp.doc(responses={"200": {"description": "text/csv (UTF-8 with BOM) or XLSX"}})
    def get(self, query, fmt):
        """The statistics as CSV or XLSX"""
        return statistics_file(ctx(), current_actor(), query, fmt)


def statistics_file(context, actor, query: dict, fmt: str) -> Response:
    """The API's and the web page's alike."""
    stats = statistics.statistics(context, actor, query.get("org"), query.get("start"), query.get("end"))
    body = csv_bytes(stats) if fmt == "csv" else xlsx_bytes(stats)
    response = Response(body, mimetype="text/csv" if fmt == "csv" else XLSX)
    if fmt == "csv":
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f"attachment; filename=complaint-statistics.{fmt}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
