from flask.views import MethodView

from engine.services import identity, orgs

from ..actors import current_actor
from ..schemas import GrantSchema, UnitSchema, UserSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="单位、用户与角色")


@blp.route("/orgs")
class Units(MethodView):
    @blp.response(200, UnitSchema(many=True))
    def get(self):
        """Organisation units (county -> township -> village)"""
        return orgs.list_units(ctx(), current_actor())

    @blp.arguments(UnitSchema)
    @blp.response(201, UnitSchema)
    def post(self, body):
        """Add a township (county administrator) or a village (its township's administrator)"""
        return orgs.add_unit(ctx(), current_actor(), body["code"], body["name"], body["level"], body["parent_code"])


@blp.route("/users")
class Users(MethodView):
    @blp.response(200, UserSchema(many=True))
    def get(self):
        """Users holding roles in the administrator's scope"""
        return identity.list_users(ctx(), current_actor())

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, body):
        """Create a user (administrators)"""
        return identity.create_user(ctx(), current_actor(), body["username"], body["display_name"], body["password"])


@blp.route("/users/<string:username>/grants")
class Grants(MethodView):
    @blp.arguments(GrantSchema)
    @blp.response(200, UserSchema)
    def post(self, body, username):
        """Grant a role in a unit (an administrator of that unit or above)"""
        return identity.grant_role(ctx(), current_actor(), username, body["role"], body["org"])

    @blp.arguments(GrantSchema)
    @blp.response(200, UserSchema)
    def delete(self, body, username):
        """Revoke a role in a unit"""
        return identity.revoke_role(ctx(), current_actor(), username, body["role"], body["org"])
