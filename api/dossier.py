"""A matter's dossier in words (事项档案): the document the PDF is printed from, and the zip of its
attachments. Wording and times as on the pages (Beijing time, the timeline's event names)."""
from __future__ import annotations

import io
import json
import zipfile

from engine.services.dossiers import Dossier
from render import StepState, render_flowchart
from render.document import Document, render_document

from .tables import rows_csv
from .web.formatting import field_text, file_size, local_time, money
from .web.timeline import timeline


def dossier_document(dossier: Dossier, role_names: dict) -> Document:
    matter, item, units = dossier.matter, dossier.item, dossier.units
    doc = Document(title=f"事项档案：{matter.subject}",
                   subtitle=f"{item.name}（{item.list_code or '-'}） · 事项编号 #{matter.id} · "
                            f"导出于 {local_time(dossier.exported_at)}（北京时间），"
                            f"导出人 {_name(dossier, dossier.exported_by)}",
                   footer=f"小微 · 事项 #{matter.id} 档案 · 审计链尾 #{dossier.chain_head.seq}")
    doc.heading("一、事项概况")
    doc.facts([("事项", f"{item.name}（{item.list_code or '-'}）"),
               ("村（乡镇）", f"{units.get(matter.village, matter.village)}"
                             f"（{units.get(matter.township, matter.township)}）"),
               ("状态", matter.status_name), ("结果", matter.outcome or "-"),
               ("金额", money(matter.amount) or "-"), ("发起人", _name(dossier, matter.created_by)),
               ("发起时间", local_time(matter.created_at)), ("结束时间", local_time(matter.ended_at)),
               ("政策依据", item.policy_basis or "-"), ("定义版本（sha256）", item.bundle_sha256),
               ("归档时间", local_time(matter.archived_at) if matter.archived_at else "未归档")])
    _process(doc, dossier, role_names)
    doc.heading("三、事项数据")
    fields = dossier.fields
    names = {a.id: a.name for a in dossier.attachments}
    doc.table(("项目", "内容"), [(fields.get(k, {}).get("label", k), _value(fields.get(k), v, names))
                                 for k, v in matter.data.items()], (40, 142))
    doc.heading("四、附件清单")
    doc.table(("文件", "大小", "上传人", "上传时间", "sha256"),
              [(a.name, file_size(a.size), a.uploaded_by, local_time(a.uploaded_at), a.sha256)
               for a in dossier.attachments] or [("（无附件）", "", "", "", "")], (40, 16, 26, 28, 72))
    doc.heading("五、审计链")
    doc.table(("序号", "时间", "事件", "本条哈希", "前一条哈希"),
              [(e.seq, e.at, e.event, e.hash, e.prev_hash) for e in dossier.events],
              (12, 40, 26, 52, 52))
    head = dossier.chain_head
    doc.text(f"导出时审计链共 {head.seq} 条记录，链尾哈希 {head.hash}。本档案所列每条记录的哈希均可用 "
             "xiaowei audit verify 或 GET /api/v1/audit/verify 对照整条审计链核验：记录若被改动或删除，哈希即不相符。")
    doc.appendix_pdfs.append(_flowchart(dossier, role_names))
    return doc


def _process(doc: Document, dossier: Dossier, role_names: dict) -> None:
    doc.heading("二、办理过程")
    rows = []
    for entry in timeline(dossier.events, dossier.fields, role_names, dossier.people):
        changes = "；".join(f"{c['label']}：{_shown(c)}" for c in entry["changes"])
        rows.append((entry["seq"], local_time(entry["at"]), _who(entry), f"{entry['what']} {entry['detail']}".strip(),
                     changes))
    doc.table(("序号", "时间", "办理人", "事项", "填报数据"), rows, (12, 28, 30, 50, 62))


def _name(dossier: Dossier, login: str) -> str:
    name = dossier.people.get(login, login)
    return name if name == login else f"{name}（{login}）"


def _who(entry: dict) -> str:
    """A person's name with the login name the audit chain records (evidence names both)."""
    name, login = entry["actor_name"], entry["actor"]
    return name if name == login or login == "system" else f"{name}（{login}）"


def _shown(change: dict) -> str:
    after = "、".join(change["after"]) if change["is_file"] and isinstance(change["after"], list) else change["after"]
    return f"{change['before']} → {after}" if change["before"] else str(after)


def _value(field, value, names: dict) -> str:
    if field and field["type"] == "file" and isinstance(value, list):
        return "、".join(names.get(v, v) for v in value)
    if field:
        return field_text(field, value)
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)


def _flowchart(dossier: Dossier, role_names: dict) -> bytes:
    overlay = {element: StepState(**state) for element, state in dossier.states.items()}
    return render_flowchart(dossier.bpmn, "pdf", process_id=dossier.matter.process_key, overlay=overlay,
                            role_names=role_names, parameters=dossier.matter.params)


def dossier_pdf(dossier: Dossier, role_names: dict) -> bytes:
    return render_document(dossier_document(dossier, role_names))


def attachments_zip(dossier: Dossier) -> bytes:
    """Every attachment under its own name (a repeated name gets its id), and a list with sha256."""
    out, used = io.BytesIO(), set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        lines = ["文件\tsha256\t大小（字节）\t上传人\t上传时间（北京时间）"]
        for a in dossier.attachments:
            name = a.name if a.name not in used else f"{a.id}-{a.name}"
            used.add(name)
            archive.writestr(name, dossier.contents[a.sha256])
            lines.append(f"{name}\t{a.sha256}\t{a.size}\t{a.uploaded_by}\t{local_time(a.uploaded_at)}")
        archive.writestr("附件清单.txt", "\n".join(lines) + "\n")
        # A list (table field) is data, not a file: the archive keeps it whole as CSV beside the files.
        data = dossier.matter.data or {}
        for name, field in dossier.fields.items():
            if field["type"] == "table" and isinstance(data.get(name), list):
                archive.writestr(f"清册-{field['label']}.csv", rows_csv(field, data[name]))
    return out.getvalue()
