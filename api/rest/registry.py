from flask.views import MethodView

from engine.services import parameters, registry

from ..actors import current_actor
from ..schemas import (ParameterDefinitionSchema, ParameterQuery, ParameterSchema, ParameterValueSchema,
                       RoleDefinitionSchema, RoleQuery, RoleSchema)
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("registry", __name__, url_prefix="/api/v1", description="角色与乡镇参数")


@blp.route("/roles")
class Roles(MethodView):
    @blp.arguments(RoleQuery, location="query")
    @blp.response(200, RoleSchema(many=True))
    def get(self, query):
        """The role registry (role codes are the lanes of the definitions); with `township`, its own roles too"""
        return registry.list_roles(ctx(), current_actor(), query.get("township"))


@blp.route("/townships/<string:township>/roles")
class TownshipRoles(MethodView):
    @blp.arguments(RoleDefinitionSchema)
    @blp.response(201, RoleSchema)
    def post(self, body, township):
        """Declare a role for the township's own special-list items (township administrators); it cannot change afterwards"""
        return registry.define_township_role(ctx(), current_actor(), township, body["code"], body["name"], body["level"])


@blp.route("/parameters")
class Parameters(MethodView):
    @blp.arguments(ParameterQuery, location="query")
    @blp.response(200, ParameterSchema(many=True))
    def get(self, query):
        """Every parameter with its county default and, for a township, the value in force"""
        return parameters.list_parameters(ctx(), current_actor(), query.get("township"))


@blp.route("/townships/<string:township>/parameters")
class TownshipParameters(MethodView):
    @blp.arguments(ParameterDefinitionSchema)
    @blp.response(201, ParameterSchema)
    def post(self, body, township):
        """Declare a parameter for the township's own special-list items (township administrators)"""
        return parameters.define_township_parameter(
            ctx(), current_actor(), township, body["name"], body["label"], body["type"], body["min"], body["max"],
            body["value"], body.get("unit"))


@blp.route("/townships/<string:township>/parameters/<string:name>")
class TownshipParameter(MethodView):
    @blp.arguments(ParameterValueSchema)
    @blp.response(200, ParameterSchema(many=True))
    def put(self, body, township, name):
        """Set a township's value of a parameter (within its floor and ceiling); new matters only"""
        return parameters.set_township_parameter(ctx(), current_actor(), township, name, body["value"])
