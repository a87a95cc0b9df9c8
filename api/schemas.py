"""marshmallow schemas of the REST API (v1). Field names are English; values may be Chinese."""
from __future__ import annotations

from datetime import timezone

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.vocabulary import MatterStatus

STATUSES = tuple(MatterStatus)


class OptionSchema(Schema):
    value = fields.String()
    label = fields.String()


class FormFieldSchema(Schema):
    name = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "string|text|long|money|boolean|date|enum|file"})
    required = fields.Boolean()
    min = fields.String(allow_none=True, metadata={"description": "a number or an expression over the matter's data"})
    max = fields.String(allow_none=True)
    minlength = fields.Integer(allow_none=True)
    maxlength = fields.Integer(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema))


class StepSchema(Schema):
    id = fields.String()
    name = fields.String()
    process_key = fields.String()
    role = fields.String()
    role_name = fields.String()
    deadline = fields.String(allow_none=True, metadata={"description": "ISO-8601 duration or an expression over parameters"})
    time_limit = fields.String(allow_none=True, metadata={"description": "the time limit in words, with the county default"})
    policy_basis = fields.String(allow_none=True)
    multi_instance = fields.Boolean()
    role_variable = fields.String(allow_none=True)
    supervision = fields.Boolean()
    separate_from = fields.List(fields.String())
    objection_intake = fields.Boolean()
    form = fields.List(fields.Nested(FormFieldSchema))


class ProcessSummarySchema(Schema):
    key = fields.String()
    name = fields.String()
    category = fields.String(allow_none=True)
    list_code = fields.String(allow_none=True)
    policy_basis = fields.String(allow_none=True)
    executing_body = fields.String(allow_none=True)
    supervising_body = fields.String(allow_none=True)
    time_limit = fields.String(allow_none=True)
    publicity = fields.String(allow_none=True)
    version_id = fields.Integer()
    sha256 = fields.String()
    bundle_sha256 = fields.String()
    owner_org = fields.String(allow_none=True, metadata={"description": "a township's special item, or null (county)"})


class CategorySchema(Schema):
    category = fields.String()
    items = fields.List(fields.Nested(ProcessSummarySchema))


class ProcessSchema(ProcessSummarySchema):
    start_form = fields.List(fields.Nested(FormFieldSchema))
    steps = fields.List(fields.Nested(StepSchema))
    calls = fields.List(fields.String())
    end_events = fields.Dict(keys=fields.String(), values=fields.String())
    timers = fields.Dict(keys=fields.String(), values=fields.String())


class InstanceCreateSchema(Schema):
    process_key = fields.String(required=True, validate=validate.Length(min=1, max=64))
    village = fields.String(required=True, validate=validate.Length(min=1, max=64))
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)


def _storable_time(value) -> None:
    """A time the database can hold once turned into UTC (0001-01-01T00:00+08:00 cannot)."""
    try:
        value.astimezone(timezone.utc)
    except OverflowError:
        raise ValidationError("时间超出范围") from None


def _aware_time(description: str):
    return fields.AwareDateTime(validate=_storable_time, metadata={"description": description}, error_messages={
        "invalid": "应为 ISO 8601 时间，如 2026-03-02T00:00:00+08:00",
        "invalid_awareness": "应为带时区的时间，如 2026-03-02T00:00:00+08:00"})


class InstanceQuerySchema(Schema):
    process_key = fields.String()
    village = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    created_from = _aware_time("started at or after this time")
    created_before = _aware_time("started before this time")

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        first, last = data.get("created_from"), data.get("created_before")
        if first is not None and last is not None and first > last:
            problem = "开始时间不能晚于结束时间"
            raise ValidationError({"created_from": [problem], "created_before": [problem]})


class TaskSummarySchema(Schema):
    id = fields.String()
    instance_id = fields.Integer(attribute="matter_id", metadata={"description": "the matter (API v1 calls it an instance)"})
    process_key = fields.String()
    step_id = fields.String()
    name = fields.String()
    objection_intake = fields.Boolean(metadata={"description": "completed only when someone objects during publicity"})
    role = fields.String()
    role_name = fields.String()
    village = fields.String()
    township = fields.String()
    ready_since = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    claimed_by = fields.String(allow_none=True)
    public_objections_waiting = fields.Integer(metadata={
        "description": "objections filed on the public portal during this publicity period, not yet registered"})


class TimerSchema(Schema):
    element = fields.String()
    name = fields.String()
    due = fields.String(metadata={"description": "ISO-8601 UTC"})


