"""试运行 (preview): a township administrator runs a test matter of any version of the township's
own item, a draft too, before publishing it.

Test matters run in the township's 试运行村, a village unit marked `sandbox` created on first use:
nothing there is ever public (no record is published, the portal does not know the village),
counted (no tallies, no statistics) or swept for red lines, and real users' task lists and the
matter lists leave it out. The administrator acts through test users of that village, one per
role of the step (试运行·村党组织...), who cannot log in; the engine's own checks (roles, forms,
separation of duties, expressions) run exactly as in a real village. When separation of duties
refuses a role's first test user, the next one (乙, then 丙) does the step, and the answer says so.
A waiting timer (a publicity period) can be made due at once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from .. import clock
from ..errors import Conflict, Forbidden, NotFound, SeparationOfDuties
from ..identity import Actor, Grant
from ..vocabulary import DefinitionState, MatterStatus
from . import matters, views
from .views import MatterView, PreviewMatter, PreviewStep, StartedMatter, extended
from .access import require_admin
from .persistence import load_matter, save_matter


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """The version a 试运行 page tries: which, in what state, of which township, with its start form."""
    key: str
    version_id: int
    name: str
    state: DefinitionState
    township: str
    start_form: tuple[dict, ...]      # the fields' descriptions (engine/forms.Field.as_dict)


@dataclass(frozen=True, slots=True)
class PreviewPage:
    """The 试运行 page: the version and its test matters, newest first, each ready step a PreviewStep
    (with its form)."""
    item: PreviewItem
    matters: tuple[MatterView, ...]


SANDBOX_SUFFIX = "_sandbox"
TESTERS = ("甲", "乙", "丙")
UNUSABLE_PASSWORD = "!test-user-cannot-log-in"


def sandbox_code(township: str) -> str:
    return f"{township}{SANDBOX_SUFFIX}"[:64]


def _tester_name(village: str, role: str, n: int) -> str:
    return f"test.{village}.{role.lower()}.{n + 1}"[:64]


def _version(uow, actor, key: str, version_id: int):
    version = uow.definitions.get(version_id)
    if version is None or version.process_key != key or version.owner_org is None:
        raise NotFound(f"本乡镇的特色清单中没有事项 {key} 的版本 {version_id}")
    require_admin(uow, actor, version.owner_org, "试运行")
    return version


def _ensure_sandbox(uow, township: str, made: list):
    code = sandbox_code(township)
    unit = uow.orgs.get(code)
    if unit is None:
        parent = uow.orgs.get(township)
        unit = uow.orgs.add(code=code, name=f"{parent.name}试运行村", level="village", parent_code=township,
                            sandbox=True)
        made.append(code)
    return unit


def _tester(ctx, uow, village: str, role: str, n: int, made: list) -> Actor:
    """The n-th test user of a role in the 试运行村 (made on first use; inactive: never logs in)."""
    username = _tester_name(village, role, n)
    user = uow.users.by_name(username)
    if user is None:
        known = ctx.role(role, uow)
        name = f"试运行·{known.name if known else role}" + (f"（{TESTERS[n]}）" if n else "")
        user = uow.users.add(username=username, display_name=name, password_hash=UNUSABLE_PASSWORD,
                             active=False, created_at=clock.now())
        made.append(username)
    if uow.users.find_grant(user.id, role, village) is None:
        uow.users.add_grant(user_id=user.id, role=role, org_code=village, granted_by="system",
                            granted_at=clock.now())
    return Actor(username, frozenset({Grant(role, village)}), user.id)


def _prepared(ctx, actor, township_of, role_of) -> tuple[Actor, ...]:
    """The test users for a step (one per letter), the sandbox made if missing; one commit, and
    an audit event naming what was made (nothing when all of it was there)."""
    made: list = []
    with ctx.uow() as uow:
        township = township_of(uow)
        village = _ensure_sandbox(uow, township, made).code
        role = role_of(uow)
        testers = tuple(_tester(ctx, uow, village, role, n, made) for n in range(len(TESTERS)))
        if made:
            uow.audit.append("sandbox_prepared", actor.name, None, {"village": village, "made": made},
                             clock.now().isoformat())
        uow.commit()
    return testers


def start_preview(ctx, actor, key: str, version_id: int, subject: str, data: dict) -> StartedMatter:
    """Start a test matter of this version in the township's 试运行村, as the start role's test
    user; the matter afterwards, with `sandbox` and `village` set.

    Raises:
        NotFound: no such version of a township item (or not the actor's township's).
        Forbidden: the actor is not an administrator of the item's township.
        InvalidData: the start form refuses the data (one message per field).
    """
    state: dict = {}

    def township_of(uow):
        version = _version(uow, actor, key, version_id)
        state["start_role"] = version.info.get("start_role") or "VILLAGE_COMMITTEE"
        return version.owner_org

    tester, *_ = _prepared(ctx, actor, township_of, lambda uow: state["start_role"])
    village = next(iter(tester.grants)).org
    return matters._start(ctx, tester, key, village, subject, data, None, None, version_id=version_id)


def _sandbox_matter(uow, actor, matter_id: int):
    record = uow.matters.get(matter_id)
    if record is None or not record.sandbox:
        raise NotFound(f"没有试运行事项 {matter_id}")
    require_admin(uow, actor, record.township_code, "试运行")
    return record


def complete_preview_step(ctx, actor, matter_id: int, task_id: str, data: dict) -> PreviewMatter:
    """Complete a ready step of a test matter as a test user of the step's role; the matter
    afterwards, with `done_by` (the test user's name).

    Raises:
        NotFound: no such test matter or ready step (or not the actor's township's).
        Forbidden: the actor is not an administrator of its township; or separation of duties
            refused all three test users.
        InvalidData: the step's form refuses the data (one message per field).
        Conflict: the step is no longer ready.
    """
    state: dict = {}

    def township_of(uow):
        record = _sandbox_matter(uow, actor, matter_id)
        step = next((i for i in uow.inbox.ready_for_matter(record.id) if i.task_id == task_id), None)
        if step is None:
            raise NotFound(f"试运行事项 {matter_id} 没有待办步骤 {task_id}")
        state["role"] = step.role
        return record.township_code
    testers = _prepared(ctx, actor, township_of, lambda uow: state["role"])
    refusal = None
    for tester in testers:
        try:
            result = matters.complete_step(ctx, tester, task_id, data)
        except SeparationOfDuties as exc:
            refusal = exc
            continue
        with ctx.uow(readonly=True) as uow:
            done_by = uow.users.display_name(tester.name)
        return extended(result, PreviewMatter, done_by=done_by)
    raise Forbidden(f"{refusal.message}（三个试运行人员都被职责分离拒绝，请检查本事项的职责分离设置）")


def advance_preview_timer(ctx, actor, matter_id: int) -> MatterView:
    """Make the test matter's next waiting timer (a publicity period, a time limit) due now and
    fire it, so the path after it can be tried without waiting; the matter afterwards.

    Raises:
        NotFound: no such test matter (or not the actor's township's).
        Forbidden: the actor is not an administrator of its township.
        Conflict: the matter is not running or waits on no timer.
    """
    with ctx.uow() as uow:
        _sandbox_matter(uow, actor, matter_id)
        record = uow.matters.get(matter_id, lock=True)
        if record.status != MatterStatus.RUNNING or record.next_timer_due is None:
            raise Conflict("该试运行事项没有等待中的定时器")
        matter = load_matter(ctx, uow, record)
        # The timer fires as if its time had come; everything recorded is stamped with the real time.
        with clock.use_clock(clock.FixedClock(max(record.next_timer_due, clock.now()) + timedelta(seconds=1))):
            events = matter.fire_due_timers()
        now = clock.now()
        save_matter(uow, record, matter, actor, events=events, now=now)
        result = views.matter(ctx, record, uow.inbox.ready_for_matter(record.id), reads=matter.bundle.reads)
        uow.commit()
        return result


def preview_page(ctx, actor, key: str, version_id: int) -> PreviewPage:
    """What the 试运行 page shows: the version (its name, state, start form) and its test matters,
    each ready step with its form.

    Raises:
        NotFound: no such version of a township item (or not the actor's township's).
        Forbidden: the actor is not an administrator of the item's township.
    """
    with ctx.uow(readonly=True) as uow:
        version = _version(uow, actor, key, version_id)
        bundle = ctx.bundles.get(version)
        item = PreviewItem(key=key, version_id=version.id, name=version.name, state=DefinitionState(version.state),
                           township=version.owner_org,
                           start_form=tuple(f.as_dict() for f in bundle.info.start_form.fields))
        return PreviewPage(item=item, matters=tuple(_with_forms(bundle, m) for m in _test_matters(ctx, uow, version)))


def _with_forms(bundle, matter: MatterView) -> MatterView:
    """The matter with each ready step's form (a step of a called item, 四议两公开, is in the same bundle)."""
    return replace(matter, ready_steps=tuple(
        extended(step, PreviewStep, form=tuple(f.as_dict() for f in bundle.step(step.process_key, step.step_id).form.fields))
        for step in matter.ready_steps))


def _test_matters(ctx, uow, version) -> list[MatterView]:
    rows, _ = uow.matters.search({"process_key": version.process_key, "village_code": sandbox_code(version.owner_org),
                                  "sandbox": True}, None, 0, 50)
    reads = ctx.bundles.get(version).reads
    return [views.matter(ctx, r, uow.inbox.ready_for_matter(r.id), reads=reads) for r in rows
            if r.definition_id == version.id]


def preview_matters(ctx, actor, key: str, version_id: int) -> list[MatterView]:
    """The test matters of this version, newest first, with their ready steps.

    Raises:
        NotFound: no such version of a township item (or not the actor's township's).
        Forbidden: the actor is not an administrator of the item's township.
    """
    with ctx.uow(readonly=True) as uow:
        return _test_matters(ctx, uow, _version(uow, actor, key, version_id))

