"""The public pages: parse the address, one read-only service call, render; every page cacheable
(Cache-Control public, an ETag from the data version, 304 when unchanged) and cookie-free.

    /public                                       the directory: county -> township -> village, search
    /public/<village>                             a village's overview, its sections as tabs
    /public/<village>/power-list[/<key>]          权力清单: items in force, one item with its flowchart
    /public/<village>/projects[/<id>]             工程项目: projects, one project's stages in order
    /public/<village>/results[/<id>]              办事结果
    /public/<village>/assets[/<id>]               资产资源: the register, one lease or disposal
    /public/<village>/affairs[/<id>]              村务公开: other decisions
    /public/<village>/search?q=                   查找: the village's matters whose records name the words
    /public/<village>/publicity                   公示中: open periods, with the objection form
    POST /public/objections                       file an objection (signed form token, throttled)
    /public/<village>/documents/<record>/<file>   a document a record lists as public
    /public/<village>/board/<period>              公开栏: the notice board of a month or quarter, online
    /public/verify[/<code>]                       a printed entry's verification code checked
    /public/anchors                               the audit chain's daily anchors, and how to check
    /public/api/...                               the same data as JSON
    /public/<village>/complaints[/new]            群众诉求: the public cases and figures; 我要反映 (issue 11)
    POST /public/complaints                       file a complaint (signed form token, throttled): the 查询码
    /public/complaints/lookup (GET form, POST)    follow a case with its 查询码; POST /public/complaints/rate
"""
from __future__ import annotations

from dataclasses import asdict, fields, replace

from flask import jsonify, redirect, render_template, request, url_for

from engine.errors import Conflict, InvalidData, NotFound
from engine.services.public import board, catalogue, complaints, objections, records

from ..rest import ctx
from ..rest.attachments import download_response
from ..rest.flowcharts import chart_response
from .blueprint import bp
from .caching import DOCUMENT_MAX_AGE, VERIFY_MAX_AGE, cached, digest
from .tokens import form_token, read_token, sender, token_epoch

# Sections with a page of their own: address part -> section name in the records.
SECTION_PAGES = {"projects": "project", "results": "service_result", "assets": "asset", "affairs": "village_affairs"}
PAGE_OF_SECTION = {section: part for part, section in SECTION_PAGES.items()}


def _page(template: str, *shown, **values) -> str:
    """A page of the views `shown` (their fields as the template's names; nested views stay views)
    and `values`."""
    names = {f.name: getattr(view, f.name) for view in shown for f in fields(view)}
    return render_template(f"public/{template}", **names, **values)


def _json(view):
    """A view as JSON: plain data, the keys its fields'."""
    return jsonify(asdict(view))


@bp.route("")
def index():
    query, county = request.args.get("q", ""), request.args.get("county") or None
    return cached(catalogue.directory_version(ctx()), lambda: _page("index.html", catalogue.directory(ctx(), query, county)))


@bp.route("/<village>")
def village(village):
    return cached(records.version(ctx(), village), lambda: _page("village.html", records.overview(ctx(), village),
                                                                tab="overview"))


@bp.route("/<village>/power-list")
def power_list(village):
    return cached(records.version(ctx(), village), lambda: _page("power_list.html", catalogue.power_list(ctx(), village),
                                                                tab="power"))


@bp.route("/<village>/power-list/<key>")
def power_item(village, key):
    return cached(records.version(ctx(), village), lambda: _page("power_item.html",
                                                                catalogue.power_item(ctx(), village, key), tab="power"))


@bp.route("/<village>/power-list/<key>/flowchart.svg")
def flowchart(village, key):
    source = catalogue.item_flowchart_source(ctx(), village, key)
    return cached(source.etag, lambda: chart_response(source, "svg"), max_age=DOCUMENT_MAX_AGE)


@bp.route("/<village>/<any(projects, results, assets, affairs):part>")
def section(village, part):
    page = request.args.get("page", 1, type=int) or 1
    if part == "assets":
        return cached(records.version(ctx(), village), lambda: _page("assets.html", records.assets(ctx(), village, page),
                                                                    tab=part))
    return cached(records.version(ctx(), village), lambda: _page(
        "section.html", records.section(ctx(), village, SECTION_PAGES[part], page, with_records=False),
        tab=part, part=part))


@bp.route("/<village>/<any(projects, results, assets, affairs):part>/<int:matter_id>")
def matter(village, part, matter_id):
    return cached(records.version(ctx(), village), lambda: _page(
        "matter.html", records.matter(ctx(), village, SECTION_PAGES[part], matter_id), tab=part, part=part))


