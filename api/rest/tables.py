"""Household lists (table fields) over the API: a file read into checked rows, the template, and a
matter's whole list as CSV.

A client sends a list as the field's value in `data` (a JSON list of rows). One holding the
village's spreadsheet instead posts it here first: the answer is the rows, checked as the step
will check them (every bad cell named), to send with the step. Nothing is stored by reading."""
from __future__ import annotations

import io

from flask import send_file
from flask.views import MethodView

from engine.errors import NotFound
from engine.forms import check_rows
from engine.services import definitions, matters

from ..actors import current_actor
from ..schemas import TableFileSchema, TableRowsSchema
from ..tables import rows_csv, rows_from_file, template_csv
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("tables", __name__, url_prefix="/api/v1", description="清册（表格字段）")


def _table(fields: list[dict], name: str) -> dict:
    spec = next((f for f in fields if f["name"] == name), None)
    if spec is None or spec["type"] != "table":
        raise NotFound(f"没有名为 {name} 的清册字段")
    return spec


def item_fields(actor, key: str) -> list[dict]:
    """Every form field of an item's current version: its start form's and its steps'."""
    item = definitions.get_process(ctx(), actor, key)
    return [*item.start_form, *(f for step in item.steps for f in step["form"])]


def template_download(actor, key: str, field: str):
    spec = _table(item_fields(actor, key), field)
    return csv_download(template_csv(spec), f"{spec['label']}（模板）.csv")


def _read(spec: dict, upload) -> dict:
    rows = check_rows(spec, rows_from_file(spec, upload.filename or "", upload.read()))
    return {"field": spec["name"], "count": len(rows), "rows": rows}


def csv_download(content: bytes, name: str):
    response = send_file(io.BytesIO(content), mimetype="text/csv", as_attachment=True, download_name=name,
                         etag=False, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blp.route("/tasks/<string:task_id>/tables/<string:field>")
class StepTable(MethodView):
    @blp.arguments(TableFileSchema, location="files")
    @blp.response(200, TableRowsSchema)
    def post(self, files, task_id, field):
        """Read a list file (CSV or XLSX) for a table field of a ready step: its rows, checked (422 names every bad cell)"""
        step = matters.get_task(ctx(), current_actor(), task_id)
        return _read(_table(step.form, field), files["file"])


@blp.route("/processes/<string:key>/tables/<string:field>")
class ItemTable(MethodView):
    @blp.arguments(TableFileSchema, location="files")
    @blp.response(200, TableRowsSchema)
    def post(self, files, key, field):
        """Read a list file (CSV or XLSX) for a table field of an item (its start form or a step): its rows, checked"""
        return _read(_table(item_fields(current_actor(), key), field), files["file"])


@blp.route("/processes/<string:key>/tables/<string:field>/template.csv")
class ItemTableTemplate(MethodView):
    @blp.doc(responses={"200": {"description": "the header row of the column labels, UTF-8 with BOM"}})
    def get(self, key, field):
        """The empty list of a table field: its header row, to fill in and upload"""
        return template_download(current_actor(), key, field)


@blp.route("/instances/<int:instance_id>/tables/<string:field>.csv")
class MatterTable(MethodView):
    @blp.doc(responses={"200": {"description": "the whole list as CSV, UTF-8 with BOM"}})
    def get(self, instance_id, field):
        """A matter's list (table field), whole, as CSV (whoever may see the matter)"""
        return csv_download(*matter_table_csv(current_actor(), instance_id, field))


def matter_table_csv(actor, matter_id: int, field: str) -> tuple[bytes, str]:
    """(CSV, file name) of a matter's list, for an actor who may see the matter; NotFound when the
    matter has no such list. The API's and the web pages' alike."""
    matter = matters.get_matter(ctx(), actor, matter_id)
    spec = _table(item_fields(actor, matter.process_key), field)
    rows = (matter.data or {}).get(field)
    if not isinstance(rows, list):
        raise NotFound("该事项没有这份清册")
    return rows_csv(spec, rows), f"事项{matter_id}-{spec['label']}.csv"
