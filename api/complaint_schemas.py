"""marshmallow schemas of the complaints API (issue 11): field names English, values may be Chinese."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.vocabulary import COMPLAINT_CATEGORIES, ComplaintStatus

from .schemas import _aware_time


class ReporterSchema(Schema):
    name = fields.String(validate=validate.Length(max=50), metadata={"description": "optional: anonymous is allowed"})
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=200))


class ComplaintCreateSchema(Schema):
    village = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "the start form of complaint_handling: category (finance|project|assets|relief|conduct|other), "
                       "content, channel (portal|wechat|phone|visit|letter), concerned_matter, about_cadre, "
                       "publish_consent, photos (attachment ids from POST /api/v1/attachments)"})
    reporter = fields.Nested(ReporterSchema, load_default=dict,
                             metadata={"description": "kept apart; only the discipline office sees it"})


class ComplaintCreatedSchema(Schema):
    id = fields.Integer()
    number = fields.String()
    status = fields.String()
    village = fields.String()
    category = fields.String()
    matter_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime()
    lookup_code = fields.String(metadata={"description": "查询码: give it to the villager; it is shown only this once"})


class ComplaintQuerySchema(Schema):
    village = fields.String(validate=validate.Length(max=64))
    township = fields.String(validate=validate.Length(max=64))
    status = fields.String(validate=validate.OneOf(tuple(ComplaintStatus)))
    category = fields.String(validate=validate.OneOf(tuple(COMPLAINT_CATEGORIES)))


class ComplaintSummarySchema(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True)
    village = fields.String()
    village_name = fields.String()
    township = fields.String()
    category = fields.String()
    category_name = fields.String()
    channel = fields.String()
    channel_name = fields.String()
    status = fields.String()
    status_name = fields.String()
    handler_level = fields.String(allow_none=True)
    handler_name = fields.String(allow_none=True)
    rating = fields.String(allow_none=True)
    rating_name = fields.String(allow_none=True)
    supervisions = fields.Integer()
    matter_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime()
    answer_due = fields.DateTime(allow_none=True)
    concluded = fields.Boolean()


class LinkSchema(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True)
    matter_id = fields.Integer(allow_none=True)


class SupervisionOrderSchema(Schema):
    number = fields.String()
    overdue_step = fields.String()
    handler_role = fields.String()
    issuer_role = fields.String()
    issuer_org = fields.String()
    previous_due = fields.DateTime(allow_none=True)
    new_due = fields.DateTime(allow_none=True)
    issued_at = fields.DateTime()
    matter_id = fields.Integer()


class ComplaintSchema(ComplaintSummarySchema):
    content = fields.String()
    concerned_matter = fields.String(allow_none=True)
    about_cadre = fields.Boolean()
    publish_consent = fields.Boolean()
    public_summary = fields.String(allow_none=True)
    answer = fields.String(allow_none=True)
    handler_unit = fields.String(allow_none=True)
    accept_due = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    rated_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    registered_at = fields.DateTime(allow_none=True)
    outcome = fields.String(allow_none=True)
    reopened = fields.Boolean()
    reviewed = fields.Boolean()
    created_by = fields.String()
    created_by_name = fields.String()
    merged_into = fields.Nested(LinkSchema, allow_none=True)
    merged = fields.List(fields.Nested(LinkSchema))
    supervision_orders = fields.List(fields.Nested(SupervisionOrderSchema))
    reporter_visible = fields.Boolean()
    reporter = fields.Nested(ReporterSchema, allow_none=True,
                             metadata={"description": "null unless the caller is the discipline office"})


class MergeSchema(Schema):
    into = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "the main case's id"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class MergedSchema(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True)
    status = fields.String()
    merged_into = fields.Nested(LinkSchema)


class StatisticsQuerySchema(Schema):
    org = fields.String(validate=validate.Length(max=64),
                        metadata={"description": "a village, township or county code (default: all in reach)"})
    start = _aware_time("received at or after this time")
    end = _aware_time("received before this time")


class CategoryCountSchema(Schema):
    category = fields.String()
    name = fields.String()
    count = fields.Integer()


class FiguresSchema(Schema):
    received = fields.Integer()
    answered = fields.Integer()
    on_time = fields.Integer()
    overdue = fields.Integer()
    closed = fields.Integer()
    closure_rate = fields.Float(allow_none=True, metadata={"description": "办结率, percent"})
    rated = fields.Integer()
    satisfied = fields.Integer()
    satisfaction = fields.Float(allow_none=True, metadata={"description": "percent of rated cases"})
    supervisions = fields.Integer()
    reopened = fields.Integer()
    repeat = fields.Integer()
    categories = fields.List(fields.Nested(CategoryCountSchema))


class UnitFiguresSchema(FiguresSchema):
    code = fields.String()
    name = fields.String()


class ScopeSchema(Schema):
    code = fields.String(allow_none=True)
    name = fields.String()
    level = fields.String(allow_none=True)


class PeriodSchema(Schema):
    start = fields.DateTime(allow_none=True, attribute="from", data_key="from")
    end = fields.DateTime(allow_none=True, attribute="to", data_key="to")


class StatisticsSchema(Schema):
    scope = fields.Nested(ScopeSchema)
    period = fields.Nested(PeriodSchema)
    generated_at = fields.DateTime()
    totals = fields.Nested(FiguresSchema)
    group_level = fields.String()
    group_level_name = fields.String()
    by_unit = fields.List(fields.Nested(UnitFiguresSchema))