@bp.route("/<village>/search")
def search(village):
    query = request.args.get("q", "")
    try:
        return cached(records.version(ctx(), village), lambda: _page(
            "search.html", records.search(ctx(), village, query), parts=PAGE_OF_SECTION, errors={}))
    except InvalidData as exc:           # the form again, saying what is wrong with the words
        return _page("search.html", replace(records.search(ctx(), village, ""), query=query), parts=PAGE_OF_SECTION,
                     errors=exc.errors), 422


@bp.route("/<village>/publicity")
def publicity(village):
    # The page's forms carry tokens made this hour: the hour is part of its tag.
    version = f"{records.version(ctx(), village)}.{token_epoch()}"
    return cached(version, lambda: _publicity_page(village))


def _publicity_page(village: str, errors: dict | None = None, values: dict | None = None, failed: int | None = None):
    found = records.publicity(ctx(), village)
    tokens = {p.id: form_token(village, objections.period_of(p)) for p in found.periods}
    return _page("publicity.html", found, tab="publicity", tokens=tokens, errors=errors or {}, values=values or {},
                 failed=failed, received=request.args.get("received", type=int))


@bp.route("/objections", methods=["POST"])
def file_objection():
    form = request.form
    token = read_token(form.get("token", ""))
    if token is None:
        raise Conflict("表单已过期或无效，请刷新公示页面后重新填写")
    village, period = token["v"], token["p"]
    record_id = int(period.split("@")[0]) if period.split("@")[0].isdigit() else 0
    values = {k: form.get(k, "") for k in ("text", "name", "phone")}
    try:
        objections.file_objection(ctx(), village, record_id, period, source=sender(), **values)
    except InvalidData as exc:
        body = _publicity_page(village, exc.errors, values, record_id)
        return body, 422, {"Cache-Control": "no-store"}
    return redirect(url_for("public.publicity", village=village, received=record_id, _anchor=f"notice-{record_id}"), 303)


@bp.route("/<village>/documents/<int:record_id>/<attachment_id>")
def document(village, record_id, attachment_id):
    meta, content = records.document(ctx(), village, record_id, attachment_id)
    return cached(meta.sha256, lambda: _public_download(meta, content), max_age=DOCUMENT_MAX_AGE)


def _public_download(meta, content: bytes):
    response = download_response(meta, content)
    del response.headers["Cache-Control"]       # the evidence download's private, no-store: a public file here
    return response


# -- the same data as JSON ----------------------------------------------------------------------
@bp.route("/api/villages")
def api_villages():
    return cached(catalogue.directory_version(ctx()), lambda: _json(catalogue.directory(
        ctx(), request.args.get("q"), request.args.get("county") or None)))


@bp.route("/api/<village>/<any(projects, results, assets, affairs):part>")
def api_section(village, part):
    page = request.args.get("page", 1, type=int) or 1
    if part == "assets":
        return cached(records.version(ctx(), village), lambda: _json(records.assets(ctx(), village, page)))
    return cached(records.version(ctx(), village),
                  lambda: _json(records.section(ctx(), village, SECTION_PAGES[part], page)))


@bp.route("/api/<village>/publicity")
def api_publicity(village):
    return cached(records.version(ctx(), village), lambda: _json(records.publicity(ctx(), village)))


@bp.route("/api/<village>/power-list")
def api_power_list(village):
    return cached(records.version(ctx(), village), lambda: _json(catalogue.power_list(ctx(), village)))


# -- 群众诉求 (issue 11): cases, figures, filing, following with the 查询码 -----------------------------
COMPLAINT_FORM = "complaint"          # what the form token of the filing form names


@bp.route("/<village>/complaints")
def village_complaints(village):
    version = f"{records.version(ctx(), village)}.{complaints.version(ctx(), village)}"
    return cached(version, lambda: _page("complaints.html", complaints.public_cases(ctx(), village), tab="complaints"))


@bp.route("/<village>/complaints/new")
def complaint_form(village):
    version = f"{records.version(ctx(), village)}.{token_epoch()}"
    return cached(version, lambda: _complaint_form(village))


def _complaint_form(village: str, errors: dict | None = None, values: dict | None = None):
    return _page("complaint_new.html", tab="complaints", village=catalogue.village(ctx(), village),
                 token=form_token(village, COMPLAINT_FORM), errors=errors or {}, values=values or {},
                 categories=complaints.CATEGORIES)


