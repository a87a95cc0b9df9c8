"""Published records and objections filed online: written beside a matter's save, read by the portal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_, select, update

from .models import PublicObjection, PublishedRecord


class _Repository:
    def __init__(self, session):
        self.session = session


class PublicationRepository(_Repository):
    """The write side, used in the unit of work of a matter's action."""

    @staticmethod
    def new(**columns) -> PublishedRecord:
        """A record not stored yet (its content hash is computed from it before `add`)."""
        return PublishedRecord(**columns)

    def add(self, row: PublishedRecord) -> PublishedRecord:
        self.session.add(row)
        self.session.flush()
        return row

    def with_publicity(self, matter_id: int) -> list[PublishedRecord]:
        """Records of a matter that open a publicity period, oldest first (the last one of each
        period is the notice in force)."""
        return list(self.session.scalars(select(PublishedRecord).where(
            PublishedRecord.matter_id == matter_id, PublishedRecord.publicity_step.is_not(None),
            PublishedRecord.withdrawn_at.is_(None)).order_by(PublishedRecord.id)))

    def hold_period(self, task_id: str, at: datetime | None, now: datetime) -> None:
        """Mark the notice of a period held past its end since `at` (None: no longer held)."""
        for row in self.session.scalars(select(PublishedRecord).where(PublishedRecord.publicity_task_id == task_id)):
            if (row.publicity_held_at is None) != (at is None):
                row.publicity_held_at, row.changed_at = at, now

    def shows(self, matter_id: int) -> bool:
        """Whether the matter has a record that is not withdrawn."""
        return self.session.scalar(select(select(PublishedRecord.id).where(
            PublishedRecord.matter_id == matter_id, PublishedRecord.withdrawn_at.is_(None)).exists()))

    def withdraw_matter(self, matter_id: int, at: datetime) -> list[int]:
        rows = list(self.session.scalars(select(PublishedRecord).where(
            PublishedRecord.matter_id == matter_id, PublishedRecord.withdrawn_at.is_(None))))
        for row in rows:
            row.withdrawn_at, row.publicity_task_id, row.changed_at = at, None, at
        return [row.id for row in rows]


class PublicObjectionRepository(_Repository):
    def add(self, **columns) -> PublicObjection:
        row = PublicObjection(**columns)
        self.session.add(row)
        self.session.flush()
        return row

    def for_task(self, task_id: str) -> list[PublicObjection]:
        return list(self.session.scalars(select(PublicObjection).filter_by(task_id=task_id)
                                         .order_by(PublicObjection.id)))

    def for_matter(self, matter_id: int) -> list[PublicObjection]:
        return list(self.session.scalars(select(PublicObjection).filter_by(matter_id=matter_id)
                                         .order_by(PublicObjection.id)))

    def register(self, task_id: str, by: str, at: datetime) -> int:
        """Mark the objections filed during a period as registered by whoever completed its intake
        (not those the committee dismissed)."""
        result = self.session.execute(update(PublicObjection).where(
            PublicObjection.task_id == task_id, PublicObjection.registered_at.is_(None),
            PublicObjection.dismissed_at.is_(None)).values(registered_at=at, registered_by=by))
        return result.rowcount

    def get(self, objection_id: int) -> PublicObjection | None:
        return self.session.get(PublicObjection, objection_id)

    def waiting_tasks(self, matter_id: int) -> set[str]:
        """Objection-intake steps of a matter with an objection neither registered nor dismissed."""
        return set(self.session.scalars(select(PublicObjection.task_id).where(
            PublicObjection.matter_id == matter_id, PublicObjection.registered_at.is_(None),
            PublicObjection.dismissed_at.is_(None)).distinct()))

    def waiting_by_task(self, task_ids: list[str]) -> dict[str, int]:
        """Objections filed online and not yet registered, per intake step (a to-do list's badge)."""
        if not task_ids:
            return {}
        rows = self.session.execute(select(PublicObjection.task_id, func.count()).where(
            PublicObjection.task_id.in_(task_ids), PublicObjection.registered_at.is_(None),
            PublicObjection.dismissed_at.is_(None)).group_by(PublicObjection.task_id))
        return dict(rows.all())

    def count_from(self, source: str, since: datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(PublicObjection).where(
            PublicObjection.source == source, PublicObjection.received_at >= since))


