from flask.views import MethodView

from engine.services import matters, objections

from ..actors import current_actor
from ..schemas import (CompleteSchema, InstanceSchema, ObjectionDismissedSchema, ObjectionDismissSchema,
                       ReassignSchema, TaskQuerySchema, TaskSchema, TaskSummarySchema)
from . import ctx
from .blueprint import TOTAL_EXACT, Blueprint, page_of

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="待办步骤")


@blp.route("")
class Tasks(MethodView):
    @blp.arguments(TaskQuerySchema, location="query")
    @blp.response(200, TaskSummarySchema(many=True), headers=TOTAL_EXACT)
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Ready steps, newest first (filter by role, village)"""
        items, total = matters.list_tasks(ctx(), current_actor(), query.get("role"), query.get("village"),
                                          pagination_parameters.page, pagination_parameters.page_size,
                                          pagination_parameters.after)
        return page_of(items, total, pagination_parameters)


@blp.route("/<string:task_id>")
class Task(MethodView):
    @blp.response(200, TaskSchema)
    def get(self, task_id):
        """A ready step with its form and the matter's data so far"""
        return matters.get_task(ctx(), current_actor(), task_id)


@blp.route("/<string:task_id>/claim")
class Claim(MethodView):
    @blp.response(200, TaskSummarySchema)
    def post(self, task_id):
        """Claim a step open to several holders of its role"""
        return matters.claim_step(ctx(), current_actor(), task_id)


@blp.route("/<string:task_id>/release")
class Release(MethodView):
    @blp.response(200, TaskSummarySchema)
    def post(self, task_id):
        """Release a step you claimed"""
        return matters.release_step(ctx(), current_actor(), task_id)


@blp.route("/<string:task_id>/reassign")
class Reassign(MethodView):
    @blp.arguments(ReassignSchema)
    @blp.response(200, TaskSummarySchema)
    def post(self, body, task_id):
        """Give a step to another holder of its role (township administrator), with a reason"""
        return matters.reassign_step(ctx(), current_actor(), task_id, body["username"], body["reason"])


@blp.route("/<string:task_id>/complete")
class Complete(MethodView):
    @blp.arguments(CompleteSchema)
    @blp.response(200, InstanceSchema)
    def post(self, body, task_id):
        """Complete a ready step with its form data; answers the matter afterwards"""
        return matters.complete_step(ctx(), current_actor(), task_id, body["data"])


@blp.route("/<string:task_id>/objections/<int:objection_id>/dismiss")
class DismissObjection(MethodView):
    @blp.arguments(ObjectionDismissSchema)
    @blp.response(200, ObjectionDismissedSchema)
    def post(self, body, task_id, objection_id):
        """The 村务监督委员会 dismisses an objection filed online (不予受理), with its reason"""
        return objections.dismiss_objection(ctx(), current_actor(), task_id, objection_id, body["reason"])
