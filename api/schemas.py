"""marshmallow schemas of the REST API (v1). Field names are English; values may be Chinese."""
from __future__ import annotations

from datetime import timezone

from flask_smorest.fields import Upload
from flask_smorest.pagination import PaginationMetadataSchema, PaginationParameters
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from engine.store.keyset import MAX_OFFSET
from engine.vocabulary import COMPLAINT_CATEGORIES, ComplaintStatus, MatterStatus, Severity, WarningStatus

STATUSES = tuple(MatterStatus)
# A page by number skips at most MAX_OFFSET rows (engine/store/keyset.page_start, which also
# refuses page x page_size past it); deeper pages follow the cursor. With a page of one row, page
# MAX_OFFSET is the last a number reaches: no larger number is of use at any page size.
MAX_PAGE = MAX_OFFSET


class PageParameters(PaginationParameters):
    """flask-smorest's page and page_size, and `after`: the cursor the page starts after (None:
    the page by number)."""

    def __init__(self, page: int, page_size: int, after: str | None = None):
        super().__init__(page, page_size)
        self.after = after


def page_parameters_schema(default_size: int, max_size: int):
    """The query parameters of a paginated list (api/rest/blueprint.Blueprint.paginate): a class
    per decorator, as flask-smorest makes them."""

    class PageParametersSchema(Schema):
        class Meta:
            unknown = EXCLUDE

        page = fields.Integer(load_default=1, validate=validate.Range(
            min=1, max=MAX_PAGE, error=f"页码应为 1 到 {MAX_PAGE} 之间的整数"), metadata={
            "description": f"the page by number: only within the first {MAX_OFFSET:,} rows "
                           "(page x page_size); deeper pages follow `after`"})
        page_size = fields.Integer(load_default=default_size, validate=validate.Range(
            min=1, max=max_size, error=f"每页条数应为 1 到 {max_size} 之间的整数"))
        after = fields.String(load_default=None, metadata={
            "description": "the cursor of the page to read: `next_cursor` of the page before (X-Pagination), "
                           "as the Link header's rel=\"next\" gives it; opaque, refused (422) when altered"})

        @post_load
        def make_parameters(self, data, **kwargs):
            return PageParameters(**data)

    return PageParametersSchema


class PageMetadataSchema(PaginationMetadataSchema):
    """X-Pagination: flask-smorest's page numbers (not on a page read by cursor) and the cursor."""
    next_cursor = fields.String(metadata={"description": "the cursor of the next page (`after=`); absent on the last"})


class OptionSchema(Schema):
    value = fields.String()
    label = fields.String()


class CitesSchema(Schema):
    process_key = fields.String()
    outcomes = fields.List(fields.String(), metadata={"description": "end events the cited matter must have reached "
                                                                   "(empty: any completed matter of the item)"})


class TableColumnSchema(Schema):
    name = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "string|long|money|date|enum|idcard (an 18-digit ID number, "
                                                  "GB 11643 check character)"})
    required = fields.Boolean()
    options = fields.List(fields.String(), metadata={"description": "enum columns: the words allowed"})


