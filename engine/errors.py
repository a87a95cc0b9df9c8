"""Domain errors. The API maps each class to one HTTP status; messages are Chinese for clerks."""


class XiaoweiError(Exception):
    """Base class. `errors` carries per-field messages where there are any."""

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class DefinitionError(XiaoweiError):
    """A BPMN file is malformed, unsafe or breaks the conventions."""

    def __init__(self, file: str, element: str | None, problem: str, line: int | None = None,
                 process: str | None = None):
        where = f"{file}" + (f" 第 {line} 行" if line else "") + (f" 元素 {element}" if element else "")
        super().__init__(f"{where}: {problem}", {"file": file, "element": element, "line": line,
                                                "process": process, "problem": problem})
        self.file, self.element, self.problem, self.line, self.process = file, element, problem, line, process


class UnsafeExpression(XiaoweiError):
    """An expression uses something outside the whitelist."""


class NotFound(XiaoweiError):
    pass


class Conflict(XiaoweiError):
    """The thing is not in a state that allows the action, or another action won the race."""


class LostRace(Conflict):
    """Another action changed what this one read before it took the write lock (an optimistic
    unit of work): the caller does it again, in turn."""


class LikelyDuplicate(Conflict):
    """A matter of the same item, village and subject was started within a day: asked, not refused.
    `matter_ids`: those matters, newest first."""

    def __init__(self, message: str, matter_ids: list[int]):
        super().__init__(message, {"subject": message})
        self.matter_ids = matter_ids


class InvalidData(XiaoweiError):
    """Submitted data fails the form; `errors` maps field name -> message."""


class ExpressionLimit(InvalidData):
    """An expression met data that would make it exceed its size budget (a text repeated a
    billion times, string formatting, a number of thousands of digits): the action that led
    there is refused and nothing is saved."""


class Forbidden(XiaoweiError):
    pass


class SeparationOfDuties(Forbidden):
    """Refused because whoever did a step this one is separated from may not do it (a step's
    `separate_from`): a 试运行 then lets another test user of the role try."""


class OutOfScope(NotFound):
    """Acting on something outside the caller's scope: answered as not found, so its existence
    does not leak, but recorded as a refused attempt."""


class Unauthenticated(XiaoweiError):
    pass


class TooManyAttempts(XiaoweiError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
