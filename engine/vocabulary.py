"""The words every layer shares: a matter's status and a step's status, with their Chinese names.

Defined once here and used by the runtime, the store, the services, the API schemas and the pages,
so that a new status (or a new name for one) is one edit. Members are `StrEnum`s: they compare equal
to, and are stored as, their plain English values.
"""
from __future__ import annotations

from enum import StrEnum


class MatterStatus(StrEnum):
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def label(self) -> str:
        return _MATTER_LABELS[self]

    @property
    def ended(self) -> bool:
        return self in (MatterStatus.COMPLETED, MatterStatus.CANCELLED)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {status.value: status.label for status in cls}


_MATTER_LABELS = {MatterStatus.RUNNING: "办理中", MatterStatus.COMPLETED: "已办结",
                  MatterStatus.CANCELLED: "已撤销", MatterStatus.ERROR: "出错"}


class StepStatus(StrEnum):
    """A row of the to-do side table: ready to do, done by someone, or withdrawn by the engine
    (a boundary timer ended the publicity step, a gateway took another path, the matter ended)."""
    READY = "ready"
    COMPLETED = "completed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]


_STEP_LABELS = {StepStatus.READY: "待办", StepStatus.COMPLETED: "已办理", StepStatus.CLOSED: "已关闭"}


class DefinitionState(StrEnum):
    """A stored version of a list item: a township's draft, the published one new matters start
    on, one withdrawn (no new matters), or one a newer version superseded."""
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return _DEFINITION_LABELS[self]


_DEFINITION_LABELS = {DefinitionState.DRAFT: "草稿", DefinitionState.PUBLISHED: "已发布",
                      DefinitionState.WITHDRAWN: "已撤回", DefinitionState.SUPERSEDED: "已被新版本取代"}


def matter_status_label(value: str) -> str:
    """The Chinese name of a stored status (the value itself if it is not one we know)."""
    try:
        return MatterStatus(value).label
    except ValueError:
        return value


def quoted(text) -> str:
    """“text”, the way Chinese nests quotation marks: quotes inside become ‘ ’, so a step named
    组织“1+N”联合监督 reads “组织‘1+N’联合监督”, never ““1+N”."""
    inner = str(text if text is not None else "").replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


class WarningStatus(StrEnum):
    """A red-line warning (预警) through its 督办: raised (open), 交办 to a unit (assigned), answered
    by it, verified by the supervisor, closed; or dismissed with a reason, or lifted when the rule no
    longer finds it before anyone acted."""
    OPEN = "open"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    VERIFIED = "verified"
    CLOSED = "closed"
    DISMISSED = "dismissed"
    LIFTED = "lifted"

    @property
    def label(self) -> str:
        return _WARNING_LABELS[self]

    @property
    def active(self) -> bool:
        """Still wants a supervisor's attention."""
        return self in (WarningStatus.OPEN, WarningStatus.ASSIGNED, WarningStatus.ANSWERED, WarningStatus.VERIFIED)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {status.value: status.label for status in cls}


_WARNING_LABELS = {WarningStatus.OPEN: "待处置", WarningStatus.ASSIGNED: "已交办", WarningStatus.ANSWERED: "已反馈",
                   WarningStatus.VERIFIED: "已核实", WarningStatus.CLOSED: "已办结", WarningStatus.DISMISSED: "已排除",
                   WarningStatus.LIFTED: "已消除"}


class Severity(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {"high": "严重", "medium": "较重", "low": "一般"}[self.value]

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {s.value: s.label for s in cls}


class ComplaintStatus(StrEnum):
    """Where a villager's complaint stands (the side table `complaints`; issue 11)."""
    SUBMITTED = "submitted"        # filed on the portal, the worker has not registered it yet
    RECEIVED = "received"          # registered, waiting for 受理
    ACCEPTED = "accepted"          # accepted, waiting to be handed to a unit
    ASSIGNED = "assigned"          # with the responsible unit
    ANSWERED = "answered"          # answered, waiting for the villager's rating
    CLOSED = "closed"              # 办结
    REJECTED = "rejected"          # 不予受理 (the villager told why)
    MERGED = "merged"              # closed as a duplicate of another case
    CANCELLED = "cancelled"        # its matter was cancelled by an administrator

    @property
    def label(self) -> str:
        return _COMPLAINT_LABELS[self]

    @property
    def concluded(self) -> bool:
        """办结 for the closure rate: closed, refused with notice, or merged into another case."""
        return self in (ComplaintStatus.CLOSED, ComplaintStatus.REJECTED, ComplaintStatus.MERGED)

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {status.value: status.label for status in cls}


_COMPLAINT_LABELS = {ComplaintStatus.SUBMITTED: "已提交，待登记", ComplaintStatus.RECEIVED: "待受理",
                     ComplaintStatus.ACCEPTED: "已受理，待交办", ComplaintStatus.ASSIGNED: "办理中",
                     ComplaintStatus.ANSWERED: "已答复，待评价", ComplaintStatus.CLOSED: "已办结",
                     ComplaintStatus.REJECTED: "不予受理", ComplaintStatus.MERGED: "已并案办理",
                     ComplaintStatus.CANCELLED: "已撤销"}

# The choices of the complaint_handling start form and steps, in words (tests/unit/test_complaint_vocabulary.py
# checks they match the definition's options).
COMPLAINT_CATEGORIES = {"finance": "财务", "project": "工程项目", "assets": "三资", "relief": "低保救助",
                        "conduct": "干部作风", "other": "其他"}
COMPLAINT_CHANNELS = {"portal": "公开平台（公开栏二维码）", "wechat": "监督微信群", "phone": "电话", "visit": "来访",
                      "letter": "信件"}
HANDLER_LEVELS = {"village": "村民委员会", "township": "乡镇人民政府", "county": "县级主管部门"}
# The role that answers for a unit of each level what is handed to it: a complaint's 办理 and
# 答复, a warning's 反馈 (the bodies of HANDLER_LEVELS).
HANDLER_ROLES = {"village": "VILLAGE_COMMITTEE", "township": "TOWNSHIP_GOV", "county": "COUNTY_DEPT"}
RATINGS = {"satisfied": "满意", "dissatisfied": "不满意"}
# Complaints not counted in figures, by staff and portal alike: a portal filing the worker has not
# registered yet (no case yet), and a cancelled case (withdrawn, never handled).
COMPLAINTS_NOT_COUNTED = ("submitted", "cancelled")


def complaint_status_label(value: str) -> str:
    try:
        return ComplaintStatus(value).label
    except ValueError:
        return value