class FormFieldSchema(Schema):
    name = fields.String()
    label = fields.String()
    type = fields.String(metadata={"description": "string|text|long|money|boolean|date|enum|file|matter|table "
                                                  "(matter: the number of another matter of the same village; "
                                                  "table: a list of rows, see columns)"})
    required = fields.Boolean()
    min = fields.String(allow_none=True, metadata={"description": "a number or an expression over the matter's data"})
    max = fields.String(allow_none=True)
    min_value = fields.Raw(allow_none=True, metadata={
        "description": "min worked out from the parameters in force and the matter's data so far: a number (long, "
                       "money) or a day (date); null when there is none or it cannot be known yet"})
    max_value = fields.Raw(allow_none=True, metadata={"description": "max, worked out the same way"})
    minlength = fields.Integer(allow_none=True)
    maxlength = fields.Integer(allow_none=True)
    options = fields.List(fields.Nested(OptionSchema))
    columns = fields.List(fields.Nested(lambda: TableColumnSchema()), metadata={
        "description": "table fields: the columns of each row (its value is a list of {column name: cell}; "
                       "a file becomes rows with POST …/tables/{field})"})
    max_rows = fields.Integer(allow_none=True, metadata={"description": "table fields: the most rows"})
    cites = fields.List(fields.Nested(CitesSchema), metadata={
        "description": "matter fields: the items it may cite (find candidates with GET /api/v1/instances?process_key=…"
                       "&village=…&status=completed)"})


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
    start_role = fields.String(allow_none=True, metadata={"description": "the role that starts a matter of this item"})
    start_role_name = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "draft, published, withdrawn or superseded"})


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
    keyword = fields.String(data_key="q", validate=validate.Length(min=1, max=100), metadata={
        "description": "words in the subject or the data, a matter number (12 or #12), or a person's name"})

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
    state = fields.String(metadata={
        "description": "ready, completed, or closed (no longer needed: the matter went on without it)"})
    completed_by = fields.String(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
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
    sandbox = fields.Boolean(metadata={"description": "a test run (试运行) in a 试运行村: never public, never counted"})
    next_timer_due = fields.DateTime(allow_none=True)


class InstanceSchema(InstanceSummarySchema):
    version_id = fields.Integer()
    data = fields.Dict()
    params = fields.Dict(metadata={"description": "the township parameters in force when it started that its item "
                                                  "reads (thresholds, quorums, periods deciding its path and deadlines)"})
    error = fields.String(allow_none=True)
    ready_steps = fields.List(fields.Nested(TaskSummarySchema))
    waiting_timers = fields.List(fields.Nested(TimerSchema))
    attachments = fields.List(fields.Nested(lambda: AttachmentSchema()))
    public_objections = fields.List(fields.Nested(lambda: PublicObjectionSchema()), allow_none=True, metadata={
        "description": "objections filed on the public portal (null for an archived matter)"})
    links = fields.Nested(lambda: MatterLinksSchema(), allow_none=True, metadata={
        "description": "the matters this one cites through its `matter` fields, and those citing it "
                       "(null for an archived matter)"})
    archived_at = fields.DateTime(allow_none=True, metadata={"description": "when `xiaowei archive` moved it (read-only since)"})


class MatterLinkSchema(Schema):
    matter_id = fields.Integer()
    subject = fields.String()
    process_key = fields.String()
    process_name = fields.String()
    status = fields.String(validate=validate.OneOf(STATUSES))
    status_name = fields.String()
    field = fields.String(metadata={"description": "the citing matter's field"})
    field_label = fields.String()
    linked_at = fields.DateTime()


class MatterLinksSchema(Schema):
    cites = fields.List(fields.Nested(MatterLinkSchema))
    cited_by = fields.List(fields.Nested(MatterLinkSchema))


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
    township = fields.String(allow_none=True, metadata={"description": "the township that declared it (None: the county's)"})


class ProcessQuery(Schema):
    village = fields.String(validate=validate.Length(min=1, max=64), metadata={
        "description": "work the start form's bounds out with this village's township parameters"})


class RoleQuery(Schema):
    township = fields.String(validate=validate.Length(min=1, max=64),
                             metadata={"description": "also the roles this township declared for its own items"})


class RoleDefinitionSchema(Schema):
    code = fields.String(required=True, metadata={"description": "A-Z, 0-9, _ (3-48), e.g. TOWNSHIP_AGRI_OFFICE"})
    name = fields.String(required=True, metadata={"description": "the role's Chinese name, e.g. 乡镇农业农村办"})
    level = fields.String(required=True, validate=validate.OneOf(["township", "village"]),
                          metadata={"description": "township: granted in the township; village: in its villages"})


class PreviewStartSchema(Schema):
    subject = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class PreviewInstanceSchema(InstanceSchema):
    done_by = fields.String(metadata={"description": "the test user who completed the step (试运行·角色)"})


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
    value = fields.Raw(required=True, metadata={
        "description": "a number, a fraction such as \"2/3\", a list, or text (a telephone number)"})


class ChainReportSchema(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    last_hash = fields.String()
    broken_seq = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)
    anchors = fields.Integer(metadata={"description": "published daily anchors checked against the chain"})
    from_seq = fields.Integer(metadata={"description": "verified from the event after this one (the checkpoint; "
                                                       "0: from the first event)"})
    checkpoint_at = fields.DateTime(allow_none=True, metadata={"description": "when the checkpoint was verified"})
    full_at = fields.DateTime(allow_none=True, metadata={"description": "when the whole chain was last recomputed"})


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


# -- login and tokens (api/rest/auth.py) ----------------------------------------------------------
class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)


