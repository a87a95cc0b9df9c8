"""The browser modeler (issue 14, deliverable 5): bpmn-js's prebuilt modeler, installed by the
set-up from the npm registry into node_modules/ (package-lock.json pins it) and served from here,
never from a CDN. A township administrator opens a version of the township's item (or a new one
from a one-step template), edits it with the conventions' properties in the side form, and saves
it as a new draft, which is checked at once; the check's findings are marked on the diagram.
A county item opens read-only, for reference."""
from __future__ import annotations

import json
from dataclasses import asdict
import os
from functools import lru_cache
from pathlib import Path

from flask import abort, jsonify, request, send_from_directory, url_for
from flask_wtf.csrf import generate_csrf

from engine.definitions import CATEGORIES
from engine.disclosure import KEYS, SECTIONS
from engine.errors import Conflict, DefinitionError, Forbidden, InvalidData, NotFound
from engine.forms import FIELD_TYPE_NAMES
from engine.masking import RULE_NAMES
from engine.services import definitions
from render.bpmndi import diagram_problems, with_diagram

from ...rest import ctx
from ..blueprint import bp
from ..pages import actor, page

ROOT = Path(__file__).resolve().parents[3]
STATIC = Path(__file__).resolve().parents[1] / "static" / "modeler"
# The files of bpmn-js's distribution the page loads; nothing else under node_modules is served.
VENDOR_FILES = ("bpmn-modeler.production.min.js", "assets/diagram-js.css", "assets/bpmn-js.css",
                "assets/bpmn-font/css/bpmn.css", "assets/bpmn-font/font/bpmn.woff2",
                "assets/bpmn-font/font/bpmn.woff", "assets/bpmn-font/font/bpmn.ttf",
                "assets/bpmn-font/font/bpmn.eot", "assets/bpmn-font/font/bpmn.svg")
YEAR = 365 * 24 * 3600
MISSING = ("建模器的前端文件（bpmn-js）尚未安装：请在服务器上运行 make setup（scripts/bootstrap.sh 用 npm ci "
           "按 package-lock.json 安装），然后重新打开本页。已有事项仍可在“特色清单管理”页上传 BPMN 文件。")


def _bpmn_js() -> Path:
    return Path(os.environ.get("XIAOWEI_NODE_MODULES") or ROOT / "node_modules") / "bpmn-js"


