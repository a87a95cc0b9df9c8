"""Official flowcharts of items, and of a matter with its progress laid over them."""
from flask import Response, request
from flask.views import MethodView

from engine.errors import InvalidData
from engine.services import flowcharts
from engine.services.flowchart_views import FlowchartSource
from engine.services.public.views import FlowchartSource as PortalFlowchart
from render import StepState, render_flowchart

from ..actors import current_actor
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("flowcharts", __name__, url_prefix="/api/v1", description="权力运行流程图")

MIMETYPES = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}


LAYOUTS = ("official", "swimlane")


def chart_response(source: FlowchartSource | PortalFlowchart, fmt: str, overlay=None,
                   layout: str = "official") -> Response:
    """An item's chart in the official layout (the swimlane one with `layout`), or a matter's
    swimlane chart with its progress (`overlay`); from the workspace's flowchart sources or the
    public portal's (engine/services/public/views.FlowchartSource: the same fields, read alike)."""
    body = render_flowchart(source.bpmn, fmt, process_id=source.process_id, overlay=overlay,
                            role_names={**{code: role.name for code, role in ctx().roles.items()},
                                        **source.role_names},
                            parameters=source.parameters, process_names=source.process_names,
                            layout="swimlane" if overlay is not None else layout)
    response = Response(body, mimetype=MIMETYPES[fmt])
    # An SVG opened directly must not run anything: no scripts, no outside resources.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def requested_layout() -> str:
    layout = request.args.get("layout", "official")
    if layout not in LAYOUTS:
        raise InvalidData("版式有误", {"layout": "应为 official（官方流程图）或 swimlane（泳道图）"})
    return layout


@blp.route("/processes/<string:key>/flowchart.<any(svg, png, pdf):fmt>")
class ItemFlowchart(MethodView):
    @blp.doc(parameters=[{"in": "query", "name": "layout", "required": False,
                          "schema": {"type": "string", "enum": list(LAYOUTS), "default": "official"},
                          "description": "official: the top-down 权力运行流程图 (its PDF is an A4 or A3 page); "
                                         "swimlane: the technical view, one lane per role"}],
             responses={"200": {"description": "the chart (image/svg+xml, image/png or application/pdf)"}})
    def get(self, key, fmt):
        """The official flowchart of an item"""
        layout = requested_layout()
        source = flowcharts.item_flowchart_source(ctx(), current_actor(), key)
        response = chart_response(source, fmt, layout=layout)
        response.set_etag(f"{source.etag}-{layout}-{fmt}")
        return response.make_conditional(request)


@blp.route("/instances/<int:instance_id>/flowchart.<any(svg, png):fmt>")
class MatterFlowchart(MethodView):
    @blp.doc(responses={"200": {"description": "the chart with the matter's progress"}})
    def get(self, instance_id, fmt):
        """A matter's flowchart: done steps, waiting steps and their roles, timers, the path taken"""
        source = flowcharts.matter_flowchart_source(ctx(), current_actor(), instance_id)
        overlay = {element: StepState(**state) for element, state in source.states.items()}
        return chart_response(source, fmt, overlay)
