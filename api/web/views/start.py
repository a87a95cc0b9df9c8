"""发起事项: the catalogue by category, then an item's start form in one of the user's villages."""
from __future__ import annotations

import secrets

from flask import redirect, request, url_for

from engine.errors import Conflict, InvalidData, LikelyDuplicate
from engine.services import definitions, matters
from engine.services.complaints.tracking import COMPLAINT_KEY
from engine.services.definition_views import ProcessView
from engine.vocabulary import quoted

from ...rest import ctx
from ...rest.tables import template_download
from ..blueprint import bp
from ..forms import initial_values, read_submission
from ..lookups import start_villages, startable
from ..pages import actor, done, page, what_next


@bp.route("/start")
def start_catalogue():
    return page("start_list.html", groups=startable(actor()))


@bp.route("/start/<key>")
def start_form(key):
    if key == COMPLAINT_KEY:                 # a complaint is entered with its reporter and channel
        return redirect(url_for("web.complaint_new"))
    item = definitions.get_process(ctx(), actor(), key)
    # One key per form shown: back + submit again, or a double tap, answers the matter already
    # started instead of starting a second one (the start service's idempotency key).
    values = {"subject": "", "village": "", "form_token": secrets.token_urlsafe(16), **initial_values(item.start_form)}
    return _form_page(item, values, {})


@bp.route("/start/<key>", methods=["POST"])
def start_matter(key):
    item = definitions.get_process(ctx(), actor(), key)
    submitted = read_submission(item.start_form, request.form, request.files)
    subject, village = request.form.get("subject", ""), request.form.get("village", "")
    token = request.form.get("form_token") or None
    values = {"subject": subject, "village": village, "form_token": token or secrets.token_urlsafe(16),
              **submitted.shown}
    confirmed = request.form.get("confirm_duplicate") == "1"
    try:
        if submitted.refused():
            raise submitted.refused()
        matter = matters.start_matter(ctx(), actor(), key, village, subject, submitted.data, token, submitted.uploads,
                                      ask_if_duplicate=not confirmed)
    except LikelyDuplicate as exc:
        # Asked, not refused: the same form again with the matters to look at and a box to tick.
        return _form_page(item, values, submitted.errors_after_refusal(exc.errors), 409, duplicates=exc.matter_ids)
    except (InvalidData, Conflict) as exc:
        return _form_page(item, values, submitted.errors_after_refusal(exc.errors or {"": exc.message}), 422)
    if matter.replayed:
        done(f"事项 #{matter.id}{quoted(matter.subject)}此前已发起，本次重复提交未再发起。")
    else:
        done(f"事项 #{matter.id}{quoted(matter.subject)}已发起。{what_next(matter)}")
    return redirect(url_for("web.matter", matter_id=matter.id))


def _form_page(item: ProcessView, values: dict, errors: dict, status: int = 200, duplicates: list | None = None):
    return page("start_form.html", status, item=item, values=values, errors=errors,
                villages=start_villages(actor(), item.key), duplicates=duplicates or [])



@bp.route("/start/<key>/tables/<field>/template.csv")
def table_template(key, field):
    """The empty list of a table field: its header row of labels, to fill in Excel and upload."""
    return template_download(actor(), key, field)
