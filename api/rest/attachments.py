import io

from flask import send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from engine.services import attachments

from ..actors import current_actor
from ..schemas import AttachmentSchema
from . import ctx

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments", description="证据附件")


class UploadSchema(Schema):
    file = Upload(required=True)


@blp.route("")
class Attachments(MethodView):
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, AttachmentSchema)
    def post(self, files):
        """Upload an evidence file (multipart, field `file`): PDF, PNG/JPG, Word, Excel or text"""
        upload = files["file"]
        return attachments.upload_attachment(ctx(), current_actor(), upload.filename or "", upload.read())


@blp.route("/<string:attachment_id>")
class AttachmentFile(MethodView):
    @blp.doc(responses={"200": {"description": "the file, always as a download"}})
    def get(self, attachment_id):
        """Download an evidence file"""
        meta, content = attachments.download_attachment(ctx(), current_actor(), attachment_id)
        # Always a download, never rendered in the browser; the type was checked at upload.
        # send_file encodes a Chinese name (filename*=UTF-8''...), which a raw header cannot carry.
        response = send_file(io.BytesIO(content), mimetype=meta["content_type"].split(";")[0],
                             as_attachment=True, download_name=meta["name"])
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
