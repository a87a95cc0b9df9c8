"""A readable Chinese diff between two versions of an item: steps, flows and their conditions, forms,
roles, time limits, publicity periods and separation of duties, added, removed or changed.

Pure: the inputs are `item_facts` of each version (the ProcessInfo as stored, `ProcessInfo.as_dict()`,
plus the flows and timers read from the item's XML); the output is a list of changes, each
{kind: added|removed|changed, what, element, text}.
"""
from __future__ import annotations

from .bpmn_xml import NS, parse_bpmn_bytes

META = {"name": "名称", "list_code": "清单编码", "category": "类别", "policy_basis": "政策依据",
        "executing_body": "执行主体", "supervising_body": "监督主体", "time_limit": "办理时限", "publicity": "公开要求",
        "start_role": "发起角色"}
STEP = {"name": "名称", "role": "办理角色", "deadline": "时限", "separate_from": "职责分离",
        "supervision": "监督点", "objection_intake": "异议受理", "policy_basis": "政策依据",
        "multi_instance": "多实例", "role_variable": "角色变量", "split_total": "台账合计核对"}
FIELD = {"label": "标签", "type": "类型", "required": "必填", "min": "下限", "max": "上限",
         "minlength": "最短", "maxlength": "最长", "options": "选项"}


def item_facts(info: dict, xml: bytes | str) -> dict:
    """The stored info of a version with its flows and timers read from its own BPMN file."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = parse_bpmn_bytes(data, info.get("file") or "item.bpmn")
    process = next((p for p in root.iterfind("bpmn:process", NS) if p.get("id") == info["key"]), None)
    flows, timers, names = {}, {}, {}
    if process is not None:
        names = {e.get("id"): e.get("name") for e in process.iter()
                 if isinstance(e.tag, str) and e.get("id") and e.get("name")}
        for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
            flows[flow.get("id")] = {
                "name": flow.get("name") or "", "source": flow.get("sourceRef"), "target": flow.get("targetRef"),
                "condition": (flow.findtext("bpmn:conditionExpression", default="", namespaces=NS) or "").strip()}
        for tag in ("boundaryEvent", "intermediateCatchEvent"):
            for event in process.iterfind(f".//bpmn:{tag}", NS):
                timer = event.find("bpmn:timerEventDefinition", NS)
                if timer is not None:
                    timers[event.get("id")] = {
                        "name": event.get("name") or event.get("id"), "attached_to": event.get("attachedToRef"),
                        "duration": (timer.findtext("bpmn:timeDuration", default="", namespaces=NS) or "").strip()}
    return {**info, "flows": flows, "timer_details": timers, "node_names": names}


def diff_items(old: dict, new: dict) -> list[dict]:
    changes: list[dict] = []

    def add(kind, what, element, text):
        changes.append({"kind": kind, "what": what, "element": element, "text": text})

    for key, label in META.items():
        if old.get(key) != new.get(key):
            add("changed", "事项", new.get("key"), f"事项{label}：{_v(old.get(key))} → {_v(new.get(key))}")
    old_lanes, new_lanes = old.get("lanes") or {}, new.get("lanes") or {}
    for lane in sorted(set(new_lanes) - set(old_lanes)):
        add("added", "角色", lane, f"新增角色泳道“{new_lanes[lane]}”（{lane}）")
    for lane in sorted(set(old_lanes) - set(new_lanes)):
        add("removed", "角色", lane, f"删除角色泳道“{old_lanes[lane]}”（{lane}）")
    _forms(add, "发起表单", old.get("start_form") or [], new.get("start_form") or [], new.get("start_event") or "start")
    _steps(add, old, new)
    _flows(add, old.get("flows") or {}, new.get("flows") or {}, _names(old, new))
    _timers(add, old.get("timer_details") or {}, new.get("timer_details") or {})
    _mapping(add, "结束事件", old.get("end_events") or {}, new.get("end_events") or {})
    for call in sorted(set(new.get("calls") or ()) - set(old.get("calls") or ())):
        add("added", "调用", call, f"新增调用流程 {call}")
    for call in sorted(set(old.get("calls") or ()) - set(new.get("calls") or ())):
        add("removed", "调用", call, f"不再调用流程 {call}")
    return changes


def _v(value) -> str:
    if value in (None, "", [], ()):
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v.get("label", v)) if isinstance(v, dict) else str(v) for v in value) or "（无）"
    return str(value)


def _names(old: dict, new: dict) -> dict:
    names = {**(old.get("node_names") or {}), **(new.get("node_names") or {})}
    names.update({s["id"]: s["name"] for s in (old.get("steps") or [])})
    names.update({s["id"]: s["name"] for s in (new.get("steps") or [])})
    for info in (old, new):
        names.update(info.get("end_events") or {})
        names.update({k: t["name"] for k, t in (info.get("timer_details") or {}).items()})
    return names


def _steps(add, old: dict, new: dict) -> None:
    before = {s["id"]: s for s in old.get("steps") or []}
    after = {s["id"]: s for s in new.get("steps") or []}
    for sid in [s for s in after if s not in before]:
        step = after[sid]
        add("added", "步骤", sid, f"新增步骤“{step['name']}”（角色 {step['role']}，时限 {_v(step.get('deadline'))}）")
    for sid in [s for s in before if s not in after]:
        add("removed", "步骤", sid, f"删除步骤“{before[sid]['name']}”")
    for sid in [s for s in after if s in before]:
        a, b = before[sid], after[sid]
        for key, label in STEP.items():
            if a.get(key) != b.get(key):
                add("changed", "步骤", sid, f"步骤“{b['name']}”的{label}：{_v(a.get(key))} → {_v(b.get(key))}")
        _forms(add, f"步骤“{b['name']}”的表单", a.get("form") or [], b.get("form") or [], sid)


def _forms(add, where: str, old: list, new: list, element: str) -> None:
    before, after = {f["name"]: f for f in old}, {f["name"]: f for f in new}
    for name in [n for n in after if n not in before]:
        add("added", "表单", element, f"{where}新增字段“{after[name]['label']}”（{name}）")
    for name in [n for n in before if n not in after]:
        add("removed", "表单", element, f"{where}删除字段“{before[name]['label']}”（{name}）")
    for name in [n for n in after if n in before]:
        for key, label in FIELD.items():
            if before[name].get(key) != after[name].get(key):
                add("changed", "表单", element, f"{where}字段“{after[name]['label']}”的{label}："
                    f"{_v(before[name].get(key))} → {_v(after[name].get(key))}")


def _flows(add, before: dict, after: dict, names: dict) -> None:
    def ends(flow):
        return f"“{names.get(flow['source'], flow['source'])}”→“{names.get(flow['target'], flow['target'])}”"
    for fid in [f for f in after if f not in before]:
        flow = after[fid]
        add("added", "顺序流", fid, f"新增顺序流 {ends(flow)}" + (f"，条件 {flow['condition']}" if flow["condition"] else ""))
    for fid in [f for f in before if f not in after]:
        add("removed", "顺序流", fid, f"删除顺序流 {ends(before[fid])}")
    for fid in [f for f in after if f in before]:
        a, b = before[fid], after[fid]
        if (a["source"], a["target"]) != (b["source"], b["target"]):
            add("changed", "顺序流", fid, f"顺序流 {fid} 改为 {ends(b)}（原为 {ends(a)}）")
        if a["condition"] != b["condition"]:
            add("changed", "条件", fid, f"顺序流 {ends(b)} 的条件：{_v(a['condition'])} → {_v(b['condition'])}")
        if a["name"] != b["name"]:
            add("changed", "顺序流", fid, f"顺序流 {ends(b)} 的名称：{_v(a['name'])} → {_v(b['name'])}")


def _timers(add, before: dict, after: dict) -> None:
    for tid in [t for t in after if t not in before]:
        add("added", "公示期/定时器", tid, f"新增定时器“{after[tid]['name']}”，时长 {_v(after[tid]['duration'])}")
    for tid in [t for t in before if t not in after]:
        add("removed", "公示期/定时器", tid, f"删除定时器“{before[tid]['name']}”")
    for tid in [t for t in after if t in before]:
        if before[tid]["duration"] != after[tid]["duration"]:
            add("changed", "公示期/定时器", tid, f"定时器“{after[tid]['name']}”的时长："
                f"{_v(before[tid]['duration'])} → {_v(after[tid]['duration'])}")


def _mapping(add, what: str, before: dict, after: dict) -> None:
    for key in [k for k in after if k not in before]:
        add("added", what, key, f"新增{what}“{after[key]}”")
    for key in [k for k in before if k not in after]:
        add("removed", what, key, f"删除{what}“{before[key]}”")
    for key in [k for k in after if k in before and before[k] != after[k]]:
        add("changed", what, key, f"{what}名称：{before[key]} → {after[key]}")
