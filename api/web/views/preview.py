"""试运行: a township administrator runs test matters of a version (a draft too) in the township's
试运行村, acting through its test users, before publishing (engine/services/preview.py)."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import Conflict, Forbidden, InvalidData
from engine.services import flowcharts, preview
from engine.vocabulary import quoted

from ...rest import ctx
from ...rest.flowcharts import chart_response
from ..blueprint import bp
from ..forms import initial_values, read_submission
from ..pages import actor, done, page, what_next


def _page(key: str, version_id: int, status: int = 200, **values):
    view = preview.preview_page(ctx(), actor(), key, version_id)
    return page("preview.html", status, item=view.item, matters=view.matters,
                values=values.pop("values", None) or initial_values(view.item.start_form),
                errors=values.pop("errors", {}), failed=values.pop("failed", None),
                fresh=values.pop("fresh", request.args.get("new") == "1"), initial=initial_values, **values)


@bp.route("/authoring/<key>/versions/<int:version_id>/preview")
def preview_version(key, version_id):
    return _page(key, version_id)


@bp.route("/authoring/<key>/versions/<int:version_id>/flowchart.svg")
def version_flowchart(key, version_id):
    return chart_response(flowcharts.version_flowchart_source(ctx(), actor(), key, version_id), "svg")


@bp.route("/authoring/<key>/versions/<int:version_id>/preview", methods=["POST"])
def preview_start(key, version_id):
    form = preview.preview_page(ctx(), actor(), key, version_id).item.start_form
    submitted = read_submission(form, request.form, request.files)
    subject = request.form.get("subject", "")
    try:
        if submitted.refused():
            raise submitted.refused()
        matter = preview.start_preview(ctx(), actor(), key, version_id, subject, submitted.data)
    except InvalidData as exc:
        return _page(key, version_id, 422, fresh=True, values={**submitted.shown, "subject": subject},
                     errors=submitted.errors_after_refusal(exc.errors or {"": exc.message}))
    done(f"已发起试运行事项 #{matter.id}。{what_next(matter)}")
    return redirect(url_for("web.preview_version", key=key, version_id=version_id) + f"#matter-{matter.id}")


@bp.route("/authoring/<key>/versions/<int:version_id>/preview/<int:matter_id>/steps/<task_id>", methods=["POST"])
def preview_step(key, version_id, matter_id, task_id):
    view = preview.preview_page(ctx(), actor(), key, version_id)
    step = next((s for m in view.matters if m.id == matter_id for s in m.ready_steps if s.id == task_id), None)
    if step is None:
        return _page(key, version_id, 409, errors={"": "该步骤已不可办理，请刷新后再试"})
    submitted = read_submission(step.form, request.form, request.files)
    try:
        if submitted.refused():
            raise submitted.refused()
        matter = preview.complete_preview_step(ctx(), actor(), matter_id, task_id, submitted.data)
    except InvalidData as exc:
        return _page(key, version_id, 422, failed={"task": task_id, "values": submitted.shown,
                                                   "errors": submitted.errors_after_refusal(exc.errors or {"": exc.message})})
    except (Forbidden, Conflict) as exc:
        return _page(key, version_id, 409, failed={"task": task_id, "values": submitted.shown, "errors": {"": exc.message}})
    done(f"{matter.done_by}已办理{quoted(step.name)}。{what_next(matter)}")
    return redirect(url_for("web.preview_version", key=key, version_id=version_id) + f"#matter-{matter_id}")


@bp.route("/authoring/<key>/versions/<int:version_id>/preview/<int:matter_id>/timer", methods=["POST"])
def preview_timer(key, version_id, matter_id):
    try:
        matter = preview.advance_preview_timer(ctx(), actor(), matter_id)
    except Conflict as exc:
        return _page(key, version_id, 409, errors={"": exc.message})
    done(f"定时器已到期。{what_next(matter)}")
    return redirect(url_for("web.preview_version", key=key, version_id=version_id) + f"#matter-{matter_id}")
