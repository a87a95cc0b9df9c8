from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from engine.services import identity

from ..actors import bearer_token, current_actor
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="登录与令牌")


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()
    username = fields.String()


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
