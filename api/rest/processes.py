from flask.views import MethodView

from engine.services import definitions, preview

from ..schemas import (CategorySchema, CheckReportSchema, CompleteSchema, DefinitionFileSchema, DiffQuerySchema,
                       DiffSchema, InstanceSchema, PreviewInstanceSchema, PreviewStartSchema, ProcessQuery, ProcessSchema,
                       ProcessSummarySchema, PublishedVersionSchema, TownshipSchema, UploadQuerySchema, VersionSchema,
                       WithdrawSchema)
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

    @blp.arguments(UploadQuerySchema, location="query")
    @blp.arguments(TownshipSchema, location="form")
    @blp.arguments(DefinitionFileSchema, location="files")
    @blp.response(201, ProcessSummarySchema(many=True))
    def post(self, query, form, files):
        """Add or update a township special-list item (the township's administrator): validated like
        the county list (refused with the file, element and problem named) and stored as a draft;
        `?publish=true` publishes it at once when the check finds no error"""
        upload = files["file"]
        return definitions.upload_definition(ctx(), current_actor(), form["township"], upload.filename or "",
                                             upload.read(), publish=query["publish"])


@blp.route("/<string:key>")
class Process(MethodView):
    @blp.arguments(ProcessQuery, location="query")
    @blp.response(200, ProcessSchema)
    def get(self, query, key):
        """An item: metadata, start form (its bounds worked out for `village`), and every step with its role and form"""
        return definitions.get_process(ctx(), current_actor(), key, query.get("village"))


@blp.route("/<string:key>/versions")
class Versions(MethodView):
    @blp.response(200, VersionSchema(many=True))
    def get(self, key):
        """Every version of an item, newest first: who, when, state, matters running on each"""
        return definitions.list_versions(ctx(), current_actor(), key)


@blp.route("/<string:key>/versions/<int:version_id>/check")
class CheckVersion(MethodView):
    @blp.response(200, CheckReportSchema)
    def post(self, key, version_id):
        """Run every load-time check and the compliance lint (规则检查) on a version"""
        return definitions.check_version(ctx(), current_actor(), key, version_id)


@blp.route("/<string:key>/versions/<int:version_id>/publish")
class PublishVersion(MethodView):
    @blp.response(200, PublishedVersionSchema)
    def post(self, key, version_id):
        """Publish a version for new matters (refused while the check finds an error); running matters keep theirs"""
        return definitions.publish_version(ctx(), current_actor(), key, version_id)


@blp.route("/<string:key>/versions/<int:version_id>/withdraw")
class WithdrawVersion(MethodView):
    @blp.arguments(WithdrawSchema)
    @blp.response(200, VersionSchema)
    def post(self, body, key, version_id):
        """Withdraw the published version, with a reason: new matters are refused, running ones finish"""
        return definitions.withdraw_version(ctx(), current_actor(), key, version_id, body["reason"])


@blp.route("/<string:key>/diff")
class Diff(MethodView):
    @blp.arguments(DiffQuerySchema, location="query")
    @blp.response(200, DiffSchema)
    def get(self, query, key):
        """What changed between two versions of an item, in Chinese"""
        return definitions.diff_versions(ctx(), current_actor(), key, query["from_version"], query["to_version"])


@blp.route("/<string:key>/versions/<int:version_id>/preview")
class Preview(MethodView):
    @blp.response(200, InstanceSchema(many=True))
    def get(self, key, version_id):
        """The test matters (试运行) of a version, newest first"""
        return preview.preview_matters(ctx(), current_actor(), key, version_id)

    @blp.arguments(PreviewStartSchema)
    @blp.response(201, InstanceSchema)
    def post(self, body, key, version_id):
        """Start a test matter of a version (a draft too) in the township's 试运行村: never public, never counted"""
        return preview.start_preview(ctx(), current_actor(), key, version_id, body["subject"], body["data"])


@blp.route("/previews/<int:matter_id>/steps/<string:task_id>")
class PreviewStep(MethodView):
    @blp.arguments(CompleteSchema)
    @blp.response(200, PreviewInstanceSchema)
    def post(self, body, matter_id, task_id):
        """Complete a ready step of a test matter as a test user of the step's role"""
        return preview.complete_preview_step(ctx(), current_actor(), matter_id, task_id, body["data"])


@blp.route("/previews/<int:matter_id>/timer")
class PreviewTimer(MethodView):
    @blp.response(200, InstanceSchema)
    def post(self, matter_id):
        """Make a test matter's next waiting timer (a publicity period) due now and fire it"""
        return preview.advance_preview_timer(ctx(), current_actor(), matter_id)
