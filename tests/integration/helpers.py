"""Stepping a matter through the services, as a clerk would through the API."""
from engine.services import attachments, matters
from engine.services.views import MatterView, StepView

PDF = b"%PDF-1.7\n%%EOF\n"

PROPOSE = {"proposal": "硬化村道1.2公里", "matter_source": "cadre_proposal", "meeting_type": "REP"}
DELIBERATE = {"tc_members": 7, "tc_attendees": 6, "tc_for": 5, "tc_minutes": "两委联席会议记录",
              "tc_township_cadres": "镇包村干部刘明"}
SEND_PLAN = {"plan_sent_on": "2026-03-02", "plan_text": "村道硬化方案"}
REVIEW = {"pm_total": 30, "pm_attendees": 21, "pm_for": 18, "pm_minutes": "党员大会记录", "pm_township_cadres": "无"}
RESOLVE = {"rep_total": 40, "rep_attendees": 30, "rep_for": 25, "resolution": "同意硬化村道",
           "rep_township_cadres": "镇包村干部刘明"}


def ready(matter: MatterView, step_id: str) -> StepView:
    found = [s for s in matter.ready_steps if s.step_id == step_id]
    assert found, f"{step_id} not ready: {[s.step_id for s in matter.ready_steps]}"
    return found[0]


def with_evidence(ctx, actor, form, data: dict) -> dict:
    """The data plus a freshly uploaded scan for every required evidence field left empty."""
    files = {f["name"]: [attachments.upload_attachment(ctx, actor, f"{f['label']}.pdf", PDF).id]
             for f in form if f["type"] == "file" and f["required"] and not data.get(f["name"])}
    return {**data, **files}


def do(ctx, actor, matter: MatterView, step_id: str, data: dict) -> MatterView:
    task_id = ready(matter, step_id).id
    form = matters.get_task(ctx, actor, task_id).form
    return matters.complete_step(ctx, actor, task_id, with_evidence(ctx, actor, form, data))


def start_decision(ctx, actor, subject="修建村道") -> MatterView:
    return matters.start_matter(ctx, actor, "major_decision", "lushui_village", subject,
                                {"summary": "村道硬化", "amount": 120000})


def reviewer(ctx):
    """A 村监委 member other than the clerk who drafted a notice (the review is separated from the draft)."""
    from engine.identity import Grant
    from engine.services import Actor
    return Actor("reviewer", frozenset(Grant(code, "demo_county") for code in ctx.roles))


def post_notice(ctx, actor, matter: MatterView, notice: str, text: str, published_on: str) -> MatterView:
    """四议两公开's 决议公开 (`notice`="resolution") or 实施结果公开 ("result"): drafted by `actor`,
    approved by the 村监委 (another person), then posted by `actor`."""
    matter = do(ctx, actor, matter, f"draft_{notice}_notice", {f"{notice}_notice": text})
    matter = do(ctx, reviewer(ctx), matter, f"review_{notice}_notice",
                {f"{notice}_notice_review": "approve", f"{notice}_notice_review_opinion": "与记录一致"})
    return do(ctx, actor, matter, f"publish_{notice}", {f"{notice}_published_on": published_on})
