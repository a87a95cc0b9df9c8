"""Opening a case: entered in the workspace by a clerk or township officer on behalf of a villager,
sent by the chat-group bot (POST /api/v1/complaints with its service account's token), or filed on
the portal (engine/services/public/complaints.py) and registered here by the worker.

Opening a case starts its complaint_handling matter as the one who entered it (the worker for the
portal's), in the same unit of work as the case row; the reporter's name and phone go to a table
of their own and never into the matter's data."""
from __future__ import annotations

from ... import clock
from ...complaint_codes import case_number, code_hash, new_code, spaced
from ...errors import Conflict, InvalidData
from ...forms import clean_form_data
from ...photos import bare_photo, is_photo
from ...runtime import Matter
from ...vocabulary import COMPLAINT_CATEGORIES, ComplaintStatus, MatterStatus
from ..access import records_refusals, require_role
from ..attachments import link_cited_files, store_uploads
from ..parameters import effective_parameters
from .. import tallies
from ..persistence import save_matter
from . import views
from .tracking import COMPLAINT_KEY, registered
from .views import FiledComplaint, Registration

# Who may enter a complaint on a villager's behalf, or send one as the chat-group bot.
INTAKE_ROLES = ("REPORTING_CLERK", "VILLAGE_COMMITTEE", "TOWNSHIP_DISCIPLINE", "TOWNSHIP_GOV", "COUNTY_DISCIPLINE",
                "COMPLAINT_BOT")
MAX_NAME, MAX_PHONE, MAX_ADDRESS = 50, 30, 200


def check_reporter(reporter: dict | None) -> dict:
    """The reporter's name, phone and address as given (all optional: anonymous is allowed)."""
    reporter = reporter if isinstance(reporter, dict) else {}
    values = {k: (reporter.get(k) or "").strip() if isinstance(reporter.get(k), str) else ""
              for k in ("name", "phone", "address")}
    errors = {}
    if len(values["name"]) > MAX_NAME:
        errors["reporter.name"] = f"姓名不超过 {MAX_NAME} 个字"
    phone = values["phone"]
    if phone and not (5 <= len(phone) <= 20 and all(c.isdigit() or c in " +-" for c in phone)):
        errors["reporter.phone"] = "联系电话只能包含数字、空格、+ 和 -（5 至 20 位）"
    if len(values["address"]) > MAX_ADDRESS:
        errors["reporter.address"] = f"住址不超过 {MAX_ADDRESS} 个字"
    if errors:
        raise InvalidData("反映人信息有误", errors)
    return values


@records_refusals("file_complaint")
def file_complaint(ctx, actor, village: str, data: dict, reporter: dict | None = None,
                   uploads: dict | None = None) -> FiledComplaint:
    """Enter a complaint in a village; the new case with its 查询码 (shown this once).

    `data` is the start form of complaint_handling (category, content, channel, concerned_matter,
    about_cadre, publish_consent, photos as attachment ids); `uploads` photos sent with the form.

    Raises:
        InvalidData: an unknown village, a field of the form, the reporter's details.
        Forbidden: the actor holds none of the intake roles in the village.
    """
    who = check_reporter(reporter)
    now = clock.now()
    with ctx.uow() as uow:
        unit = uow.orgs.get(village) if isinstance(village, str) else None
        lineage = uow.lineage(village) if unit is not None else []
        if unit is None or unit.level != "village" or unit.sandbox or not actor.reaches(lineage):
            raise InvalidData("没有这个村", {"village": f"没有编码为 {village} 的村（或不在你的范围内）"})
        if not any(actor.reaches(lineage, role) for role in INTAKE_ROLES):
            require_role(ctx, uow, actor, "REPORTING_CLERK", village, "登记群众诉求")
        data = dict(data or {}) if isinstance(data, dict) else data
        if uploads:
            uploads = {field: [(name, bare_photo(name, content) if is_photo(content) else content)   # a scanned letter stays
                           for name, content in files] for field, files in uploads.items()}
            stored = store_uploads(ctx, uow, actor, uploads, {"photos": "照片"})
            data["photos"] = list(data.get("photos") or []) + stored.get("photos", [])
        code = new_code()
        complaint = uow.complaints.add(
            {"name": who["name"] or None, "phone": who["phone"] or None, "address": who["address"] or None},
            lookup_hash=code_hash(code), village_code=village, township_code=unit.parent_code,
            county_code=lineage[-1], category=str((data or {}).get("category") or "other")[:16],
            channel=str((data or {}).get("channel") or "visit")[:16], content="", status=ComplaintStatus.SUBMITTED,
            received_at=now, source="", created_by=actor.name, changed_at=now, about_cadre=False,
            publish_consent=False, answered_late=False, reopened=False, reviewed=False, supervisions=0)
        open_case(ctx, uow, complaint, actor, data, now)
        result = views.filed(complaint, spaced(code))
        uow.commit()
        return result


