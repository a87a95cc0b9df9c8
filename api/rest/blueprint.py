"""The flask-smorest Blueprint every REST module uses: request bodies read by our JSON reader
(api/untrusted_input.py), form fields free of NUL, and page numbers with an upper bound."""
from __future__ import annotations

import flask_smorest
from marshmallow import validate
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from ..untrusted_input import UnusableJson, loads, unstorable_text

# Past this page the offset ((page - 1) * page_size) could outgrow a database integer; no list
# of matters or steps comes near it (100 000 pages of 100).
MAX_PAGE = 100_000


class RequestParser(FlaskParser):
    """webargs' parser reads JSON with the standard library; ours refuses what we cannot store."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        if not body:
            return core.missing            # as webargs: no body is a missing body (422 if required)
        try:
            return loads(body)
        except UnusableJson as exc:
            abort(400, exc=exc, messages={"json": [exc.message]})

    def load_form(self, req, schema):
        if unstorable_text([*req.form.keys(), *(v for _, v in req.form.items(multi=True))]):
            abort(400, messages={"form": ["表单中有无法保存的字符（NUL）"]})
        return super().load_form(req, schema)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = RequestParser()
    PAGINATION_ARGUMENTS_PARSER = RequestParser()

    def paginate(self, pager=None, **kwargs):
        """flask-smorest's pagination, with `page` bounded by MAX_PAGE. Its schema class is made
        per decorator and kept in the endpoint's doc; the bound goes onto that class's field, so
        the OpenAPI document shows it too (tests/hostile check both)."""
        decorate = super().paginate(pager, **kwargs)

        def decorator(func):
            wrapper = decorate(func)
            page = wrapper._apidoc["pagination"]["parameters"]["schema"]._declared_fields["page"]
            page.validators.append(validate.Range(min=1, max=MAX_PAGE, error=f"页码应为 1 到 {MAX_PAGE} 之间的整数"))
            return wrapper
        return decorator


# A list's total past COUNT_CAP is a lower bound (engine/store/repositories.Count); this header
# says so, and X-Pagination's total and last page are then "at least".
TOTAL_EXACT = {"X-Total-Exact": {"description": "false when the list holds more matches than were counted "
                                                "(1,000): X-Pagination's total is then a lower bound",
                                 "schema": {"type": "string", "enum": ["true", "false"]}}}


def page_of(items: list, total, pagination_parameters):
    """A paginated view's answer: the items, with the total in X-Pagination and X-Total-Exact."""
    pagination_parameters.item_count = total
    return items, 200, {"X-Total-Exact": "true" if getattr(total, "exact", True) else "false"}
