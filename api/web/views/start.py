"""发起事项: the catalogue by category, then an item's start form in one of the user's villages."""
from __future__ import annotations

import secrets

from flask import redirect, request, url_for

from engine.errors import Conflict, InvalidData
from engine.services import definitions, matters
from engine.services.complaints.tracking import COMPLAINT_KEY

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
    if key == COMPLAINT_KEY:                 # a complaint is entered with its reporter and channel
        return redirect(url_for("web.complaint_new"))
    item = definitions.get_process(ctx(), actor(), key)
    # One key per form shown: back + submit again, or a double tap, answers the matter already
    # started instead of starting a second one (the start service's idempotency key).
    values = {"subject": "", "village": "", "form_token": secrets.token_urlsafe(16), **initial_values(item["start_form"])}
    return _form_page(item, values, {})


@bp.route("/start/<key>", methods=["POST"])
def start_matter(key):
    item = definitions.get_process(ctx(), actor(), key)
    submitted = read_submission(item["start_form"], request.form, request.files)
    subject, village = request.form.get("subject", ""), request.form.get("village", "")
    token = request.form.get("form_token") or None
    values = {"subject": subject, "village": village, "form_token": token or secrets.token_urlsafe(16),
              **submitted.shown}
    try:
        matter = matters.start_matter(ctx(), actor(), key, village, subject, submitted.data, token, submitted.uploads)
    except (InvalidData, Conflict) as exc:
        return _form_page(item, values, submitted.errors_after_refusal(exc.errors or {"": exc.message}), 422)
    if matter.get("replayed"):
        done(f"事项 #{matter['id']}“{matter['subject']}”此前已发起，本次重复提交未再发起。")
    else:
        done(f"事项 #{matter['id']}“{matter['subject']}”已发起。")
    return redirect(url_for("web.matter", matter_id=matter["id"]))


def _form_page(item: dict, values: dict, errors: dict, status: int = 200):
    return page("start_form.html", status, item=item, values=values, errors=errors, villages=my_villages(actor()))
