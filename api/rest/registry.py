from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from engine.services import orgs, registry

from ..actors import current_actor
from ..schemas import ParameterSchema, RoleSchema
from . import ctx

blp = Blueprint("registry", __name__, url_prefix="/api/v1", description="角色与乡镇参数")


class ParameterQuery(Schema):
    township = fields.String()


class ParameterValue(Schema):
    value = fields.Raw(required=True, metadata={"description": "a number, a fraction such as \"2/3\", or a list"})


@blp.route("/roles")
class Roles(MethodView):
    @blp.response(200, RoleSchema(many=True))
    def get(self):
        """The role registry (role codes are the lanes of the definitions)"""
        return registry.list_roles(ctx(), current_actor())


@blp.route("/parameters")
class Parameters(MethodView):
    @blp.arguments(ParameterQuery, location="query")
    @blp.response(200, ParameterSchema(many=True))
    def get(self, query):
        """Every parameter with its county default and, for a township, the value in force"""
        return registry.list_parameters(ctx(), current_actor(), query.get("township"))


@blp.route("/townships/<string:township>/parameters/<string:name>")
class TownshipParameter(MethodView):
    @blp.arguments(ParameterValue)
    @blp.response(200, ParameterSchema(many=True))
    def put(self, body, township, name):
        """Set a township's value of a parameter (never below its statutory floor); new matters only"""
        orgs.set_township_parameter(ctx(), current_actor(), township, name, body["value"])
        return registry.list_parameters(ctx(), current_actor(), township)
