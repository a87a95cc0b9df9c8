"""Liveness, readiness and metrics: for process supervisors, load balancers and Prometheus.
No login: /healthz and /readyz tell nothing private; /metrics is limited by address or token."""
from flask import Response, request
from flask.views import MethodView

from engine.errors import Forbidden
from engine.services import health

from ..metrics import exposition
from ..observe import metrics_allowed
from ..schemas import LivenessSchema, ReadinessSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("health", __name__, url_prefix="", description="运行状态（健康检查、就绪检查、监控指标）")


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, LivenessSchema)
    def get(self):
        """The process is alive and answering (asks nothing of the database)"""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="not ready: the failing checks say why")
    def get(self):
        """Ready to serve: the database answers, its schema is current, a timer worker polled recently"""
        report = health.readiness(ctx())
        return report, 200 if report["ready"] else 503


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.doc(responses={"200": {"description": "Prometheus text format"},
                        "403": {"description": "not an allowed address (XIAOWEI_METRICS_ALLOW) nor the token"}})
    def get(self):
        """Prometheus metrics (allowed addresses, or the bearer token of XIAOWEI_METRICS_TOKEN)"""
        if not metrics_allowed(ctx().settings, request.remote_addr, request.headers.get("Authorization")):
            raise Forbidden("监控指标只对允许的地址开放（XIAOWEI_METRICS_ALLOW）或凭令牌读取（XIAOWEI_METRICS_TOKEN）")
        body, content_type = exposition(health.operational_figures(ctx()))
        return Response(body, content_type=content_type)
