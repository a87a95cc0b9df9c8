"""发起事项: the catalogue by category, then an item's start form in one of the user's villages."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import InvalidData
from engine.services import definitions, matters

from ...rest import ctx
from ..blueprint import bp
from ..forms import initial_values, read_submission
from ..lookups import catalogue, my_villages
from ..pages import actor, done, page


@bp.route("/start")
def start_catalogue():
    return page("start_list.html", groups=catalogue(actor()))


@bp.route("/start/<key>")
def start_form(key):
    item = definitions.get_process(ctx(), actor(), key)
    return _form_page(item, {"subject": "", "village": "", **initial_values(item["start_form"])}, {})


@bp.route("/start/<key>", methods=["POST"])
def start_matter(key):
    item = definitions.get_process(ctx(), actor(), key)
    submitted = read_submission(actor(), item["start_form"], request.form, request.files)
    subject, village = request.form.get("subject", ""), request.form.get("village", "")
    values = {"subject": subject, "village": village, **submitted.shown}
    if submitted.errors:
        return _form_page(item, values, submitted.errors, 422)
    try:
        matter = matters.start_matter(ctx(), actor(), key, village, subject, submitted.data)
    except InvalidData as exc:
        return _form_page(item, values, exc.errors or {"": exc.message}, 422)
    done(f"事项 #{matter['id']}“{matter['subject']}”已发起。")
    return redirect(url_for("web.matter", matter_id=matter["id"]))


def _form_page(item: dict, values: dict, errors: dict, status: int = 200):
    return page("start_form.html", status, item=item, values=values, errors=errors, villages=my_villages(actor()))
