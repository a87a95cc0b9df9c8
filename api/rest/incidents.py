from flask.views import MethodView

from engine.services import incidents

from ..actors import current_actor
from ..schemas import IncidentQuerySchema, IncidentSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("incidents", __name__, url_prefix="/api/v1/incidents", description="运行故障（出错的事项）")


@blp.route("")
class Incidents(MethodView):
    @blp.arguments(IncidentQuerySchema, location="query")
    @blp.response(200, IncidentSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """Failed matters in the caller's scope, newest first: which step, why (in Chinese), when
        (supervisors and administrators)"""
        items, total = incidents.list_incidents(ctx(), current_actor(), query.get("state"),
                                                pagination_parameters.page, pagination_parameters.page_size,
                                                pagination_parameters.after)
        pagination_parameters.item_count = total
        return items
