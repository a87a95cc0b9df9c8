"""The power list (权力清单): every item with its metadata, steps and official flowchart."""
from __future__ import annotations

from flask import request

from engine.services import definitions, flowcharts

from ...rest import ctx
from ...rest.flowcharts import chart_response, requested_layout
from ..blueprint import bp
from ..lookups import catalogue, item_names
from ..pages import actor, page


@bp.route("/power-list")
def power_list():
    return page("power_list.html", groups=catalogue(actor()))


@bp.route("/power-list/<key>")
def power_item(key):
    return page("power_item.html", item=definitions.get_process(ctx(), actor(), key), names=item_names(actor()))


@bp.route("/power-list/<key>/flowchart.svg")
def item_flowchart(key):
    layout = requested_layout()
    source = flowcharts.item_flowchart_source(ctx(), actor(), key)
    response = chart_response(source, "svg", layout=layout)
    response.set_etag(f"{source.etag}-{layout}-svg")
    return response.make_conditional(request)