class TokenSchema(Schema):
    token = fields.String()
    token_type = fields.String()
    expires_at = fields.DateTime()
    username = fields.String()


# -- units, users and roles (api/rest/users.py) ---------------------------------------------------
class GrantSchema(Schema):
    role = fields.String(required=True)
    org = fields.String(required=True)


class UserSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=2, max=64))
    display_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))
    active = fields.Boolean(dump_only=True)
    grants = fields.List(fields.Nested(GrantSchema), dump_only=True)


class UnitSchema(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_]{2,64}$"))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    level = fields.String(required=True, validate=validate.OneOf(["county", "township", "village"]))
    parent_code = fields.String(load_default=None, allow_none=True)


# -- evidence files (api/rest/attachments.py) -----------------------------------------------------
class UploadSchema(Schema):
    file = Upload(required=True)


# -- household lists of table fields (api/rest/tables.py) ------------------------------------------
class TableFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "the list as CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX; "
                                                         "the first row its header of column labels or names"})


class TableRowsSchema(Schema):
    field = fields.String(metadata={"description": "the table field"})
    count = fields.Integer(metadata={"description": "how many rows"})
    rows = fields.List(fields.Dict(), metadata={"description": "the rows, checked and typed: send them as the "
                                                              "field's value in `data`"})


# -- parameters (api/rest/registry.py) ------------------------------------------------------------
class ParameterQuery(Schema):
    township = fields.String()


# -- township special-list uploads (api/rest/processes.py) ----------------------------------------
class DefinitionFileSchema(Schema):
    file = Upload(required=True, metadata={"description": "a BPMN 2.0 file (docs/bpmn-conventions.md)"})


class TownshipSchema(Schema):
    township = fields.String(required=True, metadata={"description": "the township whose special list it joins"})


class UploadQuerySchema(Schema):
    publish = fields.Boolean(load_default=False, metadata={
        "description": "publish at once (after the check; errors refuse it); otherwise the upload is a draft"})


class LintFindingSchema(Schema):
    rule = fields.String(metadata={"description": "rule id (engine/lint.py RULES); `load`: a load-time check"})
    severity = fields.String(metadata={"description": "error (blocks publishing) or warning"})
    file = fields.String()
    element = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String()


class CheckReportSchema(Schema):
    key = fields.String()
    version_id = fields.Integer()
    state = fields.String()
    ok = fields.Boolean(metadata={"description": "no errors: the version may be published"})
    errors = fields.Integer()
    warnings = fields.Integer()
    findings = fields.List(fields.Nested(LintFindingSchema))


class VersionSchema(Schema):
    version_id = fields.Integer()
    key = fields.String()
    name = fields.String()
    owner_org = fields.String(allow_none=True)
    state = fields.String(metadata={"description": "draft, published, withdrawn or superseded"})
    state_name = fields.String()
    is_current = fields.Boolean()
    sha256 = fields.String()
    created_by = fields.String(allow_none=True)
    loaded_at = fields.DateTime()
    published_by = fields.String(allow_none=True)
    published_at = fields.DateTime(allow_none=True)
    withdrawn_by = fields.String(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    withdraw_reason = fields.String(allow_none=True)
    running_matters = fields.Integer(metadata={"description": "matters running on this version"})
    matters = fields.Integer(metadata={"description": "matters ever started on this version"})


class PublishedVersionSchema(VersionSchema):
    report = fields.Nested(CheckReportSchema)


class WithdrawSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500),
                           metadata={"description": "why new matters of the item stop"})


class DiffQuerySchema(Schema):
    from_version = fields.Integer(data_key="from", required=True, validate=validate.Range(min=1, max=2**31 - 1))
    to_version = fields.Integer(data_key="to", required=True, validate=validate.Range(min=1, max=2**31 - 1))


