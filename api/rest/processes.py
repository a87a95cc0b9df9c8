from flask.views import MethodView

from engine.services import definitions

from ..schemas import CategorySchema, DefinitionFileSchema, ProcessSchema, ProcessSummarySchema, TownshipSchema
from . import ctx
from .blueprint import Blueprint
from ..actors import current_actor

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes",
                description="权力清单事项（流程定义）")


@blp.route("")
class Processes(MethodView):
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """The power list, grouped by category"""
        return definitions.list_processes(ctx(), current_actor())

    @blp.arguments(TownshipSchema, location="form")
    @blp.arguments(DefinitionFileSchema, location="files")
    @blp.response(201, ProcessSummarySchema(many=True))
    def post(self, form, files):
        """Add or update a township special-list item (the township's administrator); validated like
        the county list, refused with the file, element and problem named"""
        upload = files["file"]
        return definitions.upload_definition(ctx(), current_actor(), form["township"], upload.filename or "",
                                             upload.read())


@blp.route("/<string:key>")
class Process(MethodView):
    @blp.response(200, ProcessSchema)
    def get(self, key):
        """An item: metadata, start form, and every step with its role and form"""
        return definitions.get_process(ctx(), current_actor(), key)
