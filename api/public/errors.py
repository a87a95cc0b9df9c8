"""Error pages of the portal, in Chinese, in the portal's own look (no login links, no session):
a domain error shows its message; anything unexpected is logged and shown as a plain apology."""
from __future__ import annotations

import logging

from flask import render_template
from werkzeug.exceptions import HTTPException

from engine.errors import Conflict, InvalidData, NotFound, TooManyAttempts, XiaoweiError

from .blueprint import bp

log = logging.getLogger("xiaowei.public")

DOMAIN_PAGES = [(NotFound, 404, "找不到该页面"), (Conflict, 409, "请刷新页面"),
                (InvalidData, 422, "提交的内容有误"), (TooManyAttempts, 429, "提交过于频繁")]
HTTP_PAGES = {404: ("找不到该页面", "您访问的地址不存在，请从首页选择村查看。"),
              405: ("不支持此操作", "此页面不支持这种操作。"), 413: ("提交的内容过大", "请缩短后再提交。")}


def public_error(status: int, heading: str, message: str):
    try:
        body = render_template("public/error.html", status=status, heading=heading, message=message)
    except Exception:  # noqa: BLE001 - the error page itself failed: plain text, still no trace
        log.exception("public error page failed")
        body = f"{heading}：{message}"
    # Errors are not cached: the next request may well succeed.
    return body, status, {"Cache-Control": "no-store"}


def routing_error(exc: HTTPException):
    heading, message = HTTP_PAGES.get(exc.code, ("请求未能完成", "请返回重试。"))
    return public_error(exc.code or 400, heading, message)


@bp.errorhandler(XiaoweiError)
def _domain(exc: XiaoweiError):
    for cls, status, heading in DOMAIN_PAGES:
        if isinstance(exc, cls):
            body, status, headers = public_error(status, heading, exc.message)
            if isinstance(exc, TooManyAttempts):
                headers["Retry-After"] = str(exc.retry_after)
            return body, status, headers
    return public_error(400, "请求有误", exc.message)


@bp.errorhandler(HTTPException)
def _http(exc: HTTPException):
    return routing_error(exc)


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    log.exception("unhandled error on a public page")
    return public_error(500, "服务器内部错误", "服务器出了点问题，已记录下来，请稍后再试。")
