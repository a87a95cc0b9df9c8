from flask.views import MethodView

from engine.services import registers, warnings

from ..actors import current_actor
from . import ctx
from .blueprint import Blueprint
from ..schemas import (AnswerSchema, AssignSchema, CloseSchema, DismissSchema, RelatedPartySchema,
                       VerifySchema, WarningQuerySchema, WarningSchema)

blp = Blueprint("warnings", __name__, url_prefix="/api/v1", description="预警与督办（红线规则，仅监督人员）")


@blp.route("/warnings")
class Warnings(MethodView):
    @blp.arguments(WarningQuerySchema, location="query")
    @blp.response(200, WarningSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Warnings in the caller's supervision, newest first (村监委, 纪委, administrators), and those
        assigned to a unit the caller answers for (its 村民委员会, its 乡镇人民政府)"""
        items, total = warnings.list_warnings(ctx(), current_actor(), query, pagination_parameters.page,
                                              pagination_parameters.page_size, pagination_parameters.after)
        pagination_parameters.item_count = total
        return items


@blp.route("/warnings/<int:warning_id>")
class Warning(MethodView):
    @blp.response(200, WarningSchema)
    def get(self, warning_id):
        """One warning with its evidence and its 督办 history"""
        return warnings.get_warning(ctx(), current_actor(), warning_id)


@blp.route("/warnings/<int:warning_id>/dismiss")
class Dismiss(MethodView):
    @blp.arguments(DismissSchema)
    @blp.response(200, WarningSchema)
    def post(self, body, warning_id):
        """Dismiss (排除) a warning, with the reason (纪委)"""
        return warnings.dismiss_warning(ctx(), current_actor(), warning_id, body["reason"])


@blp.route("/warnings/<int:warning_id>/assign")
class Assign(MethodView):
    @blp.arguments(AssignSchema)
    @blp.response(200, WarningSchema)
    def post(self, body, warning_id):
        """交办: a village or township must answer by the deadline (纪委)"""
        return warnings.assign_warning(ctx(), current_actor(), warning_id, body["unit"], body["due"], body["note"])


@blp.route("/warnings/<int:warning_id>/answer")
class Answer(MethodView):
    @blp.arguments(AnswerSchema)
    @blp.response(200, WarningSchema)
    def post(self, body, warning_id):
        """The assigned unit reports what it found and did (its 村民委员会 or 乡镇人民政府; not its 村监委,
        not the 纪委 that checks the answer)"""
        return warnings.answer_warning(ctx(), current_actor(), warning_id, body["answer"])


@blp.route("/warnings/<int:warning_id>/verify")
class Verify(MethodView):
    @blp.arguments(VerifySchema)
    @blp.response(200, WarningSchema)
    def post(self, body, warning_id):
        """Accept the answer (核实) or send it back (退回) (纪委)"""
        return warnings.verify_warning(ctx(), current_actor(), warning_id, body["accepted"], body["note"])


@blp.route("/warnings/<int:warning_id>/close")
class Close(MethodView):
    @blp.arguments(CloseSchema)
    @blp.response(200, WarningSchema)
    def post(self, body, warning_id):
        """Close (办结) a verified warning (纪委)"""
        return warnings.close_warning(ctx(), current_actor(), warning_id, body["note"])


@blp.route("/villages/<string:village>/related-parties")
class RelatedParties(MethodView):
    @blp.response(200, RelatedPartySchema(many=True))
    def get(self, village):
        """The village's kinship and interest register (red line R12)"""
        return registers.list_related(ctx(), current_actor(), village)

    @blp.arguments(RelatedPartySchema)
    @blp.response(201, RelatedPartySchema)
    def post(self, body, village):
        """Register a cadre's relative or related company (township administrators, 纪委)"""
        return registers.add_related(ctx(), current_actor(), village, body["cadre"], body["party"], body["relation"])
