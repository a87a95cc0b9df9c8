"""Log lines as text or JSON (XIAOWEI_LOG_FORMAT), each carrying the id of the request it belongs to.

The id comes from the client's or the proxy's `X-Request-Id` (nginx: `proxy_set_header X-Request-Id
$request_id`), or is made here, is echoed in the response's `X-Request-Id`, and is put on every line
logged while the request runs, the engine's included (a ContextVar: each gunicorn thread or request
has its own). The timer worker marks its lines with the pass it is in (`timer-...`).
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from contextvars import ContextVar
from datetime import datetime, timezone

_request_id: ContextVar[str | None] = ContextVar("xiaowei_request_id", default=None)
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
HANDLER_NAME = "xiaowei"


def current_request_id() -> str | None:
    return _request_id.get()


def begin_request(offered: str | None) -> tuple[str, object]:
    """The request's id (the offered one if it is a sane token, else a new one) and a token to
    end it with. A client cannot inject log lines or JSON through it."""
    request_id = offered if offered and _ACCEPTABLE.match(offered) else uuid.uuid4().hex
    return request_id, _request_id.set(request_id)


def end_request(token) -> None:
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, and the
    traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name, "message": record.getMessage(),
                "request_id": getattr(record, "request_id", None) or _request_id.get()}
        for key in ("method", "path", "status", "duration_ms", "remote_addr"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """The root logger writes to stderr in the chosen format; called once per process (the
    command line, each gunicorn worker); calling it again replaces our handler, not adds one."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    root.setLevel(level)
    # SpiffWorkflow logs every task's every state change at INFO: some thirty lines per matter
    # of the benchmark flow, most of a server's log and ~3% of its CPU. What happened to a matter
    # is in its audit events; the engine's warnings and errors still come through.
    logging.getLogger("spiff").setLevel(max(level, logging.WARNING))


def gunicorn_log_config(log_format: str) -> dict:
    """gunicorn's own lines (its error log: start, workers booted and killed) in the same format.
    Its access log is off: the app logs every request itself, with the request id and latency."""
    chosen = {"()": "api.logs.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "api.logs.RequestIdFilter"}},
        "formatters": {"xiaowei": chosen},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "xiaowei",
                                 "filters": ["request_id"], "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
                    "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False}},
    }
