from flask.views import MethodView

from engine.services import calendar

from ..actors import current_actor
from ..schemas import CalendarYearSchema
from . import ctx
from .blueprint import Blueprint

blp = Blueprint("calendar", __name__, url_prefix="/api/v1/calendar", description="节假日安排（工作日时限）")


@blp.route("/<int:year>")
class CalendarYear(MethodView):
    @blp.response(200, CalendarYearSchema)
    def get(self, year):
        """A year's statutory holidays and adjusted working days (404: not loaded, Monday to Friday count)"""
        return calendar.get_year(ctx(), current_actor(), year)

    @blp.arguments(CalendarYearSchema)
    @blp.response(200, CalendarYearSchema)
    def put(self, body, year):
        """Replace a year's arrangement (county administrators), e.g. when the State Council publishes it"""
        return calendar.set_year(ctx(), current_actor(), year, body["holidays"], body["workdays"], body["source"])
