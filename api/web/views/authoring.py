"""特色清单管理: a township administrator's drafts and versions of its special-list items, with
check (规则检查), publish, withdraw, upload and the diff between two versions."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import Conflict, DefinitionError, Forbidden, InvalidData
from engine.services import definitions

from ...rest import ctx
from ..blueprint import bp
from ..pages import actor, done, page


def _township(townships: list[dict]) -> str | None:
    wanted = request.values.get("township")
    codes = [t["code"] for t in townships]
    return wanted if wanted in codes else (codes[0] if codes else None)


def _page(status: int = 200, **values):
    townships = definitions.administered_townships(ctx(), actor())
    township = values.pop("township", None) or _township(townships)
    items = definitions.township_items(ctx(), actor(), township) if township else []
    county_items = [i for group in definitions.list_processes(ctx(), actor()) for i in group["items"]
                    if i["owner_org"] is None] if townships else []
    return page("authoring.html", status, townships=townships, township=township, items=items,
                county_items=county_items,
                report=values.pop("report", None), errors=values.pop("errors", {}), **values)


@bp.route("/authoring")
def authoring():
    return _page()


@bp.route("/authoring/upload", methods=["POST"])
def authoring_upload():
    upload = request.files.get("file")
    township = request.form.get("township", "")
    if upload is None or not upload.filename:
        return _page(422, township=township, errors={"file": "请选择一个 BPMN 文件"})
    try:
        stored = definitions.upload_definition(ctx(), actor(), township, upload.filename, upload.read())
    except DefinitionError as exc:
        return _page(422, township=township, errors={"file": exc.message})
    except (InvalidData, Forbidden) as exc:
        return _page(422 if isinstance(exc, InvalidData) else 403, township=township, errors={"file": exc.message})
    done("已上传为草稿：" + "、".join(f"{s['name']}（版本 {s['version_id']}）" for s in stored) + "。检查无误后即可发布。")
    return redirect(url_for("web.authoring", township=township))


@bp.route("/authoring/<key>/<int:version_id>", methods=["POST"])
def authoring_act(key, version_id):
    action, township = request.form.get("action"), request.form.get("township")
    try:
        if action == "check":
            return _page(township=township, report=definitions.check_version(ctx(), actor(), key, version_id))
        if action == "publish":
            definitions.publish_version(ctx(), actor(), key, version_id)
            done(f"版本 {version_id} 已发布：新发起的事项按此版本办理，在办事项仍按原版本办完。")
        elif action == "withdraw":
            definitions.withdraw_version(ctx(), actor(), key, version_id, request.form.get("reason", ""))
            done(f"版本 {version_id} 已撤回：不能再发起新的事项，在办事项照常办完。")
        else:
            return _page(422, township=township, errors={"form": "请选择检查、发布或撤回"})
    except InvalidData as exc:
        report = {"key": key, "version_id": version_id, "ok": False,
                  "findings": exc.errors.get("findings", []), "message": exc.message}
        return _page(422, township=township, report=report if "findings" in exc.errors else None,
                     errors={"form": exc.message, **{k: v for k, v in exc.errors.items() if k != "findings"}})
    except (Conflict, Forbidden) as exc:
        return _page(409 if isinstance(exc, Conflict) else 403, township=township, errors={"form": exc.message})
    return redirect(url_for("web.authoring", township=township))


@bp.route("/authoring/<key>/diff")
def authoring_diff(key):
    try:
        first, second = int(request.args.get("from", "")), int(request.args.get("to", ""))
    except ValueError:
        return _page(422, errors={"form": "请选择要比较的两个版本"})
    if not (0 < first < 2**31 and 0 < second < 2**31):
        return _page(422, errors={"form": "请选择要比较的两个版本"})
    return page("authoring_diff.html", diff=definitions.diff_versions(ctx(), actor(), key, first, second),
                township=request.args.get("township"))
