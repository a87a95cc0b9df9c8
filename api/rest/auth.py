from flask import request
from flask.views import MethodView

from engine.services import identity

from ..actors import bearer_token, current_actor
from ..schemas import LoginSchema, TokenSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌")


@blp.route("/token")
class Token(MethodView):
    @blp.arguments(LoginSchema)
    @blp.response(201, TokenSchema)
    @blp.doc(security=[])
    def post(self, body):
        """Log in: a bearer token that expires (8 hours by default); failed logins are throttled"""
        return identity.login(ctx(), body["username"], body["password"], address=request.remote_addr)

    @blp.response(204)
    def delete(self):
        """Revoke the token this request carries"""
        identity.revoke_token(ctx(), current_actor(), bearer_token())
