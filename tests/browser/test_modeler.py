"""The browser modeler (issue 14, deliverable 5), in Debian's Chromium: a township administrator
opens an uploaded draft in bpmn-js, checks it and sees the lint errors marked on the step, gives
the step a time limit in the side form, is refused (the message names the step, which is marked,
and nothing typed is lost) for a malformed limit, fixes it, fills in the item's policy basis, saves:
the new draft is checked at once (a new lint error marked, fixed, saved again) and stored with what
was typed. A step's form and publicity point edited in the side form: a field added (after a bad
identifier and a duplicate are refused, naming them, with what was typed kept), made required, a
choice field refused until it has options, undo and redo, the publicity point moved to another
section, long-term, with the new field masked as its subject; an objection intake without its timer
refused by the save check; the stored draft reads to the engine as edited. A new item from the
template with its lane's role chosen. Every shipped item opens laid out, without a warning, with a
shape for every element of its diagram and every form field and publicity point in its (read-only)
side form, and bpmn-js's own saveXML of it reads the same to the engine. The page loads nothing from
elsewhere and breaks no Content-Security-Policy rule."""
from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from api.web.views.modeler import bpmn_js_version
from engine.services import Actor, definitions, identity
from tests.hostile.items import item
from tests.unit.test_modeler_roundtrip import _catalog as catalog, _facts as facts

from .test_walkthrough import Walk

pytestmark = [pytest.mark.browser, pytest.mark.skipif(
    bpmn_js_version() is None and not os.environ.get("CI"), reason="node_modules/bpmn-js is not installed (make setup)")]

SYSTEM = Actor.system()
ADMIN = "modeler_admin.qingshan_town"
BASIS = '<spiffworkflow:property name="policy_basis" value="《青山镇村务管理办法（测试）》" />'.encode()


@pytest.fixture
def admin(site):
    identity.create_user(site.ctx, SYSTEM, ADMIN, "青山镇管理员", "xiaowei-demo")
    identity.grant_role(site.ctx, SYSTEM, ADMIN, "TOWNSHIP_ADMIN", "qingshan_town")
    return ADMIN


