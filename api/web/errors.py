"""Error pages in Chinese. A domain error raised by a service becomes a page with its message;
anything unexpected is logged with its traceback and shown as a plain apology, never the trace."""
from __future__ import annotations

import logging

from flask import redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from engine.errors import (Conflict, DefinitionError, Forbidden, InvalidData, NotFound, TooManyAttempts,
                           Unauthenticated, XiaoweiError)

from ..errors import http_error
from ..public.errors import routing_error
from .blueprint import bp

log = logging.getLogger("xiaowei.web")

# (error class, status, page heading); the first match wins.
DOMAIN_PAGES = [(NotFound, 404, "找不到该页面或事项"), (Forbidden, 403, "没有权限"),
                (Conflict, 409, "办理冲突"), (InvalidData, 422, "提交的数据有误"),
                (DefinitionError, 422, "流程定义有误"), (TooManyAttempts, 429, "操作过于频繁")]
HTTP_HEADINGS = {400: "请求有误", 404: "找不到该页面", 405: "不支持此操作", 413: "上传的文件过大",
                 429: "操作过于频繁"}
HTTP_MESSAGES = {400: "请求格式有误，请返回重试。", 404: "您访问的地址不存在，请检查链接是否正确。",
                 405: "此页面不支持这种操作。", 413: "一次提交的文件过大，请压缩或分次上传（每个文件不超过 10 MB）。"}


def error_page(status: int, heading: str, message: str, errors: dict | None = None):
    try:
        return render_template("error.html", status=status, heading=heading, message=message,
                               errors=errors or {}), status
    except Exception:  # noqa: BLE001 - the error page itself failed: answer in plain text, still no trace
        log.exception("error page failed")
        return f"{heading}：{message}", status, {"Content-Type": "text/plain; charset=utf-8"}


@bp.errorhandler(XiaoweiError)
def _domain(exc: XiaoweiError):
    if isinstance(exc, Unauthenticated):
        return redirect(url_for("web.login", next=request.full_path if request.method == "GET" else None))
    for cls, status, heading in DOMAIN_PAGES:
        if isinstance(exc, cls):
            return error_page(status, heading, exc.message, exc.errors)
    return error_page(400, "请求有误", exc.message, exc.errors)


@bp.errorhandler(CSRFError)
def _csrf(exc: CSRFError):
    return error_page(400, "页面已过期",
                      "表单校验码无效或已过期（可能页面停留过久，或来自其他网站）。请返回、刷新页面后重新提交。")


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return error_page(exc.code or 500, HTTP_HEADINGS.get(exc.code, "请求未能完成"),
                      HTTP_MESSAGES.get(exc.code, "请求未能完成，请返回重试。"))


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled error on a web page")
    return error_page(500, "服务器内部错误", "服务器出了点问题，已记录下来。请稍后重试，或联系管理员。")


def register_site_pages(app) -> None:
    """Unknown addresses and methods outside /api get a page; under /api they keep the API's JSON
    shape (api/errors.py), under /public the portal's look. Routing errors happen before any
    blueprint is chosen, hence app level."""
    def _routing(exc: HTTPException):
        if request.path == "/api" or request.path.startswith("/api/"):
            return http_error(exc)
        if request.path == "/public" or request.path.startswith("/public/"):
            return routing_error(exc)          # the portal's own page: no login links
        return error_page(exc.code, HTTP_HEADINGS[exc.code], HTTP_MESSAGES[exc.code])
    app.register_error_handler(RouteNotFound, _routing)
    app.register_error_handler(MethodNotAllowed, _routing)
