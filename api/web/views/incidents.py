"""运行故障: the matters the engine could not run on, and the retry an administrator starts from
the matter's page after correcting its data."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import InvalidData
from engine.services import incidents

from ...rest import ctx
from ..blueprint import bp
from ..lookups import item_names, unit_names
from ..pages import actor, done, page
from ..paging import page_asked, pager, service_page

PAGE_SIZE = 20


@bp.route("/incidents")
def incident_list():
    state = request.args.get("state") or "open"
    state = state if state in incidents.STATES else "open"
    number, after = page_asked(request.args)
    rows, total = incidents.list_incidents(ctx(), actor(), state, service_page(number, after), PAGE_SIZE, after)
    return page("incidents.html", rows=rows, total=total, state=state, states=incidents.STATE_NAMES,
                paging=pager("web.incident_list", {"state": state}, number, total, PAGE_SIZE),
                items=item_names(actor()), villages=unit_names(actor()))


@bp.route("/matters/<int:matter_id>/retry", methods=["POST"])
def retry(matter_id):
    from .matters import matter_page
    form = request.form
    field, value = (form.get("field") or "").strip(), (form.get("value") or "").strip()
    corrections = {field: value} if field else {}
    try:
        incidents.retry_matter(ctx(), actor(), matter_id, form.get("reason", ""), corrections)
    except InvalidData as exc:
        return matter_page(matter_id, exc.errors, retry_form=dict(form), status=422)
    done(f"事项 #{matter_id} 已重试。")
    return redirect(url_for("web.matter", matter_id=matter_id))
