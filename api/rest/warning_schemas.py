"""Schemas of the supervision endpoints: warnings (预警), kinship registers, statistics (考核)."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.vocabulary import Severity, WarningStatus

from ..schemas import _aware_time


class HistoryEntrySchema(Schema):
    at = fields.String()
    actor = fields.String()
    action = fields.String(metadata={"description": "raised|updated|reopened|cleared|dismissed|assigned|answered|"
                                                    "returned|verified|closed|escalated"})
    note = fields.String()


class WarningSchema(Schema):
    id = fields.Integer()
    rule = fields.String(metadata={"description": "R1..R22 of processes/redlines.toml"})
    rule_name = fields.String()
    rule_description = fields.String()
    check = fields.String()
    severity = fields.String(metadata={"description": "high|medium|low"})
    severity_name = fields.String()
    status = fields.String()
    status_name = fields.String()
    village = fields.String()
    township = fields.String()
    instance_ids = fields.List(fields.Integer(), attribute="matters", metadata={"description": "the matters it names"})
    text = fields.String(metadata={"description": "what the supervisor reads, in Chinese"})
    evidence = fields.Dict()
    first_seen_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    cleared_at = fields.DateTime(allow_none=True, metadata={"description": "the rule no longer finds it"})
    assigned_unit = fields.String(allow_none=True)
    assigned_due = fields.DateTime(allow_none=True)
    overdue = fields.Boolean()
    escalation_level = fields.Integer()
    history = fields.List(fields.Nested(HistoryEntrySchema))


class WarningQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf([s.value for s in WarningStatus]))
    severity = fields.String(validate=validate.OneOf([s.value for s in Severity]))
    rule = fields.String(validate=validate.Length(max=16))
    village = fields.String(validate=validate.Length(max=64))
    township = fields.String(validate=validate.Length(max=64))
    instance_id = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1), data_key="instance_id",
                                 attribute="matter_id")
    active = fields.Boolean(metadata={"description": "only open, assigned, answered or verified ones"})
    overdue = fields.Boolean(metadata={"description": "only 交办 past its deadline"})
    seen_from = _aware_time("first seen at or after this time")
    seen_before = _aware_time("first seen before this time")


class DismissSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class AssignSchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "the village or township that must answer"})
    due = fields.Date(required=True, metadata={"description": "the deadline (end of that Beijing day)"})
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class AnswerSchema(Schema):
    answer = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class VerifySchema(Schema):
    accepted = fields.Boolean(required=True)
    note = fields.String(load_default=None, validate=validate.Length(max=2000))


class CloseSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class RelatedPartySchema(Schema):
    id = fields.Integer(dump_only=True)
    village = fields.String(dump_only=True)
    cadre = fields.String(required=True, validate=validate.Length(min=1, max=100))
    party = fields.String(required=True, validate=validate.Length(min=1, max=100),
                          metadata={"description": "a person or a company"})
    relation = fields.String(required=True, validate=validate.Length(min=1, max=50))
    added_by = fields.String(dump_only=True)
    added_at = fields.DateTime(dump_only=True)


class StatisticsQuerySchema(Schema):
    period = fields.String(load_default="month", validate=validate.OneOf(("month", "quarter", "year")))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    number = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12),
                            metadata={"description": "month 1-12 or quarter 1-4 (not for a year)"})
    township = fields.String(validate=validate.Length(max=64))
    village = fields.String(validate=validate.Length(max=64))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "csv", "xlsx")))

    @validates_schema
    def _number(self, data, **kwargs):
        if data.get("period") in ("month", "quarter") and data.get("number") is None:
            raise ValidationError({"number": ["按月或按季统计须指定期次"]})
        if data.get("period") == "quarter" and (data.get("number") or 0) > 4:
            raise ValidationError({"number": ["季度应为 1 到 4"]})


class CountsSchema(Schema):
    open = fields.Integer()
    closed = fields.Integer()


class UnitStatisticsSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String()
    township = fields.String(allow_none=True)
    matters = fields.Integer()
    completed = fields.Integer()
    by_item = fields.Dict(keys=fields.String(), values=fields.Integer())
    steps_due = fields.Integer()
    steps_on_time = fields.Integer()
    overdue_now = fields.Integer()
    published = fields.Integer()
    publicity_flagged = fields.Integer()
    evidence_fields = fields.Integer()
    evidence_filled = fields.Integer()
    complaints = fields.Integer()
    complaints_closed = fields.Integer()
    warnings = fields.Dict(keys=fields.String(), values=fields.Nested(CountsSchema))
    warning_points = fields.Integer()
    rates = fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True))
    score = fields.Float(allow_none=True)


class PeriodSchema(Schema):
    kind = fields.String()
    year = fields.Integer()
    number = fields.Integer()
    name = fields.String()
    start = fields.DateTime()
    end = fields.DateTime()


class StatisticsSchema(Schema):
    period = fields.Nested(PeriodSchema)
    weights = fields.Dict(keys=fields.String(), values=fields.Float())
    villages = fields.List(fields.Nested(UnitStatisticsSchema))
    townships = fields.List(fields.Nested(UnitStatisticsSchema))
