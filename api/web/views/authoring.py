"""特色清单管理: a township administrator's drafts and versions of its special-list items, with
check (规则检查), publish, withdraw, upload and the diff between two versions."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import Conflict, DefinitionError, Forbidden, InvalidData, NotFound
from engine.services import definitions, parameters, registry
from engine.services.definition_views import TownshipRef

from ...rest import ctx
from ..blueprint import bp
from ..pages import actor, done, page


def _township(townships: list[TownshipRef]) -> str | None:
    wanted = request.values.get("township")
    codes = [t.code for t in townships]
    return wanted if wanted in codes else (codes[0] if codes else None)


def _page(status: int = 200, **values):
    townships = definitions.administered_townships(ctx(), actor())
    township = values.pop("township", None) or _township(townships)
    items = definitions.township_items(ctx(), actor(), township) if township else []
    county_items = [i for group in definitions.list_processes(ctx(), actor()) for i in group.items
                    if i.owner_org is None] if townships else []
    roles = [r for r in registry.list_roles(ctx(), actor(), township) if r.township] if township else []
    own = [p for p in parameters.list_parameters(ctx(), actor(), township) if p.township] if township else []
    return page("authoring.html", status, townships=townships, township=township, items=items,
                county_items=county_items, township_roles=roles, township_parameters=own,
                levels=registry.TOWNSHIP_ROLE_LEVELS, values=values.pop("values", {}),
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
    done("已上传为草稿：" + "、".join(f"{s.name}（版本 {s.version_id}）" for s in stored) + "。检查无误后即可发布。")
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


@bp.route("/authoring/roles", methods=["POST"])
def authoring_role():
    township = request.form.get("township", "")
    form = {k: request.form.get(k, "") for k in ("code", "name", "level")}
    try:
        role = registry.define_township_role(ctx(), actor(), township, form["code"].strip().upper(), form["name"],
                                             form["level"])
    except InvalidData as exc:
        return _page(422, township=township, values={"role": form}, errors={f"role_{k}": v for k, v in exc.errors.items()})
    except (Forbidden, NotFound) as exc:
        return _page(403, township=township, errors={"form": exc.message})
    done(f"已登记本乡镇角色“{role.name}”（{role.code}），可在本乡镇的特色清单事项中作为泳道使用，并授予本乡镇人员。")
    return redirect(url_for("web.authoring", township=township) + "#roles")


PARAMETER_FIELDS = ("name", "label", "type", "min", "max", "value", "unit")


@bp.route("/authoring/parameters", methods=["POST"])
def authoring_parameter():
    township = request.form.get("township", "")
    form = {k: request.form.get(k, "").strip() for k in PARAMETER_FIELDS}
    try:
        numbers = {k: _number(form[k], k) for k in ("min", "max", "value")}
        parameter = parameters.define_township_parameter(
            ctx(), actor(), township, form["name"], form["label"], "integer", numbers["min"], numbers["max"],
            numbers["value"], form["unit"] or None)
    except InvalidData as exc:
        return _page(422, township=township, values={"parameter": form},
                     errors={f"parameter_{k}": v for k, v in exc.errors.items()} or {"parameter_name": exc.message})
    except (Forbidden, NotFound) as exc:
        return _page(403, township=township, errors={"form": exc.message})
    done(f"已设置本乡镇参数“{parameter.label}”（{parameter.name}），"
         f"本乡镇特色清单事项可用 days({parameter.name}) 等方式读取。")
    return redirect(url_for("web.authoring", township=township) + "#parameters")


def _number(text: str, field: str) -> int:
    try:
        return int(text)
    except ValueError:
        words = {"min": "下限", "max": "上限", "value": "取值"}[field]
        raise InvalidData("参数有误", {field: f"{words}应为整数"}) from None