def open_case(ctx, uow, complaint, actor, data: dict, now) -> None:
    """Start the case's matter from the start form `data`, in the caller's unit of work."""
    version = uow.definitions.current(COMPLAINT_KEY)
    if version is None:
        raise Conflict("群众诉求受理办理事项尚未加载（xiaowei processes load）")
    bundle = ctx.bundles.get(version)
    params = effective_parameters(ctx, uow, complaint.township_code)
    cleaned = clean_form_data(bundle.info.start_form, data, params)
    complaint.category, complaint.channel = cleaned["category"], cleaned["channel"]
    complaint.content = cleaned["content"]
    complaint.concerned_matter = cleaned.get("concerned_matter")
    complaint.about_cadre, complaint.publish_consent = bool(cleaned.get("about_cadre")), bool(cleaned.get("publish_consent"))
    complaint.number = complaint.number or case_number(complaint.id, complaint.received_at.year)
    matter = Matter.start(bundle, cleaned, params)
    subject = f"{COMPLAINT_CATEGORIES[complaint.category]}诉求 {complaint.number}"
    record = uow.matters.add(
        definition_id=version.id, process_key=COMPLAINT_KEY, village_code=complaint.village_code,
        township_code=complaint.township_code, subject=subject, status=MatterStatus.RUNNING, data=cleaned,
        params=params, amount=None, state="", serializer_version="", waiting_timers=[], created_by=actor.name,
        created_at=now, updated_at=now)
    tallies.matter_started(uow, record)
    link_cited_files(uow, actor, bundle.info.start_form, cleaned, record.id)
    complaint.matter_id, complaint.registered_at, complaint.status = record.id, now, ComplaintStatus.RECEIVED
    if complaint.about_cadre:
        # About a cadre not yet named: no village cadre sees it until the 纪委 names the one (受理).
        uow.exclusions.replace(record.id, {u.username for u in uow.users.list({complaint.village_code})})
    uow.audit.append("matter_started", actor.name, record.id, {
        "process_key": COMPLAINT_KEY, "version_id": version.id, "bundle_sha256": version.bundle_sha256,
        "village": complaint.village_code, "subject": subject, "data": cleaned, "params": params}, now.isoformat())
    uow.audit.append("complaint_registered", actor.name, record.id, {
        "complaint": complaint.number, "channel": complaint.channel, "received_at": complaint.received_at.isoformat(),
        "about_cadre": complaint.about_cadre}, now.isoformat())
    uow.flush()
    save_matter(uow, record, matter, actor, events=matter.start_events, now=now)
    registered(uow, complaint, record, now)


def register_submitted(ctx, actor, limit: int | None = None) -> list[Registration]:
    """The worker's part for the portal: open a case for every complaint filed there, one per unit of
    work (SKIP LOCKED: several workers share them). A complaint whose start form is refused (a
    category the definition no longer has, say) is marked and left for an administrator.

    Raises nothing: a refused complaint is marked on its row, the others go on."""
    done, seen = [], set()
    while limit is None or len(done) < limit:
        with ctx.uow() as uow:
            complaint = uow.complaints.claim_submitted(seen)
            if complaint is None:
                break
            complaint_id = complaint.id
            seen.add(complaint_id)
            now = clock.now()
            photos = [(p.name, p.content) for p in uow.complaints.photos(complaint.id)]
            data = start_data(complaint)
            try:
                if photos:
                    data["photos"] = store_uploads(ctx, uow, actor, {"photos": photos}, {"photos": "照片"}).get("photos", [])
                open_case(ctx, uow, complaint, actor, data, now)
            except (InvalidData, Conflict) as exc:
                # Not a row of the rolled-back transaction is read again before the complaint is marked:
                # reading one would begin a new transaction, on SQLite a writer's, which _refused's waits for.
                uow.rollback()
                _refused(ctx, complaint_id, exc)
                done.append(Registration(complaint_id, registered=False))
                continue
            uow.complaints.drop_photos(complaint.id)
            uow.commit()
            done.append(Registration(complaint.id, registered=True, matter_id=complaint.matter_id))
    return done


def _refused(ctx, complaint_id: int, exc) -> None:
    with ctx.uow() as uow:
        complaint = uow.complaints.get(complaint_id, lock=True)
        complaint.status = ComplaintStatus.CANCELLED
        uow.audit.append("complaint_not_registered", "system", None, {"complaint": complaint_id, "reason": exc.message,
                                                                     "errors": exc.errors}, clock.now().isoformat())
        uow.commit()


def start_data(complaint) -> dict:
    """The start form of a complaint filed on the portal, from its row."""
    data = {"category": complaint.category, "content": complaint.content, "channel": complaint.channel,
            "about_cadre": complaint.about_cadre, "publish_consent": complaint.publish_consent}
    if complaint.concerned_matter:
        data["concerned_matter"] = complaint.concerned_matter
    return data