@bp.route("/complaints", methods=["POST"])
def file_complaint():
    form = request.form
    token = read_token(form.get("token", ""))
    if token is None or token["p"] != COMPLAINT_FORM:
        raise Conflict("表单已过期或无效，请刷新页面后重新填写")
    values = {k: form.get(k, "") for k in ("category", "content", "concerned_matter", "about_cadre",
                                           "publish_consent", "name", "phone")}
    photos = [(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename]
    try:
        filed = complaints.file_public_complaint(ctx(), token["v"], values, photos, source=sender())
    except InvalidData as exc:
        return _complaint_form(token["v"], exc.errors, values), 422, {"Cache-Control": "no-store"}
    return _page("complaint_filed.html", filed, tab="complaints"), 200, {"Cache-Control": "no-store"}


@bp.route("/complaints/lookup")
def complaint_lookup_form():
    return cached(token_epoch(), lambda: _page("complaint_lookup.html", village=None, errors={}, case=None))


@bp.route("/complaints/lookup", methods=["POST"])
def complaint_lookup():
    code = request.form.get("code", "")
    try:
        case = complaints.lookup(ctx(), code, source=sender())
    except (InvalidData, NotFound) as exc:
        errors = exc.errors or {"code": exc.message}
        return _page("complaint_lookup.html", village=None, errors=errors, case=None, code=code), \
            422 if isinstance(exc, InvalidData) else 404, {"Cache-Control": "no-store"}
    return _page("complaint_lookup.html", village=None, errors={}, case=case, code=code), 200, \
        {"Cache-Control": "no-store"}


@bp.route("/complaints/rate", methods=["POST"])
def complaint_rate():
    code = request.form.get("code", "")
    try:
        case = complaints.rate_online(ctx(), code, request.form.get("rating", ""), request.form.get("note", ""),
                                      source=sender())
    except (InvalidData, Conflict) as exc:
        errors = exc.errors or {"rating": exc.message}
        case = None if "code" in errors else complaints.lookup(ctx(), code, source=sender())
        return _page("complaint_lookup.html", village=None, errors=errors, case=case, code=code), 422, \
            {"Cache-Control": "no-store"}
    return _page("complaint_lookup.html", village=None, errors={}, case=case, code=code, rated=True), 200, \
        {"Cache-Control": "no-store"}


@bp.route("/api/<village>/complaints")
def api_complaints(village):
    version = f"{records.version(ctx(), village)}.{complaints.version(ctx(), village)}"
    return cached(version, lambda: _json(complaints.public_cases(ctx(), village)))


# -- the notice board (一栏), verification codes, audit anchors -----------------------------------
PART_OF_SECTION = {section: part for part, section in SECTION_PAGES.items()}


def _board_version(village: str, period: str) -> str:
    return f"{records.version(ctx(), village)}.{board.anchors_version(ctx())}.{period}.{board.current_period()}"


@bp.route("/<village>/board/<period>")
def board_page(village, period):
    return cached(_board_version(village, period), lambda: _page(
        "board.html", board.board(ctx(), village, period), tab="board", periods=board.periods(ctx(), village)))


@bp.route("/verify")
def verify_form():
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("public.verify_page", code=code[:40]), 303)
    return cached(board.anchors_version(ctx()), lambda: _page("verify.html", result=None))


@bp.route("/verify/<code>")
def verify_page(code):
    # The tag is the answer's own digest: an UPDATE made behind the system's back changes no data
    # version, but it changes this answer, so no cache may keep saying "一致".
    result = board.verify(ctx(), code)
    return cached(digest(asdict(result)), lambda: _page("verify.html", result=result,
                                                        part=PART_OF_SECTION.get(getattr(result, "section", None))),
                  max_age=VERIFY_MAX_AGE)


@bp.route("/anchors")
def anchors_page():
    return cached(board.anchors_version(ctx()), lambda: _page("anchors.html", board.anchors(ctx())))


@bp.route("/api/<village>/board/<period>")
def api_board(village, period):
    return cached(_board_version(village, period), lambda: jsonify(_without_parts(asdict(board.board(ctx(), village, period)))))


@bp.route("/api/verify/<code>")
def api_verify(code):
    result = asdict(board.verify(ctx(), code))
    return cached(digest(result), lambda: jsonify(result), max_age=VERIFY_MAX_AGE)


@bp.route("/api/anchors")
def api_anchors():
    return cached(board.anchors_version(ctx()), lambda: _json(board.anchors(ctx())))


def _without_parts(found: dict) -> dict:
    """The JSON board (the board's plain data) lists each entry once, with where it goes: part,
    timing and heading."""
    placed = [{**entry, "part": part["key"], "timing": group["timing"], "heading": group["heading"]}
              for part in found["parts"] for group in part["groups"] for entry in group["entries"]]
    return {**{k: v for k, v in found.items() if k not in ("parts", "entries")}, "entries": placed}
