from flask.views import MethodView
from flask_smorest import Blueprint

from engine.services import definitions

from ..schemas import CategorySchema, ProcessSchema
from . import ctx
from ..actors import current_actor

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes",
                description="权力清单事项（流程定义）")


@blp.route("")
class Processes(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """The power list, grouped by category"""
        return definitions.list_processes(ctx(), current_actor())


@blp.route("/<string:key>")
class Process(MethodView):
    @blp.response(200, ProcessSchema)
    def get(self, key):
        """An item: metadata, start form, and every step with its role and form"""
        return definitions.get_process(ctx(), current_actor(), key)
