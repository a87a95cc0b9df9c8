"""我的待办, and the step page: the step's form, the matter so far, its flowchart, claim and release."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import InvalidData
from engine.services import matters, objections
from engine.services.views import TaskDetail
from engine.vocabulary import quoted

from ...rest import ctx
from ..blueprint import bp
from ..forms import initial_values, read_submission
from ..lookups import form_fields, item_names, unit_names
from ..pages import actor, done, page, what_next
from ..paging import page_asked, pager, service_page

INBOX_SIZE = 200          # a village's to-do list is dozens of steps; past this the page says so, and pages on


@bp.route("/tasks")
def tasks():
    number, after = page_asked(request.args)
    found = matters.to_do_page(ctx(), actor(), service_page(number, after), INBOX_SIZE, after)
    return page("tasks.html", tasks=found.steps, total=found.total, subjects=found.subjects, items=item_names(actor()),
                villages=unit_names(actor()), overdue=found.overdue, warnings_to_answer=found.warnings_to_answer,
                limit=INBOX_SIZE, paging=pager("web.tasks", {}, number, found.total, INBOX_SIZE))


@bp.route("/tasks/<task_id>")
def task(task_id):
    step = matters.get_task(ctx(), actor(), task_id)
    # Objections received online prefill the intake form; the 村监委 checks them and submits.
    # A list asked for again (a correction) starts from the matter's current list: kept unless a new
    # file is chosen.
    lists = {f["name"]: step.data[f["name"]] for f in step.form
             if f["type"] == "table" and isinstance((step.data or {}).get(f["name"]), list)}
    return _step_page(step, {**initial_values(step.form), **lists, **step.suggested_data}, {})


@bp.route("/tasks/<task_id>", methods=["POST"])
def complete(task_id):
    step = matters.get_task(ctx(), actor(), task_id)
    submitted = read_submission(step.form, request.form, request.files)
    try:
        if submitted.refused():
            raise submitted.refused()
        matter = matters.complete_step(ctx(), actor(), task_id, submitted.data, submitted.uploads)
    except InvalidData as exc:
        return _step_page(step, submitted.shown, submitted.errors_after_refusal(exc.errors or {"": exc.message}), 422)
    done(f"已办理{quoted(step.name)}。{what_next(matter)}")
    return redirect(url_for("web.matter", matter_id=matter.id))



def _step_page(step: TaskDetail, values: dict, errors: dict, status: int = 200):
    return page("task.html", status, step=step, values=values, errors=errors,
                files={a.id: a for a in step.attachments},
                fields=form_fields(actor(), step.matter.process_key),
                items=item_names(actor()), villages=unit_names(actor()))


@bp.route("/tasks/<task_id>/claim", methods=["POST"])
def claim(task_id):
    step = matters.claim_step(ctx(), actor(), task_id)
    done(f"已认领{quoted(step.name)}，其他人在您释放前不能办理。")
    return redirect(url_for("web.task", task_id=task_id))


@bp.route("/tasks/<task_id>/release", methods=["POST"])
def release(task_id):
    step = matters.release_step(ctx(), actor(), task_id)
    done(f"已释放{quoted(step.name)}，同一角色的其他人可以办理。")
    return redirect(url_for("web.task", task_id=task_id))


@bp.route("/tasks/<task_id>/objections/<int:objection_id>/dismiss", methods=["POST"])
def dismiss_objection(task_id, objection_id):
    """不予受理 an objection filed online, with the committee's reason (required)."""
    try:
        done_now = objections.dismiss_objection(ctx(), actor(), task_id, objection_id, request.form.get("reason", ""))
    except InvalidData as exc:
        step = matters.get_task(ctx(), actor(), task_id)
        return page("task.html", 422, step=step, values={}, errors={},
                    dismiss_errors={objection_id: exc.errors.get("reason", exc.message)},
                    files={a.id: a for a in step.attachments},
                    fields=form_fields(actor(), step.matter.process_key), items=item_names(actor()),
                    villages=unit_names(actor()))
    done("已记录不予受理的理由。" + ("公示期已满，事项进入下一步。" if done_now.period_passed else ""))
    if done_now.period_passed:
        return redirect(url_for("web.matter", matter_id=done_now.matter_id))
    return redirect(url_for("web.task", task_id=task_id))
