from flask import Response, request
from flask.views import MethodView

from engine.services import dossiers, incidents, matters

from ..actors import current_actor
from ..dossier import attachments_zip, dossier_pdf
from ..schemas import (CancelSchema, EventSchema, InstanceCreateSchema, InstanceQuerySchema, InstanceSchema,
                       InstanceSummarySchema, RetrySchema)
from . import ctx
from .blueprint import TOTAL_EXACT, Blueprint, page_of

blp = Blueprint("instances", __name__, url_prefix="/api/v1/instances", description="事项（流程实例）")
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string",
                   "maxLength": 100, "pattern": "^[A-Za-z0-9\\-_.:]{1,100}$"},
                   "description": "a key of the client's choosing: a retry with the same key and request answers "
                                  "the matter the first one started instead of starting another"}


@blp.route("")
class Instances(MethodView):
    @blp.arguments(InstanceQuerySchema, location="query")
    @blp.response(200, InstanceSummarySchema(many=True), headers=TOTAL_EXACT)
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List matters, newest first (filter by item, village, status, dates, or a keyword `q`)"""
        items, total = matters.list_matters(ctx(), current_actor(), query, pagination_parameters.page,
                                            pagination_parameters.page_size, pagination_parameters.after)
        return page_of(items, total, pagination_parameters)

    @blp.arguments(InstanceCreateSchema)
    @blp.response(201, InstanceSchema, headers={"Idempotent-Replayed": {
        "description": "true when the answer is the matter an earlier request with the same key started",
        "schema": {"type": "string"}}})
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self, body):
        """Start a matter of an item in a village (send an Idempotency-Key to retry safely)"""
        matter = matters.start_matter(ctx(), current_actor(), body["process_key"], body["village"], body["subject"],
                                      body["data"], request.headers.get("Idempotency-Key"))
        return matter, 201, {"Idempotent-Replayed": "true"} if matter.replayed else {}


@blp.route("/<int:instance_id>")
class OneMatter(MethodView):
    @blp.response(200, InstanceSchema)
    def get(self, instance_id):
        """A matter: status, outcome, data, ready steps, waiting timers"""
        return matters.get_matter(ctx(), current_actor(), instance_id)


@blp.route("/<int:instance_id>/history")
class History(MethodView):
    @blp.response(200, EventSchema(many=True))
    def get(self, instance_id):
        """Every audit event of a matter, in order"""
        return matters.matter_history(ctx(), current_actor(), instance_id)


@blp.route("/<int:instance_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(CancelSchema)
    @blp.response(200, InstanceSchema)
    def post(self, body, instance_id):
        """Cancel a running or failed matter, with a reason"""
        return matters.cancel_matter(ctx(), current_actor(), instance_id, body["reason"])


@blp.route("/<int:instance_id>/retry")
class Retry(MethodView):
    @blp.arguments(RetrySchema)
    @blp.response(200, InstanceSchema)
    def post(self, body, instance_id):
        """Run a failed matter (status error) again on its version, after correcting its data
        (township or county administrator; audited with who and why)"""
        return incidents.retry_matter(ctx(), current_actor(), instance_id, body["reason"], body["data"])


@blp.route("/<int:instance_id>/dossier.<any(pdf, zip):fmt>")
class Dossier(MethodView):
    @blp.doc(responses={"200": {"description": "pdf: the dossier (every step, who, when, the data, the attachments "
                                               "with their sha256, the chain hashes, the flowchart); zip: the attachments"},
                        "409": {"description": "the matter is not closed"}})
    def get(self, instance_id, fmt):
        """A closed matter's dossier (事项档案) as PDF, or its attachments as a zip"""
        return dossier_response(ctx(), current_actor(), instance_id, fmt)


def dossier_response(context, actor, matter_id: int, fmt: str) -> Response:
    """The API's and the web pages' alike."""
    dossier = dossiers.matter_dossier(context, actor, matter_id, with_files=fmt == "zip")
    roles = {code: role.name for code, role in context.roles.items()}
    body = dossier_pdf(dossier, roles) if fmt == "pdf" else attachments_zip(dossier)
    response = Response(body, mimetype="application/pdf" if fmt == "pdf" else "application/zip")
    name = f"matter-{matter_id}-dossier.pdf" if fmt == "pdf" else f"matter-{matter_id}-attachments.zip"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    response.headers["Cache-Control"] = "private, no-store"
    return response
