from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from engine.services import definitions

from ..schemas import CategorySchema, ProcessSchema, ProcessSummarySchema
from . import ctx
from .blueprint import Blueprint
from ..actors import current_actor

blp = Blueprint("processes", __name__, url_prefix="/api/v1/processes",
                description="权力清单事项（流程定义）")


class DefinitionFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "a BPMN 2.0 file (docs/bpmn-conventions.md)"})


class TownshipSchema(Schema):
    township = fields.String(required=True, metadata={"description": "the township whose special list it joins"})


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
