"""A matter's audit events as a timeline a person can read: who, when, what, what changed."""
from __future__ import annotations

from engine.services.views import EventView
from engine.vocabulary import COMPLAINT_CHANNELS, RATINGS, quoted

from .formatting import field_text, local_time

# Every event a matter's history can hold (the audit events appended with a matter's number;
# tests/unit/test_timeline.py finds them in engine/ and holds this list to them), in words.
EVENT_NAMES = {
    "matter_started": "发起事项", "step_completed": "办理步骤", "step_claimed": "认领步骤",
    "step_released": "释放步骤", "step_reassigned": "改派步骤", "timer_fired": "期限届满",
    "matter_completed": "事项办结", "matter_cancelled": "撤销事项", "matter_error": "事项出错",
    "engine_error": "流程异常", "record_published": "网上公开", "records_withdrawn": "撤回网上公开",
    "public_objection_received": "收到网上异议", "public_objection_dismissed": "网上异议不予受理",
    "publicity_held": "公示期满暂缓（待处理异议）", "matter_retried": "重试事项",
    "complaint_registered": "登记诉求", "complaint_merged": "并案办理（并入他件）",
    "complaint_merged_in": "并案办理（他件并入）", "supervision_issued": "发出督办单",
    "public_rating_received": "收到反映人评价",
}


# On a matter's timeline the system acts only when a time limit passes (the timer worker).
TIMER = "系统（定时）"


def timeline(events: list[EventView], fields: dict, role_names: dict, people: dict | None = None) -> list[dict]:
    """`people`: {login name: display name} for the actors (and reassignment targets) of `events`."""
    return [entry(e, fields, role_names, people or {}) for e in events]


def people_in(events: list[EventView]) -> set[str]:
    """The login names a timeline names: who acted, and to whom a step was reassigned."""
    return {e.actor for e in events} | {(e.payload or {}).get("to") for e in events
                                        if e.event == "step_reassigned"} - {None}


def entry(event: EventView, fields: dict, role_names: dict, people: dict) -> dict:
    payload = event.payload or {}
    actor = event.actor
    return {"seq": event.seq, "at": event.at, "actor": actor, "hash": event.hash,
            "actor_name": TIMER if actor == "system" else people.get(actor, actor),
            "what": EVENT_NAMES.get(event.event, event.event),
            "detail": _detail(event.event, payload, role_names, people),
            "changes": _changes(event.event, payload, fields)}


def _detail(name: str, payload: dict, role_names: dict, people: dict) -> str:
    if name == "matter_started":
        return f"标题：{payload.get('subject', '')}"
    if name == "step_completed":
        return f"{payload.get('step_name', '')}（{role_names.get(payload.get('role'), payload.get('role', ''))}）"
    if name == "step_reassigned":
        return f"改派给 {people.get(payload.get('to'), payload.get('to'))}，原因：{payload.get('reason', '')}"
    if name == "timer_fired":
        return payload.get("name") or ""
    if name == "matter_cancelled":
        return f"原因：{payload.get('reason', '')}"
    if name == "matter_completed":
        return f"结果：{payload.get('outcome') or ''}"
    if name == "record_published":
        return f"{payload.get('stage', '')}：{payload.get('title', '')}（公开编号 {str(payload.get('content_sha256', ''))[:12]}）"
    if name == "records_withdrawn":
        return f"事项撤销，{len(payload.get('records') or [])} 条公开记录不再显示"
    if name == "public_objection_received":
        return f"对{quoted(payload.get('title', ''))}：{payload.get('text', '')}"
    if name == "engine_error":
        return payload.get("reason") or payload.get("error") or payload.get("message") or ""
    if name == "matter_error":                 # its why in words is the 流程异常 just before it
        return "事项停在出错的步骤，等待管理员更正数据后重试，或撤销"
    if name == "matter_retried":
        return f"原因：{payload.get('reason', '')}"
    if name == "public_objection_dismissed":
        return f"异议编号 {payload.get('objection_id', '')}，理由：{payload.get('reason', '')}"
    if name == "publicity_held":
        return f"{payload.get('name') or ''}：{payload.get('reason', '')}".lstrip("：")
    if name == "complaint_registered":
        channel = COMPLAINT_CHANNELS.get(payload.get("channel"), payload.get("channel") or "")
        return f"诉求编号 {payload.get('complaint', '')}，渠道：{channel}，收到于 {local_time(payload.get('received_at'))}"
    if name == "complaint_merged":
        return f"{payload.get('complaint', '')} 并入 {payload.get('into', '')} 办理，原因：{payload.get('reason', '')}"
    if name == "complaint_merged_in":
        return f"{payload.get('duplicate', '')} 并入本件（{payload.get('complaint', '')}）办理，原因：{payload.get('reason', '')}"
    if name == "supervision_issued":
        due = local_time(payload.get("new_due"))
        limit = f"，限 {due} 前办结" if due else ""
        return f"督办单 {payload.get('number', '')}：{payload.get('overdue_step') or ''}超期{limit}"
    if name == "public_rating_received":
        return f"诉求 {payload.get('complaint', '')}：{RATINGS.get(payload.get('rating'), payload.get('rating') or '')}"
    return ""


def _changes(name: str, payload: dict, fields: dict) -> list[dict]:
    """Field by field: the label, the value before (if any) and after. File fields keep their ids
    (the page links them)."""
    if name == "matter_started":
        pairs = {k: [None, v] for k, v in (payload.get("data") or {}).items()}
    elif name in ("step_completed", "matter_retried"):
        changed = payload.get("changes") or {}
        pairs = {k: [changed.get(k, [None])[0], v] for k, v in (payload.get("data") or {}).items()}
    else:
        return []
    rows = []
    for key, (before, after) in pairs.items():
        spec = fields.get(key)
        rows.append({"label": spec["label"] if spec else key, "is_file": bool(spec and spec["type"] == "file"),
                     "before": field_text(spec, before) if before is not None else "",
                     "after": after if spec and spec["type"] == "file" else field_text(spec, after)})
    return rows


def findings_by_role(events: list[EventView], role_names: dict, people: dict) -> list[dict]:
    """Steps done once per role (a “1+N” inspection, one completion per department): each with
    every role's own answers, in the order they came. The matter's data keeps only the last one."""
    done: dict[str, list[EventView]] = {}
    names: dict[str, str] = {}
    for e in events:
        payload = e.payload or {}
        if e.event == "step_completed" and payload.get("step"):
            done.setdefault(payload["step"], []).append(e)
            names[payload["step"]] = payload.get("step_name") or payload["step"]
    found = []
    for step, completions in done.items():
        roles = [(c.payload or {}).get("role") for c in completions]
        if len(set(roles)) < 2:
            continue
        found.append({"step": step, "name": names[step], "answers": [
            {"role": role_names.get(r, r), "by": people.get(c.actor, c.actor), "at": c.at,
             "data": (c.payload or {}).get("data") or {}} for r, c in zip(roles, completions, strict=True)]})
    return found