def bpmn_js_version() -> str | None:
    """The installed bpmn-js's version, or None when the set-up has not installed it."""
    base = _bpmn_js()
    if not (base / "dist" / VENDOR_FILES[0]).is_file():
        return None
    try:
        return json.loads((base / "package.json").read_text("utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None


NEW_ITEM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
                  id="defs_new_item" targetNamespace="https://xiaowei.example/processes">
  <bpmn:process id="new_item" name="新建事项" isExecutable="true">
    <bpmn:extensionElements>
      <spiffworkflow:properties>
        <spiffworkflow:property name="list_code" value="" />
        <spiffworkflow:property name="category" value="村务管理" />
        <spiffworkflow:property name="policy_basis" value="" />
      </spiffworkflow:properties>
    </bpmn:extensionElements>
    <bpmn:laneSet id="lanes_new_item">
      <bpmn:lane id="VILLAGE_COMMITTEE" name="村民委员会">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>handle</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="发起" />
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="handle" />
    <bpmn:userTask id="handle" name="办理">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="deadline" value="P5D" />
        </spiffworkflow:properties>
        <camunda:formData>
          <camunda:formField id="handling_opinion" label="办理意见" type="string">
            <camunda:validation><camunda:constraint name="required" /></camunda:validation>
          </camunda:formField>
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_end" sourceRef="handle" targetRef="end" />
    <bpmn:endEvent id="end" name="办结" />
  </bpmn:process>
</bpmn:definitions>
"""


def laid_out(text: str, file: str) -> tuple[str, bool]:
    """The text with a generated diagram (BPMNDI) when it has none or an incomplete one, and whether
    it was laid out here; a file the layout cannot place opens as it is (the modeler says why)."""
    try:
        if diagram_problems(text.encode("utf-8"), file):
            return with_diagram(text.encode("utf-8"), file).decode("utf-8"), True
    except Exception:  # noqa: BLE001 - the import in the browser names what it cannot draw
        pass
    return text, False


@bp.route("/vendor/bpmn-js/<version>/<path:name>")
def vendor_bpmn_js(version, name):
    # The version is in the address, so the files may be cached for a year: a new bpmn-js has new addresses.
    if name not in VENDOR_FILES or version != bpmn_js_version():
        abort(404)
    response = send_from_directory(_bpmn_js() / "dist", name, max_age=YEAR)
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    return response


# The moddle extensions the page registers (tests/modeler/roundtrip.mjs reads the same files): the
# item and step properties, the forms (camunda:formData) and the publicity points (xiaowei:publish),
# so they are typed elements a side form can edit, and bpmn-js writes them back as they were read.
DESCRIPTORS = ("spiffworkflow", "camunda", "xiaowei")


@lru_cache(maxsize=1)
def _descriptors() -> dict:
    return {name: json.loads((STATIC / f"{name}.json").read_text("utf-8")) for name in DESCRIPTORS}


def _words() -> dict:
    """The words of the form and publicity editors: field types, the portal's sections, the masking
    rules and the keys, from the engine's own tables so the page offers what the check accepts."""
    return {"types": FIELD_TYPE_NAMES, "sections": SECTIONS, "masks": RULE_NAMES, "keys": KEYS}


def _modeler_page(source: dict, township: str | None, status: int = 200):
    version = bpmn_js_version()
    data = {"xml": source["xml"], "editable": source["editable"], "township": township,
            "file": source["file"].replace("\\", "/").split("/")[-1], "key": source.get("key"),
            "version_id": source.get("version_id"),
            "roles": [asdict(role) for role in definitions.modeler_roles(ctx(), township)],
            "categories": list(CATEGORIES), "descriptors": _descriptors(), "words": _words(),
            "save_url": url_for("web.modeler_save"), "csrf": generate_csrf(),
            "model_url": url_for("web.modeler", key="KEY", version_id=0).replace("/KEY/", "/{key}/")
                                                                      .replace("/0/", "/{version}/")}
    return page("modeler.html", status, source=source, township=township, bpmn_js=version,
                missing=None if version else MISSING, data=data)


@bp.route("/authoring/<key>/versions/<int:version_id>/model")
def modeler(key, version_id):
    source = asdict(definitions.version_source(ctx(), actor(), key, version_id))    # the page's own copy, laid out
    source["xml"], source["laid_out"] = laid_out(source["xml"], source["file"])
    return _modeler_page(source, source["township"] or request.args.get("township"))


@bp.route("/authoring/model/new")
def modeler_new():
    townships = definitions.administered_townships(ctx(), actor())
    codes = [t.code for t in townships]
    township = request.args.get("township")
    township = township if township in codes else (codes[0] if codes else None)
    if township is None:
        raise Forbidden("新建特色清单事项需要乡镇或县级管理员")
    source = {"xml": laid_out(NEW_ITEM, "new_item.bpmn")[0], "editable": True, "file": "new_item.bpmn",
              "key": None, "version_id": None, "name": "新建事项", "state_name": "未保存",
              "laid_out": False, "township": township}
    return _modeler_page(source, township)


@bp.route("/authoring/model/save", methods=["POST"])
def modeler_save():
    body = request.get_json(silent=True) or {}
    township, xml, file = body.get("township"), body.get("xml"), str(body.get("file") or "item.bpmn")
    if not isinstance(township, str) or not isinstance(xml, str) or not xml.strip():
        return jsonify({"ok": False, "message": "没有收到要保存的流程图"}), 422
    if "\x00" in xml:
        return jsonify({"ok": False, "message": "流程图含有无法保存的字符"}), 422
    if not file.lower().endswith(".bpmn"):
        file += ".bpmn"
    try:
        saved = definitions.save_model(ctx(), actor(), township, file, xml)
    except DefinitionError as exc:
        return jsonify({"ok": False, "message": exc.message, "element": exc.element, "problem": exc.problem,
                        "line": exc.line}), 422
    except (InvalidData, Conflict) as exc:
        return jsonify({"ok": False, "message": exc.message}), 422 if isinstance(exc, InvalidData) else 409
    except (Forbidden, NotFound) as exc:
        return jsonify({"ok": False, "message": exc.message}), 403 if isinstance(exc, Forbidden) else 404
    main = saved.stored[0]
    return jsonify({"ok": True, "stored": [asdict(s) for s in saved.stored], "report": asdict(saved.report),
                    "model_url": url_for("web.modeler", key=main.key, version_id=main.version_id),
                    "message": f"已保存为草稿：{main.name}（版本 {main.version_id}），检查结果见下。"})


@bp.route("/authoring/<key>/versions/<int:version_id>/check.json", methods=["POST"])
def modeler_check(key, version_id):
    try:
        return jsonify({"ok": True, "report": asdict(definitions.check_version(ctx(), actor(), key, version_id))})
    except (Forbidden, NotFound) as exc:
        return jsonify({"ok": False, "message": exc.message}), 403 if isinstance(exc, Forbidden) else 404
