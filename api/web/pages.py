"""Rendering a page, and the few things every view needs."""
from __future__ import annotations

from flask import flash, render_template

from engine.services.views import MatterView
from engine.vocabulary import MatterStatus, quoted

from .session import web_actor


def page(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def actor():
    """The logged-in user (the blueprint sends everyone else to /login before any view runs)."""
    return web_actor()


def done(message: str) -> None:
    flash(message, "success")


def what_next(matter: MatterView) -> str:
    """After an action: where the matter goes now, and who acts next."""
    if matter.status != MatterStatus.RUNNING:
        return f"事项{matter.status_name}。"
    waiting = [s for s in matter.ready_steps if not s.objection_intake]
    if waiting:
        return "下一步：" + "；".join(f"{quoted(s.name)}，由{s.role_name}办理" for s in waiting) + "。"
    if matter.waiting_timers:
        return "事项等待期限届满（" + "、".join(t.name for t in matter.waiting_timers if t.name) + "）后自动继续。"
    return ""