def watch(page) -> list[str]:
    """Console errors, page errors and requests to other hosts, collected while the test runs (the
    refused save's 422, which Chromium logs as a failed load, is the answer the test expects)."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and "status of 422" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"request elsewhere: {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    return problems


def opened(page, problems=()) -> None:
    try:
        expect(page.locator("#canvas[data-ready=true]")).to_have_count(1)
    except AssertionError:
        raise AssertionError(f"the modeler did not open: {page.locator('#status').text_content()!r}, "
                             f"{list(problems)}") from None


def step(page, element_id: str):
    return page.locator(f'g.djs-element[data-element-id="{element_id}"]')


def latest(ctx, key: str) -> dict:
    """The newest stored version of an item: {id, state, info, files}."""
    with ctx.uow(readonly=True) as uow:
        version = uow.definitions.versions(key)[0]
        return {"id": version.id, "state": version.state, "info": version.info, "files": dict(version.files)}


def test_an_administrator_edits_a_draft_in_the_modeler(site, desktop, screenshots, tmp_path, admin):
    (draft,) = definitions.upload_definition(site.ctx, SYSTEM, "qingshan_town", "hostile_item.bpmn",
                                             item().replace(BASIS, b""))
    page = desktop
    problems = watch(page)
    walk = Walk(page, site, screenshots, tmp_path)
    walk.login(admin)
    walk.open("/authoring?township=qingshan_town", "authoring")
    page.locator("main").get_by_role("link", name="在建模器中编辑").click()
    expect(page).to_have_url(re.compile(rf"/authoring/hostile_item/versions/{draft.version_id}/model$"))
    opened(page, problems)
    expect(page.locator("#status")).to_have_text("已打开，可以编辑")
    assert page.locator("g.djs-shape").count() >= 5            # laid out on opening: the upload had no diagram
    walk.shot("opened")

    # the stored draft's check: its findings marked on the step, with their messages beside it
    page.get_by_role("button", name="检查本版本").click()
    expect(page.locator("#report-card")).to_be_visible()
    expect(page.locator("#report-summary")).to_contain_text("有 1 个错误")       # no policy basis; no limit: a warning
    expect(step(page, "review")).to_have_class(re.compile(r"\blint-error\b"))
    expect(page.locator('.lint-note[data-element="review"]')).to_have_count(2)
    expect(page.locator('.lint-note.error[data-element="review"]')).to_contain_text("政策依据")
    expect(page.locator('.lint-note.warning[data-element="review"]')).to_contain_text("时限")
    walk.shot("checked")

    # a malformed time limit: refused, naming the step; the editor keeps what was typed
    step(page, "review").click()
    expect(page.locator("#properties h2")).to_contain_text("审核（review）")
    page.fill('#properties [name="deadline"]', "三天")
    page.locator('#properties [name="deadline"]').press("Tab")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("review")
    expect(page.locator("#status")).to_contain_text("时限")
    expect(step(page, "review")).to_have_class(re.compile(r"\blint-error\b"))
    assert latest(site.ctx, "hostile_item")["id"] == draft.version_id          # nothing stored
    walk.shot("refused")

    # the refused step is selected, its form open with what was typed; fixed: three days, and the
    # item's policy basis in the process form
    expect(page.locator("#properties h2")).to_contain_text("审核（review）")
    expect(page.locator('#properties [name="deadline"]')).to_have_value("三天")
    page.fill('#properties [name="deadline"]', "P3D")
    page.locator('#properties [name="deadline"]').press("Tab")
    page.locator('#properties [name="supervision"]').check()
    page.get_by_role("button", name="事项信息").click()
    expect(page.locator("#properties h2")).to_have_text("事项")
    page.fill('#properties [name="policy_basis"]', "《青山镇村务管理办法》第五条")
    page.locator('#properties [name="policy_basis"]').press("Tab")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("已保存为草稿")
    # a supervision point of an item that handles money must declare separation of duties: the
    # check of the saved draft marks it on the step; separated from whoever started the matter, it passes
    expect(page.locator("#status")).to_contain_text("已保存为草稿")
    expect(page.locator("#report-summary")).to_contain_text("有 1 个错误")
    expect(page.locator('.lint-note.error[data-element="review"]')).to_contain_text("职责分离")
    expect(step(page, "review")).to_have_class(re.compile(r"\blint-error\b"))
    walk.shot("separation-missing")
    step(page, "review").click()
    page.fill('#properties [name="separate_from"]', "start")
    page.locator('#properties [name="separate_from"]').press("Tab")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#report-summary")).to_contain_text("没有错误")
    expect(page.locator(".lint-note")).to_have_count(0)
    expect(step(page, "review")).not_to_have_class(re.compile(r"\blint-error\b"))
    walk.shot("saved")

    stored = latest(site.ctx, "hostile_item")
    assert stored["id"] > draft.version_id + 1 and stored["state"] == "draft"      # two saves, two drafts
    expect(page).to_have_url(re.compile(rf"/authoring/hostile_item/versions/{stored['id']}/model$"))
    review = next(s for s in stored["info"]["steps"] if s["id"] == "review")
    assert review["deadline"] == "P3D" and review["supervision"] is True and review["separate_from"] == ["start"]
    assert stored["info"]["policy_basis"] == "《青山镇村务管理办法》第五条"
    assert review["form"] and stored["info"]["start_form"]                 # the forms came through the save
    assert problems == []


def test_every_shipped_item_opens_laid_out_and_saves_what_the_engine_reads(site, desktop, admin):
    page = desktop
    problems = watch(page)
    _login(page, site, admin)
    with site.ctx.uow(readonly=True) as uow:
        versions = [(v.process_key, v.id, v.info["file"], v.files[v.info["file"]])
                    for v in uow.definitions.list_current(files=True) if v.owner_org is None]
    assert len(versions) >= 27
    original, saved = {}, {}
    for key, version_id, file, text in versions:
        page.goto(f"{site.url}/authoring/{key}/versions/{version_id}/model")
        opened(page, problems)
        expect(page.locator("#status")).to_have_text("已打开（只读）")
        expected = text.count("<bpmndi:BPMNShape") + text.count("<bpmndi:BPMNEdge")
        drawn = page.evaluate("window.xiaoweiModeler.get('elementRegistry').filter(e => e.di && e.type !== 'label'"
                              " && !e.labelTarget && e.parent).length")
        assert drawn == expected, key
        assert page.get_by_role("button", name="保存为草稿").count() == 0
        # every element's side form is drawn (errors would be collected), forms and publicity read-only
        panels = page.evaluate(READ_ONLY_PANELS)
        assert panels == {"fields": text.count("<camunda:formField "), "points": text.count("<xiaowei:publish "),
                          "editable": 0}, key
        original[file] = text.encode("utf-8")
        saved[file] = page.evaluate("window.xiaoweiModeler.saveXML({format: true}).then(r => r.xml)").encode("utf-8")
    assert problems == []
    # what the modeler itself writes (bpmn-js's saveXML, the page's moddle extension and data names)
    # reads the same to the engine: the unit test does this with bpmn-moddle alone
    before, after = facts(catalog(original), original), facts(catalog(saved), saved)
    assert set(after) == set(before)
    for key in before:
        for part in before[key]:
            assert after[key][part] == before[key][part], f"{key}: {part} changed in the modeler's saveXML"


# Selects every element of the open diagram in turn and counts, over all of them, the form fields
# and publicity points its side form shows and the controls in those editors that are not disabled.
READ_ONLY_PANELS = """(() => {
  const modeler = window.xiaoweiModeler, selection = modeler.get('selection');
  const found = { fields: 0, points: 0, editable: 0 };
  modeler.get('elementRegistry').filter(e => e.type !== 'label').forEach(element => {
    selection.select(element);
    const panel = document.getElementById('properties');
    found.fields += panel.querySelectorAll('details.form-field').length;
    found.points += panel.querySelectorAll('fieldset.publish').length;
    found.editable += [ ...panel.querySelectorAll('.form-editor, .publicity-editor') ]
      .flatMap(s => [ ...s.querySelectorAll('input, select, button') ]).filter(c => !c.disabled).length;
  });
  selection.select(null);
  return found;
})()"""


def _login(page, site, username: str) -> None:
    page.goto(site.url + "/login")
    page.fill("#username", username)
    page.fill("#password", "xiaowei-demo")
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/tasks$"))


def test_a_new_item_from_the_template_with_its_lane_chosen_from_the_roles(site, desktop, screenshots, tmp_path, admin):
    page = desktop
    problems = watch(page)
    walk = Walk(page, site, screenshots, tmp_path)
    walk.login(admin)
    walk.open("/authoring?township=qingshan_town", "authoring")
    page.locator("main").get_by_role("link", name="新建事项（建模器）").click()
    opened(page, problems)
    expect(page.locator("#properties h2")).to_have_text("事项")
    page.fill('#properties [name="id"]', "qingshan_seal")
    page.locator('#properties [name="id"]').press("Tab")
    page.fill('#properties [name="name"]', "青山镇印章使用")
    page.locator('#properties [name="name"]').press("Tab")
    page.evaluate("(() => { const m = window.xiaoweiModeler;"
                  " m.get('selection').select(m.get('elementRegistry').get('VILLAGE_COMMITTEE')); })()")
    expect(page.locator("#properties h2")).to_contain_text("VILLAGE_COMMITTEE")
    page.select_option('#properties [name="role"]', "PARTY_BRANCH")
    expect(page.locator("#status")).to_contain_text("村党组织")
    # a publicity point on the end event, which has no extension elements yet (nor the file the
    # xiaowei namespace): the step's opinion, public
    step(page, "end").click()
    expect(page.locator("#properties h3")).to_have_text("公开（0 个公示点）")
    page.select_option('#properties [name="new-publish-section"]', "village_affairs")
    page.get_by_role("button", name="添加公示点").click()
    expect(page.locator("#status")).to_contain_text("请填写公示点的阶段")
    page.fill('#properties [name="new-publish-stage"]', "办结")
    page.get_by_role("button", name="添加公示点").click()
    page.select_option('#properties [name="new-entry-ref"]', "handling_opinion")
    page.get_by_role("button", name="添加公开字段").click()
    expect(page.locator('#properties li.publish-field[data-ref="handling_opinion"] [name="entry-class"]')).to_have_value("public")
    walk.shot("new-item")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("已保存为草稿")
    expect(page).to_have_url(re.compile(r"/authoring/qingshan_seal/versions/\d+/model$"))
    stored = latest(site.ctx, "qingshan_seal")
    assert stored["state"] == "draft" and stored["info"]["name"] == "青山镇印章使用"
    assert stored["info"]["lanes"] == {"PARTY_BRANCH": "村党组织"} and stored["info"]["start_role"] == "PARTY_BRANCH"
    (published,) = stored["info"]["publications"]
    assert (published["element"], published["section"], published["stage"]) == ("end", "village_affairs", "办结")
    assert [f["ref"] for f in published["fields"]] == ["handling_opinion"]
    assert problems == []


PUBLISHED_NOTE = ('<xiaowei:publish section="village_affairs" stage="审核">'
                  '<xiaowei:field ref="note" /></xiaowei:publish>')


FORM_FIELD = ("window.xiaoweiModeler.get('elementRegistry').get('review').businessObject.extensionElements"
              ".values.find(v => v.$type === 'camunda:FormData').fields.find(f => f.id === '%s')")


def panel_field(page, field_id: str):
    return page.locator(f'#properties details.form-field[data-field="{field_id}"]')


def add_field(page, field_id: str, label: str, kind: str) -> None:
    page.fill('#properties [name="new-field-id"]', field_id)
    page.fill('#properties [name="new-field-label"]', label)
    page.select_option('#properties [name="new-field-type"]', kind)
    page.get_by_role("button", name="添加字段").click()


def test_an_administrator_edits_a_steps_form_and_what_it_publishes(site, desktop, screenshots, tmp_path, admin):
    text = item(step_props=PUBLISHED_NOTE).replace(
        b'xmlns:camunda=', b'xmlns:xiaowei="https://xiaowei.example/bpmn/disclosure" xmlns:camunda=')
    (draft,) = definitions.upload_definition(site.ctx, SYSTEM, "qingshan_town", "hostile_item.bpmn", text)
    page = desktop
    problems = watch(page)
    walk = Walk(page, site, screenshots, tmp_path)
    walk.login(admin)
    page.goto(f"{site.url}/authoring/hostile_item/versions/{draft.version_id}/model")
    opened(page, problems)
    step(page, "start").click()
    expect(page.locator("#properties h3").first).to_have_text("发起表单（1 项）")
    step(page, "review").click()
    expect(page.locator("#properties h3").first).to_have_text("表单（1 项）")

    # a field id that is not an English identifier: refused, naming it; what was typed stays
    add_field(page, "Applicant Name", "申请人姓名", "string")
    expect(page.locator("#status")).to_contain_text("字段标识“Applicant Name”不合规")
    expect(page.locator('#properties [name="new-field-id"]')).to_have_value("Applicant Name")
    expect(page.locator('#properties [name="new-field-label"]')).to_have_value("申请人姓名")
    expect(page.locator("#properties details.form-field")).to_have_count(1)
    page.fill('#properties [name="new-field-id"]', "note")                   # the step has a `note` already
    page.get_by_role("button", name="添加字段").click()
    expect(page.locator("#status")).to_contain_text("本表单已有字段“note”")
    walk.shot("field-refused")
    page.fill('#properties [name="new-field-id"]', "applicant_name")
    page.get_by_role("button", name="添加字段").click()
    expect(page.locator("#status")).to_contain_text("已添加字段“申请人姓名”（applicant_name）")
    expect(page.locator('#properties [name="new-field-id"]')).to_have_value("")
    applicant = panel_field(page, "applicant_name")
    applicant.locator('[name="field-required"]').check()
    applicant.locator('[name="field-maxlength"]').fill("20")
    applicant.locator('[name="field-maxlength"]').press("Tab")
    expect(applicant.locator("summary")).to_contain_text("必填")

    # a new type drops the bounds it cannot have; a field removed is gone
    add_field(page, "scratch", "草稿字段", "string")
    scratch = panel_field(page, "scratch")
    scratch.locator('[name="field-maxlength"]').fill("5")
    scratch.locator('[name="field-maxlength"]').press("Tab")
    scratch.locator('[name="field-type"]').select_option("long")
    expect(scratch.locator('[name="field-min"]')).to_be_visible()
    assert page.evaluate(f"{FORM_FIELD % 'scratch'}.validation") is None
    scratch.get_by_role("button", name="删除字段").click()
    expect(page.locator("#properties details.form-field")).to_have_count(2)
    page.locator("#canvas svg").first.focus()                                 # the diagram's undo and redo keys
    page.keyboard.press("Control+z")
    expect(page.locator("#properties details.form-field")).to_have_count(3)
    page.keyboard.press("Control+y")
    expect(page.locator("#properties details.form-field")).to_have_count(2)

    # a choice without options is refused before anything is sent, naming the field
    add_field(page, "decision", "审核意见", "enum")
    decision = panel_field(page, "decision")
    decision.locator('[name="field-required"]').check()
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("单选字段“审核意见”（decision）没有选项")
    expect(step(page, "review")).to_have_class(re.compile(r"\blint-error\b"))
    assert latest(site.ctx, "hostile_item")["id"] == draft.version_id          # nothing stored
    for option, name in (("approve", "同意"), ("reject", "不同意")):
        decision.locator('[name="new-option-id"]').fill(option)
        decision.locator('[name="new-option-name"]').fill(name)
        decision.get_by_role("button", name="添加选项").click()
    expect(decision.locator("li.option")).to_have_count(2)
    decision.scroll_into_view_if_needed()
    walk.shot("options")
    # every change is one command of bpmn-js's stack: undone and redone like a move of a shape
    page.evaluate("window.xiaoweiModeler.get('commandStack').undo()")
    assert page.evaluate(f"{FORM_FIELD % 'decision'}.values.length") == 1
    page.evaluate("window.xiaoweiModeler.get('commandStack').redo()")
    assert page.evaluate(f"{FORM_FIELD % 'decision'}.values.length") == 2
    decision.get_by_role("button", name="上移").click()                     # before the applicant's name
    expect(page.locator("#properties details.form-field").nth(1)).to_have_attribute("data-field", "decision")

    # the publicity point: to 办事结果, long-term, the applicant's name masked as the record's subject
    point = page.locator('#properties fieldset.publish[data-publish="0"]')
    point.locator('[name="publish-section"]').select_option("service_result")
    point.locator('[name="publish-stage"]').fill("审核结果")
    point.locator('[name="publish-stage"]').press("Tab")
    point.locator('[name="publish-term"]').check()
    point.locator('[name="new-entry-ref"]').select_option("applicant_name")
    point.get_by_role("button", name="添加公开字段").click()
    entry = page.locator('#properties fieldset.publish[data-publish="0"] li.publish-field[data-ref="applicant_name"]')
    entry.locator('[name="entry-class"]').select_option("mask:name_partial")
    entry.locator('[name="entry-key"]').select_option("subject")
    point.locator('[name="new-entry-ref"]').select_option("decision")
    point.get_by_role("button", name="添加公开字段").click()

    # an objection intake without its publicity timer: the panel says so, the save check refuses it
    page.locator('#properties [name="objection_intake"]').check()
    expect(page.locator("#properties .hint.warning")).to_contain_text("中断型定时边界事件")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("review")
    expect(page.locator("#status")).to_contain_text("定时边界事件")
    assert latest(site.ctx, "hostile_item")["id"] == draft.version_id
    page.locator('#properties [name="objection_intake"]').uncheck()
    page.locator('#properties li.publish-field[data-ref="applicant_name"]').scroll_into_view_if_needed()
    walk.shot("form-and-publicity")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("#status")).to_contain_text("已保存为草稿")

    stored = latest(site.ctx, "hostile_item")
    assert stored["id"] > draft.version_id and stored["state"] == "draft"
    review = next(s for s in stored["info"]["steps"] if s["id"] == "review")
    form = {f["name"]: f for f in review["form"]}
    assert list(form) == ["note", "decision", "applicant_name"]
    assert form["applicant_name"]["label"] == "申请人姓名" and form["applicant_name"]["type"] == "string"
    assert form["applicant_name"]["required"] is True and form["applicant_name"]["maxlength"] == 20
    assert form["decision"]["type"] == "enum" and form["decision"]["required"] is True
    assert form["decision"]["options"] == [{"value": "approve", "label": "同意"}, {"value": "reject", "label": "不同意"}]
    assert form["note"]["required"] is False and review["objection_intake"] is False
    (published,) = review["publications"]
    assert (published["section"], published["stage"], published["long_term"]) == ("service_result", "审核结果", True)
    fields = {f["ref"]: f for f in published["fields"]}
    assert fields["applicant_name"] == {"ref": "applicant_name", "label": "申请人姓名", "class": "masked",
                                        "mask": "name_partial", "key": "subject", "document": False}
    assert fields["note"]["class"] == "public" and fields["decision"]["class"] == "public"
    # the stored file itself reads the same to the engine
    files = {name: data if isinstance(data, bytes) else data.encode("utf-8") for name, data in stored["files"].items()}
    again = catalog(files).processes["hostile_item"].as_dict()
    assert next(s for s in again["steps"] if s["id"] == "review") == review
    assert problems == []
