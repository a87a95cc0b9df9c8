"""The flask-smorest Blueprint every REST module uses: request bodies read by our JSON reader
(api/untrusted_input.py), form fields free of NUL, and pagination by page number (the first pages)
or by cursor (engine/store/keyset.py)."""
from __future__ import annotations

import json
from copy import deepcopy
from functools import wraps
from urllib.parse import urlencode

import flask_smorest
from flask import current_app, request
from flask_smorest.utils import unpack_tuple_response
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from ..schemas import MAX_PAGE, PageMetadataSchema, PageParameters, page_parameters_schema  # noqa: F401 - MAX_PAGE: tests
from ..untrusted_input import UnusableJson, loads, unstorable_text


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


PAGE_HEADERS = {
    "X-Pagination": {"description": "Pagination metadata", "schema": PageMetadataSchema},
    "Link": {"description": 'the next page: <...&after=CURSOR>; rel="next" (absent on the last page)',
             "schema": {"type": "string"}},
}


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = RequestParser()
    PAGINATION_ARGUMENTS_PARSER = RequestParser()

    def arguments(self, schema, *args, **kwargs):
        """flask-smorest's, with a schema class made an instance once here: webargs would build
        one from the class on every request (marshmallow schemas keep nothing between loads)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)

    def paginate(self, pager=None, *, page_size: int = 10, max_page_size: int = 100):
        """Pagination inside the view (flask-smorest's, without a pager), by page number within the
        first MAX_OFFSET rows or by cursor (`after`). The view passes `pagination_parameters.page`,
        `.page_size` and `.after` to its service and sets `item_count` to the total it answers (a
        Count: its `next_cursor` goes into X-Pagination and the Link header)."""
        if pager is not None:
            raise TypeError("lists are paged in the database, not by a pager")
        schema = page_parameters_schema(page_size, max_page_size)
        status_code = self.PAGINATION_ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS

        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                parameters = self.PAGINATION_ARGUMENTS_PARSER.parse(schema, request, location="query")
                result, status, headers = unpack_tuple_response(current_app.ensure_sync(func)(
                    *args, pagination_parameters=parameters, **kwargs))
                return result, status, {**(headers or {}), **_page_headers(parameters)}

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
            wrapper._apidoc["pagination"] = {"parameters": {"in": "query", "schema": schema},
                                             "response": {status_code: "UNPROCESSABLE_ENTITY"}}
            return wrapper
        return decorator

    def _document_pagination_metadata(self, spec, resp_doc):
        resp_doc.setdefault("headers", {}).update(deepcopy(PAGE_HEADERS))


def _page_headers(parameters: PageParameters) -> dict:
    """X-Pagination (with next_cursor) and, when a page follows, the Link to it: the same query
    with `after`, without `page`."""
    total = parameters.item_count
    metadata = flask_smorest.Blueprint._make_pagination_metadata(parameters.page, parameters.page_size, total)
    if parameters.after is not None:             # a page by cursor has no number
        for name in ("page", "previous_page", "next_page"):
            metadata.pop(name, None)
    cursor = getattr(total, "next_cursor", None)
    headers = {}
    if cursor:
        metadata["next_cursor"] = cursor
        query = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "after")]
        headers["Link"] = f'<{request.script_root}{request.path}?{urlencode([*query, ("after", cursor)])}>; rel="next"'
    headers["X-Pagination"] = json.dumps(metadata)
    return headers


# A list's total past COUNT_CAP is a lower bound (engine/store/repositories.Count); this header
# says so, and X-Pagination's total and last page are then "at least".
TOTAL_EXACT = {"X-Total-Exact": {"description": "false when the list holds more matches than were counted "
                                                "(1,000): X-Pagination's total is then a lower bound",
                                 "schema": {"type": "string", "enum": ["true", "false"]}}}


def page_of(items: list, total, pagination_parameters):
    """A paginated view's answer: the items, with the total in X-Pagination and X-Total-Exact."""
    pagination_parameters.item_count = total
    return items, 200, {"X-Total-Exact": "true" if getattr(total, "exact", True) else "false"}