class PortalRecordRepository(_Repository):
    """The read side of the public portal: records that are not withdrawn, by village."""

    def _shown(self, village: str):
        return select(PublishedRecord).where(PublishedRecord.village_code == village,
                                             PublishedRecord.withdrawn_at.is_(None))

    def version(self, village: str | None) -> tuple[int, datetime | None]:
        """(rows, last change) of a village's records, withdrawn ones included (a withdrawal is a
        change); None: of all villages. Cheap on the (village_code, changed_at) index."""
        query = select(func.count(), func.max(PublishedRecord.changed_at))
        if village is not None:
            query = query.where(PublishedRecord.village_code == village)
        count, last = self.session.execute(query).one()
        return count, last

    def get(self, record_id: int) -> PublishedRecord | None:
        row = self.session.get(PublishedRecord, record_id)
        return row if row is not None and row.withdrawn_at is None else None

    def in_section(self, village: str, section: str) -> list[PublishedRecord]:
        return list(self.session.scalars(self._shown(village).where(PublishedRecord.section == section)
                                         .order_by(PublishedRecord.matter_id.desc(), PublishedRecord.id)))

    def matters_in_section(self, village: str, section: str, offset: int, limit: int) -> tuple[list[int], int]:
        """One page of the matters with records in a section, newest published first, and how many
        there are: a section of thousands of matters is paged in the database, not in Python."""
        newest = func.max(PublishedRecord.id).label("newest")
        grouped = (select(PublishedRecord.matter_id, newest)
                   .where(PublishedRecord.village_code == village, PublishedRecord.section == section,
                          PublishedRecord.withdrawn_at.is_(None)).group_by(PublishedRecord.matter_id))
        pages = grouped.subquery()
        total = self.session.scalar(select(func.count()).select_from(pages))
        ids = list(self.session.scalars(select(pages.c.matter_id).order_by(pages.c.newest.desc())
                                        .offset(offset).limit(limit)))
        return ids, total

    def matters_matching(self, village: str, words: list[str], limit: int) -> tuple[list[tuple[int, str]], int]:
        """(matter id, section) of the matters with a shown record naming every one of `words` in
        its subject, title, item or stage, newest published first, at most `limit`; and how many
        there are. Only what the pages show is searched: the records' masked fields are not."""
        named = [or_(*(column.contains(word, autoescape=True) for column in (
            PublishedRecord.subject, PublishedRecord.title, PublishedRecord.item_name, PublishedRecord.stage)))
            for word in words]
        newest = func.max(PublishedRecord.id).label("newest")
        found = (select(PublishedRecord.matter_id, PublishedRecord.section, newest)
                 .where(PublishedRecord.village_code == village, PublishedRecord.withdrawn_at.is_(None), *named)
                 .group_by(PublishedRecord.matter_id, PublishedRecord.section)).subquery()
        total = self.session.scalar(select(func.count()).select_from(found))
        rows = self.session.execute(select(found.c.matter_id, found.c.section).order_by(found.c.newest.desc())
                                    .limit(limit)).all()
        return [(matter_id, section) for matter_id, section in rows], total

    def in_section_of(self, village: str, section: str, matter_ids: list[int]) -> list[PublishedRecord]:
        if not matter_ids:
            return []
        return list(self.session.scalars(self._shown(village).where(
            PublishedRecord.section == section, PublishedRecord.matter_id.in_(matter_ids))
            .order_by(PublishedRecord.matter_id.desc(), PublishedRecord.id)))

    def summaries_in_section_of(self, village: str, section: str, matter_ids: list[int]) -> list:
        """What a section's list shows of these matters' records (no documents, no ORM objects:
        a page of a large village's list reads a few hundred rows)."""
        if not matter_ids:
            return []
        columns = [PublishedRecord.id, PublishedRecord.matter_id, PublishedRecord.process_key, PublishedRecord.item_name,
                   PublishedRecord.stage, PublishedRecord.subject, PublishedRecord.source_process,
                   PublishedRecord.published_at, PublishedRecord.fields]
        return list(self.session.execute(select(*columns).where(
            PublishedRecord.village_code == village, PublishedRecord.withdrawn_at.is_(None),
            PublishedRecord.section == section, PublishedRecord.matter_id.in_(matter_ids))
            .order_by(PublishedRecord.matter_id.desc(), PublishedRecord.id)))

    def of_matter(self, village: str, matter_id: int) -> list[PublishedRecord]:
        return list(self.session.scalars(self._shown(village).where(PublishedRecord.matter_id == matter_id)
                                         .order_by(PublishedRecord.id)))

    def recent(self, village: str, limit: int) -> list[PublishedRecord]:
        return list(self.session.scalars(self._shown(village).order_by(PublishedRecord.id.desc()).limit(limit)))

    def counts(self, village: str) -> dict[str, int]:
        """Matters with records, per section."""
        rows = self.session.execute(select(PublishedRecord.section, func.count(func.distinct(PublishedRecord.matter_id)))
                                    .where(PublishedRecord.village_code == village, PublishedRecord.withdrawn_at.is_(None))
                                    .group_by(PublishedRecord.section))
        return dict(rows.all())

    def published_between(self, village: str, start: datetime, end: datetime) -> list[PublishedRecord]:
        """A notice board's period: records published in [start, end), oldest first."""
        return list(self.session.scalars(self._shown(village).where(
            PublishedRecord.published_at >= start, PublishedRecord.published_at < end)
            .order_by(PublishedRecord.published_at, PublishedRecord.id)))

    def of_items_before(self, village: str, items: list[str], end: datetime) -> list[PublishedRecord]:
        """Records of these items published before `end` (a board's fixed items), oldest first."""
        if not items:
            return []
        return list(self.session.scalars(self._shown(village).where(
            PublishedRecord.process_key.in_(items), PublishedRecord.published_at < end)
            .order_by(PublishedRecord.published_at, PublishedRecord.id)))

    def published_span(self, village: str) -> tuple[datetime | None, datetime | None]:
        """When the village's first and last shown records were published."""
        return tuple(self.session.execute(select(func.min(PublishedRecord.published_at), func.max(PublishedRecord.published_at))
                                          .where(PublishedRecord.village_code == village,
                                                 PublishedRecord.withdrawn_at.is_(None))).one())

    def by_code(self, code: str) -> list[PublishedRecord]:
        """Records whose content hash starts with `code` (lower-case hex), withdrawn ones too: a
        range on the hash's index, the same on SQLite and PostgreSQL."""
        return list(self.session.scalars(select(PublishedRecord).where(
            PublishedRecord.content_sha256 >= code, PublishedRecord.content_sha256 < code + "g")
            .order_by(PublishedRecord.id).limit(5)))

    def later_of(self, row: PublishedRecord) -> PublishedRecord | None:
        """The newest record published again by the same step of the same matter, for the same role,
        after `row` (a notice published anew after an objection, say), if any and not withdrawn.
        The departments of a joint "1+N" step each publish their own record: none replaces another."""
        same_role = PublishedRecord.role.is_(None) if row.role is None else PublishedRecord.role == row.role
        return self.session.scalar(select(PublishedRecord).where(
            PublishedRecord.matter_id == row.matter_id, PublishedRecord.element == row.element,
            PublishedRecord.source_process == row.source_process, PublishedRecord.id > row.id, same_role,
            PublishedRecord.withdrawn_at.is_(None)).order_by(PublishedRecord.id.desc()).limit(1))

    def open_publicity(self, village: str) -> list[PublishedRecord]:
        return list(self.session.scalars(self._shown(village).where(PublishedRecord.publicity_task_id.is_not(None))
                                         .order_by(PublishedRecord.publicity_ends_at, PublishedRecord.id)))