class InstanceSummarySchema(Schema):
    id = fields.Integer()
    process_key = fields.String()
    village = fields.String()
    township = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"description": "running|completed|cancelled|error"})
    status_name = fields.String()
    outcome = fields.String(allow_none=True, metadata={"description": "name of the end event reached"})
    amount = fields.Float(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    next_timer_due = fields.DateTime(allow_none=True)


class InstanceSchema(InstanceSummarySchema):
    version_id = fields.Integer()
    data = fields.Dict()
    params = fields.Dict()
    error = fields.String(allow_none=True)
    ready_steps = fields.List(fields.Nested(TaskSummarySchema))
    waiting_timers = fields.List(fields.Nested(TimerSchema))
    attachments = fields.List(fields.Nested(lambda: AttachmentSchema()))
    public_objections = fields.List(fields.Nested(lambda: PublicObjectionSchema()))
    archived_at = fields.DateTime(allow_none=True, metadata={"description": "when `xiaowei archive` moved it (read-only since)"})


class CancelSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class CompleteSchema(Schema):
    data = fields.Dict(keys=fields.String(), load_default=dict)


class TaskQuerySchema(Schema):
    role = fields.String()
    village = fields.String()


class PublicObjectionSchema(Schema):
    id = fields.Integer()
    text = fields.String()
    received_at = fields.DateTime()
    registered_at = fields.DateTime(allow_none=True)
    registered_by = fields.String(allow_none=True)
    dismissed_at = fields.DateTime(allow_none=True)
    dismissed_by = fields.String(allow_none=True)
    dismissal_reason = fields.String(allow_none=True, metadata={"description": "why the committee did not take it up"})
    audit_seq = fields.Integer()
    name = fields.String(allow_none=True, metadata={"description": "only for the step's role and supervisors"})
    phone = fields.String(allow_none=True, metadata={"description": "only for the step's role and supervisors"})


class TaskSchema(TaskSummarySchema):
    form = fields.List(fields.Nested(FormFieldSchema))
    matter = fields.Nested(InstanceSummarySchema)
    data = fields.Dict()
    policy_basis = fields.String(allow_none=True)
    may_act = fields.Boolean(metadata={"description": "whether the caller may complete this step"})
    public_objections = fields.List(fields.Nested(PublicObjectionSchema), metadata={
        "description": "objections villagers filed on the public portal during this publicity period"})
    suggested_data = fields.Dict(metadata={
        "description": "form values prefilled from the objections received (complete the step to register them)"})


class EventSchema(Schema):
    seq = fields.Integer()
    at = fields.String()
    event = fields.String()
    actor = fields.String()
    instance_id = fields.Integer(attribute="matter_id", allow_none=True)
    payload = fields.Dict()
    hash = fields.String()
    prev_hash = fields.String()


class AttachmentSchema(Schema):
    id = fields.String()
    sha256 = fields.String()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()
    instance_id = fields.Integer(attribute="matter_id", allow_none=True)


class RoleSchema(Schema):
    code = fields.String()
    name = fields.String()
    level = fields.String(metadata={"description": "village|township|county|system"})


class ParameterSchema(Schema):
    name = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "integer | number | fraction | list | text"})
    value = fields.Raw(metadata={"description": "the value in force (the township's, or the default)"})
    default = fields.Raw()
    min = fields.Raw(allow_none=True, metadata={"description": "floor (statutory where the law sets one)"})
    max = fields.Raw(allow_none=True, metadata={"description": "ceiling"})
    unit = fields.String(allow_none=True)
    township = fields.String(allow_none=True, metadata={"description": "the township that declared it; null: county"})
    pattern = fields.String(allow_none=True, metadata={"description": "a text parameter's format (phone); null: any"})


class ParameterDefinitionSchema(Schema):
    name = fields.String(required=True, metadata={"description": "3-63 lower-case letters, digits, _"})
    label = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(["integer", "number", "fraction", "list", "text"]))
    min = fields.Raw(required=True, allow_none=True)
    max = fields.Raw(required=True, allow_none=True)
    value = fields.Raw(required=True, metadata={"description": "the default"})
    unit = fields.String(allow_none=True)


class ParameterValueSchema(Schema):
    value = fields.Raw(required=True, metadata={"description": "a number, a fraction such as \"2/3\", a list, or text (a telephone number)"})


class ChainReportSchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    last_hash = fields.String()
    broken_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)
    anchors = fields.Integer(metadata={"description": "published daily anchors checked against the chain"})


class CalendarDateSchema(Schema):
    date = fields.Date(required=True)
    name = fields.String(load_default="", validate=validate.Length(max=40))


class CalendarYearSchema(Schema):
    year = fields.Integer(dump_only=True)
    source = fields.String(load_default="", validate=validate.Length(max=200),
                           metadata={"description": "where the arrangement comes from (the State Council notice)"})
    holidays = fields.List(fields.Nested(CalendarDateSchema), required=True,
                           metadata={"description": "statutory holidays (days off)"})
    workdays = fields.List(fields.Nested(CalendarDateSchema), required=True,
                           metadata={"description": "weekend days worked in their place (调休上班)"})
    updated_by = fields.String(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class LivenessSchema(Schema):
    status = fields.String()


class CheckSchema(Schema):
    ok = fields.Boolean()
    problem = fields.String(metadata={"description": "why not, in Chinese (only when not ok)"})
    current = fields.List(fields.String())
    expected = fields.List(fields.String())
    workers = fields.Integer(metadata={"description": "timer workers that beat within max_age_seconds"})
    max_age_seconds = fields.Float()
    last_beat_at = fields.String(allow_none=True)


class ReadinessSchema(Schema):
    ready = fields.Boolean()
    checks = fields.Dict(keys=fields.String(), values=fields.Nested(CheckSchema),
                         metadata={"description": "database, migrations, timer_worker"})


class RetrySchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why it may run now, e.g. what was corrected"})
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "corrections: form fields of the item and their right values"})


class IncidentQuerySchema(Schema):
    state = fields.String(validate=validate.OneOf(("open", "retried", "cancelled")),
                          metadata={"description": "open (default: all)"})


class IncidentSchema(Schema):
    id = fields.Integer()
    instance_id = fields.Integer(attribute="matter_id")
    process_key = fields.String()
    subject = fields.String()
    village = fields.String()
    township = fields.String()
    process = fields.String(allow_none=True, metadata={"description": "the (called) process that failed"})
    file = fields.String(allow_none=True)
    element = fields.String(allow_none=True, metadata={"description": "the BPMN element that failed"})
    element_name = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "why, in Chinese"})
    detail = fields.String(metadata={"description": "the engine's own message"})
    occurred_at = fields.DateTime()
    attempts = fields.Integer(metadata={"description": "failures so far (retries that failed again add one)"})
    state = fields.String()
    state_name = fields.String()
    resolved_by = fields.String(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    resolution = fields.String(allow_none=True)
