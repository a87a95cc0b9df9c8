import io

from flask import send_file
from flask.views import MethodView

from engine.services import attachments
from engine.services.attachment_views import AttachmentView
from engine.services.public.views import DocumentMeta

from ..actors import current_actor
from ..schemas import AttachmentSchema, UploadSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments", description="证据附件")


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
        return download_response(*attachments.download_attachment(ctx(), current_actor(), attachment_id))


def download_response(meta: AttachmentView | DocumentMeta, content: bytes):
    """An evidence file as a download (the API's and the web pages' alike).

    Never shown in the browser: the type was checked at upload, and nosniff plus a sandboxing
    policy keep a mislabelled file from ever running as a page. send_file writes a Chinese name as
    RFC 6266 filename*=UTF-8'' (a raw header cannot carry it)."""
    response = send_file(io.BytesIO(content), mimetype=meta.content_type.split(";")[0], as_attachment=True,
                         download_name=meta.name, etag=False, conditional=False)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
