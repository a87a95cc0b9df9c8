from flask.views import MethodView

from engine.services import audit

from ..actors import current_actor
from ..schemas import ChainReportSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="审计链")


@blp.route("/verify")
class Verify(MethodView):
    @blp.response(200, ChainReportSchema)
    def get(self):
        """Recompute the hash chain; names the first broken link"""
        return audit.verify_chain(ctx(), current_actor())
