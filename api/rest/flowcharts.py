"""Official flowcharts of items, and of a matter with its progress laid over them."""
from flask import Response, request
from flask.views import MethodView

from engine.services import flowcharts
from render import StepState, render_flowchart

from ..actors import current_actor
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("flowcharts", __name__, url_prefix="/api/v1", description="权力运行流程图")

MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


def chart_response(source: dict, fmt: str, overlay=None) -> Response:
    body = render_flowchart(source["bpmn"], fmt, process_id=source["process_id"], overlay=overlay,
                            role_names={code: role.name for code, role in ctx().roles.items()},
                            parameters=source["parameters"])
    response = Response(body, mimetype=MIMETYPES[fmt])
    # An SVG opened directly must not run anything: no scripts, no outside resources.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@blp.route("/processes/<string:key>/flowchart.<any(svg, png, pdf):fmt>")
class ItemFlowchart(MethodView):
    @blp.doc(responses={"200": {"description": "the chart (image/svg+xml, image/png or application/pdf)"}})
    def get(self, key, fmt):
        """The official flowchart of an item"""
        source = flowcharts.item_flowchart_source(ctx(), current_actor(), key)
        response = chart_response(source, fmt)
        response.set_etag(f"{source['etag']}-{fmt}")
        return response.make_conditional(request)


@blp.route("/instances/<int:instance_id>/flowchart.<any(svg, png):fmt>")
class MatterFlowchart(MethodView):
    @blp.doc(responses={"200": {"description": "the chart with the matter's progress"}})
    def get(self, instance_id, fmt):
        """A matter's flowchart: done steps, waiting steps and their roles, timers, the path taken"""
        source = flowcharts.matter_flowchart_source(ctx(), current_actor(), instance_id)
        overlay = {element: StepState(**state) for element, state in source["states"].items()}
        return chart_response(source, fmt, overlay)
