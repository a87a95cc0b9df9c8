"""docs/power-list.md: the power list as a document, generated from the definitions themselves,
so what villagers read is what the engine runs (`xiaowei processes doc`)."""
from __future__ import annotations

from bpmn_reader import condition_clause
from bpmn_reader import duration_words as _duration_words

from .definitions import CATEGORIES
from .disclosure import SECTIONS
from .vocabulary import quoted

HEADER = "<!-- 由 processes/ 中的流程定义生成（xiaowei processes doc -o docs/power-list.md），请勿手改 -->"


def duration_words(expression: str | None, parameters: dict, fields: list | None = None) -> str:
    """A step's time limit in words ('P10D' -> '10天', 'days(x)' -> '15天（异议核实天数）', a
    conditional one '一般15个工作日，情况复杂的30个工作日'), the same words the flowcharts use
    (bpmn_reader.duration_words); shown as written if it cannot be worked out. `parameters` maps
    names to Parameter objects (their labels are used) or to plain values; `fields` are the item's
    form fields (dicts with name, label and type: a yes/no field words a condition)."""
    if not expression:
        return ""
    values = {n: getattr(p, "value", p) for n, p in parameters.items()}
    labels = {n: p.label for n, p in parameters.items() if hasattr(p, "label")}
    return _duration_words(expression, values, labels, yes_no_words(fields or [])) or expression


def yes_no_words(fields: list) -> dict[str, str]:
    """name -> the words a yes/no form field stands for in a condition ('情况复杂'); 'name==option'
    -> the option's name, for a condition on a choice field ('category==project' -> '工程项目')."""
    words = {f"{f['name']}=={o['value']}": o["label"] for f in fields if f.get("type") == "enum"
             for o in f.get("options", []) if o.get("label")}
    return {**words, **{f["name"]: condition_clause(f["label"]) for f in fields
                        if f.get("type") == "boolean" and f.get("label")}}


def item_fields(info: dict) -> list:
    """Every form field of a stored item (its start form and every step's form), as dicts."""
    return list(info.get("start_form", [])) + [f for step in info.get("steps", []) for f in step.get("form", [])]


def power_list_markdown(catalog, roles: dict, parameters: dict) -> str:
    values = {name: p.value for name, p in parameters.items()}
    infos = sorted(catalog.processes.values(), key=lambda i: (CATEGORIES.index(i.metadata["category"]),
                                                              i.metadata.get("list_code") or "", i.key))
    lines = [HEADER, "", "# 村级小微权力清单", "",
             f"共 {len(infos)} 项。每一项都是 `processes/` 下的一个 BPMN 流程定义，引擎按它办理，流程图也由它绘制。", "",
             "| 编号 | 事项 | 类别 |", "|---|---|---|"]
    lines += [f"| {i.metadata.get('list_code') or ''} | [{i.name}](#{i.key}) | {i.metadata['category']} |" for i in infos]
    for category in CATEGORIES:
        members = [i for i in infos if i.metadata["category"] == category]
        if members:
            lines += ["", f"## {category}"]
            for info in members:
                lines += _item(info, catalog, roles, parameters, values)
    return "\n".join(lines) + "\n"


def _item(info, catalog, roles, parameters, values) -> list[str]:
    meta = info.metadata
    lines = ["", f'<a id="{info.key}"></a>', f"### {meta.get('list_code') or ''} {info.name}", ""]
    for label, key in (("政策依据", "policy_basis"), ("执行主体", "executing_body"), ("监督主体", "supervising_body"),
                       ("办理时限", "time_limit"), ("公开要求", "publicity")):
        lines.append(f"- {label}：{meta.get(key) or '—'}")
    if info.calls:
        called = "、".join(catalog.processes[c].name if c in catalog.processes else c for c in info.calls)
        lines.append(f"- 调用：{called}")
    for end, publications in info.end_publications.items():
        ended = quoted(info.end_events.get(end, end))
        lines += [f"- 办结于{ended}时公开（{SECTIONS[p.section]}·{p.stage}）" for p in publications]
    lines += ["", "| 步骤 | 办理角色 | 时限 | 表单（*为必填） | 说明 |", "|---|---|---|---|---|"]
    all_fields = item_fields(info.as_dict())
    for step in info.steps.values():
        role = roles[step.role].name if step.role in roles else step.role
        fields = "、".join(f.label + ("*" if f.required else "") for f in step.form.fields) or "—"
        notes = [n for n, on in (("监督点", step.supervision), ("公示期异议受理", step.objection_intake),
                                 ("多部门联合", step.multi_instance)) if on]
        if step.separate_from:
            others = ("发起人" if s == "start" else info.steps[s].name for s in step.separate_from)
            notes.append("不得由" + "、".join(others) + "办理人办理")
        notes += [f"公开（{SECTIONS[p.section]}·{p.stage}）" for p in step.publications]
        limit = duration_words(step.deadline, parameters, all_fields)
        lines.append(f"| {step.name} | {role} | {limit or '—'} | {fields} | {'；'.join(notes)} |")
    used = sorted(n for n in info.reads if n in parameters)
    if used:
        lines += ["", "本事项使用的乡镇参数（县默认值，乡镇可调整）："]
        options = {o["value"]: o["label"] for f in all_fields if f.get("type") == "enum" for o in f.get("options", [])}
        lines += [f"- {parameters[n].label}（`{n}`）：{_value(parameters[n], options)}" for n in used]
    return lines


def _value(parameter, options: dict | None = None) -> str:
    """A parameter's value in words; a list of choices by the names the item's forms give them
    (a clerk reads 礼品、礼金, not gifts)."""
    value, unit = parameter.value, parameter.unit or ""
    shown = "、".join(str((options or {}).get(v, v)) for v in value) if isinstance(value, list) else str(value)
    if parameter.type in ("integer", "number") and parameter.maximum is not None:
        return f"{shown}{unit}（乡镇可在 {parameter.minimum}–{parameter.maximum}{unit} 之间调整）"
    if parameter.type == "fraction" and parameter.minimum is not None:
        return f"{shown}（不得低于 {parameter.minimum}）"
    return shown + unit
