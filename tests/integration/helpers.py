"""Stepping a matter through the services, as a clerk would through the API."""
from engine.services import attachments, matters

PDF = b"%PDF-1.7\n%%EOF\n"

PROPOSE = {"proposal": "硬化村道1.2公里", "matter_source": "cadre_proposal", "meeting_type": "REP"}
DELIBERATE = {"tc_members": 7, "tc_attendees": 6, "tc_for": 5, "tc_minutes": "两委联席会议记录"}
SEND_PLAN = {"plan_sent_on": "2026-03-02", "plan_text": "村道硬化方案"}
REVIEW = {"pm_total": 30, "pm_attendees": 21, "pm_for": 18, "pm_minutes": "党员大会记录"}
RESOLVE = {"rep_total": 40, "rep_attendees": 30, "rep_for": 25, "resolution": "同意硬化村道"}


def ready(matter: dict, step_id: str) -> dict:
    found = [s for s in matter["ready_steps"] if s["step_id"] == step_id]
    assert found, f"{step_id} not ready: {[s['step_id'] for s in matter['ready_steps']]}"
    return found[0]


def with_evidence(ctx, actor, form: list[dict], data: dict) -> dict:
    """The data plus a freshly uploaded scan for every required evidence field left empty."""
    files = {f["name"]: [attachments.upload_attachment(ctx, actor, f"{f['label']}.pdf", PDF)["id"]]
             for f in form if f["type"] == "file" and f["required"] and not data.get(f["name"])}
    return {**data, **files}


def do(ctx, actor, matter: dict, step_id: str, data: dict) -> dict:
    task_id = ready(matter, step_id)["id"]
    form = matters.get_task(ctx, actor, task_id)["form"]
    return matters.complete_step(ctx, actor, task_id, with_evidence(ctx, actor, form, data))


def start_decision(ctx, actor, subject="修建村道") -> dict:
    return matters.start_matter(ctx, actor, "major_decision", "lushui_village", subject,
                                {"summary": "村道硬化", "amount": 120000})