class ChangeSchema(Schema):
    kind = fields.String(metadata={"description": "added, removed or changed"})
    what = fields.String()
    element = fields.String(allow_none=True)
    text = fields.String()


class DiffSchema(Schema):
    key = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    summary = fields.String()
    changes = fields.List(fields.Nested(ChangeSchema))


# -- steps (api/rest/tasks.py) --------------------------------------------------------------------
class ReassignSchema(Schema):
    username = fields.String(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


# -- red lines: warnings (预警), kinship registers, statistics (考核) (issue 12) ----------------------
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
    actions = fields.List(fields.String(), metadata={
        "description": "a warning's own answer: what the caller may do to it now, in its status "
                       "(assigned|answered|verified|returned|closed|dismissed; verified and returned are "
                       "POST .../verify with accepted true or false)"})


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
    steps_late_open = fields.Integer()
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


# -- complaints (issue 11) ----------------------------------------------------------------------

class ComplaintReporterSchema(Schema):
    name = fields.String(validate=validate.Length(max=50), metadata={"description": "optional: anonymous is allowed"})
    phone = fields.String(validate=validate.Length(max=30))
    address = fields.String(validate=validate.Length(max=200))


class ComplaintCreateSchema(Schema):
    village = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(keys=fields.String(), required=True, metadata={
        "description": "the start form of complaint_handling: category (finance|project|assets|relief|conduct|other), "
                       "content, channel (portal|wechat|phone|visit|letter), concerned_matter, about_cadre, "
                       "publish_consent, photos (attachment ids from POST /api/v1/attachments)"})
    reporter = fields.Nested(ComplaintReporterSchema, load_default=dict,
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


class ComplaintLinkSchema(Schema):
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
    merged_into = fields.Nested(ComplaintLinkSchema, allow_none=True)
    merged = fields.List(fields.Nested(ComplaintLinkSchema))
    supervision_orders = fields.List(fields.Nested(SupervisionOrderSchema))
    reporter_visible = fields.Boolean()
    reporter = fields.Nested(ComplaintReporterSchema, allow_none=True,
                             metadata={"description": "null unless the caller is the discipline office"})


class MergeSchema(Schema):
    into = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "the main case's id"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class MergedSchema(Schema):
    id = fields.Integer()
    number = fields.String(allow_none=True)
    status = fields.String()
    merged_into = fields.Nested(ComplaintLinkSchema)


class ComplaintStatisticsQuerySchema(Schema):
    org = fields.String(validate=validate.Length(max=64),
                        metadata={"description": "a village, township or county code (default: all in reach)"})
    start = _aware_time("received at or after this time")
    end = _aware_time("received before this time")


class ComplaintCategoryCountSchema(Schema):
    category = fields.String()
    name = fields.String()
    count = fields.Integer()


class ComplaintFiguresSchema(Schema):
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
    categories = fields.List(fields.Nested(ComplaintCategoryCountSchema))


class ComplaintUnitFiguresSchema(ComplaintFiguresSchema):
    code = fields.String()
    name = fields.String()


class ComplaintScopeSchema(Schema):
    code = fields.String(allow_none=True)
    name = fields.String()
    level = fields.String(allow_none=True)


class ComplaintPeriodSchema(Schema):
    start = fields.DateTime(allow_none=True, data_key="from")
    end = fields.DateTime(allow_none=True, data_key="to")


class ComplaintStatisticsSchema(Schema):
    scope = fields.Nested(ComplaintScopeSchema)
    period = fields.Nested(ComplaintPeriodSchema)
    generated_at = fields.DateTime()
    totals = fields.Nested(ComplaintFiguresSchema)
    group_level = fields.String()
    group_level_name = fields.String()
    by_unit = fields.List(fields.Nested(ComplaintUnitFiguresSchema))


# -- objections filed online (api/rest/tasks.py) --------------------------------------------------
class ObjectionDismissSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class ObjectionDismissedSchema(Schema):
    objection = fields.Nested(PublicObjectionSchema)
    matter_id = fields.Integer()
    status = fields.String()
    period_passed = fields.Boolean(metadata={"description": "a period held for this objection ended now"})
