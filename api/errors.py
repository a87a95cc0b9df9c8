"""One error shape for the whole API: {code, status, message, errors}.

Domain errors carry their own Chinese message; each class maps to one status. Anything
unexpected is logged with its traceback and answered with a plain 500, never a stack trace."""
from __future__ import annotations

import logging

from flask import jsonify
from werkzeug.exceptions import HTTPException

from engine.errors import (Conflict, DefinitionError, Forbidden, InvalidData, NotFound, TooManyAttempts,
                           Unauthenticated, XiaoweiError)
from render.errors import RenderError

log = logging.getLogger("xiaowei.api")

STATUS = [(NotFound, 404, "Not Found"), (Conflict, 409, "Conflict"),
          (InvalidData, 422, "Unprocessable Entity"), (DefinitionError, 422, "Unprocessable Entity"),
          (Forbidden, 403, "Forbidden"), (Unauthenticated, 401, "Unauthorized"),
          (TooManyAttempts, 429, "Too Many Requests")]


def error_body(code: int, status: str, message: str, errors: dict | None = None):
    body = {"code": code, "status": status, "message": message}
    if errors:
        body["errors"] = _text_keys(errors)
    return jsonify(body), code


def _text_keys(errors):
    """Messages keyed by text only. marshmallow keys an unknown field by None when the field's
    name is unusable (a form part named by a bare newline), and JSON, written with sorted keys,
    cannot order None among strings: the error answer itself would fail with a 500."""
    if isinstance(errors, dict):
        return {("_unknown" if key is None else str(key)): _text_keys(value) for key, value in errors.items()}
    if isinstance(errors, (list, tuple)):
        return [_text_keys(value) for value in errors]
    return errors


HTTP_MESSAGES = {400: "请求格式有误", 401: "需要登录", 403: "没有权限", 404: "找不到请求的资源",
                 405: "不支持此请求方法", 409: "状态冲突", 413: "请求内容过大", 422: "请求数据有误",
                 429: "请求过于频繁"}


def http_error(exc: HTTPException):
    """flask-smorest's and werkzeug's HTTP errors in our shape, with a message always present."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("messages") if isinstance(data, dict) else None
    return error_body(exc.code, exc.name, HTTP_MESSAGES.get(exc.code, exc.name), errors)


def register_error_handlers(app) -> None:
    @app.errorhandler(XiaoweiError)
    def _domain(exc: XiaoweiError):
        for cls, code, status in STATUS:
            if isinstance(exc, cls):
                body, code = error_body(code, status, exc.message, exc.errors)
                if isinstance(exc, TooManyAttempts):
                    body.headers["Retry-After"] = str(exc.retry_after)
                if isinstance(exc, Unauthenticated):
                    body.headers["WWW-Authenticate"] = "Bearer"
                return body, code
        return error_body(400, "Bad Request", exc.message, exc.errors)

    @app.errorhandler(RenderError)
    def _render(exc: RenderError):
        # The chart of a definition that cannot be drawn (its BPMN, its overlay): the input's fault,
        # named in the message, not a server failure.
        log.warning("flowchart not drawn: %s", exc)
        return error_body(422, "Unprocessable Entity", f"流程图无法绘制：{exc}")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return http_error(exc)
        log.exception("unhandled error")
        return error_body(500, "Internal Server Error", "服务器内部错误，已记录，请稍后重试")
