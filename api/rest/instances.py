from flask import request
from flask.views import MethodView

from engine.services import matters

from ..actors import current_actor
from ..schemas import (CancelSchema, EventSchema, InstanceCreateSchema, InstanceQuerySchema, InstanceSchema,
                       InstanceSummarySchema)
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("instances", __name__, url_prefix="/api/v1/instances", description="事项（流程实例）")
IDEMPOTENCY_KEY = {"in": "header", "name": "Idempotency-Key", "required": False, "schema": {"type": "string",
                   "maxLength": 100, "pattern": "^[A-Za-z0-9\\-_.:]{1,100}$"},
                   "description": "a key of the client's choosing: a retry with the same key and request answers "
                                  "the matter the first one started instead of starting another"}


@blp.route("")
class Instances(MethodView):
    @blp.arguments(InstanceQuerySchema, location="query")
    @blp.response(200, InstanceSummarySchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List matters, newest first (filter by item, village, status)"""
        items, total = matters.list_matters(ctx(), current_actor(), query, pagination_parameters.page,
                                            pagination_parameters.page_size)
        pagination_parameters.item_count = total
        return items

    @blp.arguments(InstanceCreateSchema)
    @blp.response(201, InstanceSchema, headers={"Idempotent-Replayed": {
        "description": "true when the answer is the matter an earlier request with the same key started",
        "schema": {"type": "string"}}})
    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    def post(self, body):
        """Start a matter of an item in a village (send an Idempotency-Key to retry safely)"""
        matter = matters.start_matter(ctx(), current_actor(), body["process_key"], body["village"], body["subject"],
                                      body["data"], request.headers.get("Idempotency-Key"))
        return matter, 201, {"Idempotent-Replayed": "true"} if matter.get("replayed") else {}


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
        """Cancel a running matter, with a reason"""
        return matters.cancel_matter(ctx(), current_actor(), instance_id, body["reason"])
