"""What every request leaves behind: its id (in the logs and the `X-Request-Id` answer header),
one access log line, and its latency in the metrics; and who may read /metrics."""
from __future__ import annotations

import hmac
import ipaddress
import logging
import time

from flask import g, request

from engine import committed

from .logs import begin_request, end_request
from .metrics import instruments

access_log = logging.getLogger("xiaowei.access")
QUIET_ROUTES = {"/healthz", "/readyz", "/metrics"}      # probed every few seconds: debug level only


def init_app(app) -> None:
    counters = instruments()
    committed.listen(counters.count_committed)
    counters.count_sql(app.extensions["xiaowei"].database.engine)

    @app.before_request
    def _begin():
        g.request_started = time.perf_counter()
        g.request_id, g.request_id_token = begin_request(request.headers.get("X-Request-Id"))

    @app.after_request
    def _finish(response):
        if "request_started" not in g:          # a request refused before our first hook ran
            return response
        elapsed = time.perf_counter() - g.request_started
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        counters.request_seconds.labels(request.method, route).observe(elapsed)
        counters.requests.labels(request.method, route, str(response.status_code)).inc()
        response.headers["X-Request-Id"] = g.request_id
        access_log.log(logging.DEBUG if route in QUIET_ROUTES else logging.INFO,
                       "%s %s %s %.1f ms", request.method, request.path, response.status_code, elapsed * 1000,
                       extra={"method": request.method, "path": request.path, "status": response.status_code,
                              "duration_ms": round(elapsed * 1000, 1), "remote_addr": request.remote_addr})
        return response

    @app.teardown_request
    def _end(_exc):
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                end_request(token)
            except ValueError:                  # reset from another context: nothing to undo there
                pass


def metrics_allowed(settings, remote_addr: str | None, authorization: str | None) -> bool:
    """The bearer token of XIAOWEI_METRICS_TOKEN from anywhere, or an address in
    XIAOWEI_METRICS_ALLOW (behind a proxy, the client's address as XIAOWEI_TRUSTED_PROXIES trusts it)."""
    if settings.metrics_token and authorization and hmac.compare_digest(
            authorization.encode(), f"Bearer {settings.metrics_token}".encode()):
        return True
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False) for allowed in settings.metrics_allow)
