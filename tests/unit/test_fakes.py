"""What the fake unit of work (tests/fakes.py) promises beyond the repository contract
(tests/integration/test_repository_contract.py, which holds it to the real store's answers)."""
from __future__ import annotations

import pytest

from engine.audit import verify_events
from engine.errors import Conflict
from tests.fakes import FakeDatabase, FakeUnitOfWork, fake_context

AT = "2026-03-02T01:30:00+00:00"


def test_committed_is_set_by_a_commit_and_nothing_stays_after_a_rollback():
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.orgs.add(code="demo_county", name="示范县", level="county", parent_code=None)
        uow.audit.append("org_unit_added", "system", None, {"code": "demo_county"}, AT)
        uow.rollback()
        assert uow.rolled_back and not uow.committed
        assert uow.orgs.get("demo_county") is None and database.events == []
        uow.orgs.add(code="demo_county", name="示范县", level="county", parent_code=None)
        uow.audit.append("org_unit_added", "system", None, {"code": "demo_county"}, AT)
        assert database.tables["org_units"] == {}           # not before the commit
        uow.commit()
        assert uow.committed
    assert list(database.tables["org_units"]) == ["demo_county"]
    assert [(e.seq, e.event, e.payload) for e in database.events] == [(1, "org_unit_added", {"code": "demo_county"})]


def test_two_overlapping_writers_of_one_table_do_not_both_commit():
    database = FakeDatabase()
    with FakeUnitOfWork(database) as first, FakeUnitOfWork(database) as second:
        first.orgs.add(code="a_county", name="甲县", level="county", parent_code=None)
        second.orgs.add(code="b_county", name="乙县", level="county", parent_code=None)
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    assert list(database.tables["org_units"]) == ["a_county"]


def test_a_repository_the_fakes_lack_is_named():
    with FakeUnitOfWork(FakeDatabase()) as uow, pytest.raises(AttributeError, match="tests/fakes.py"):
        uow.matters.get(1)


def test_a_reading_on_the_fakes_is_one_unit_of_work_for_every_read(fake_ctx):
    with fake_ctx.reading() as reading, fake_ctx.uow(readonly=True) as uow:
        assert uow is reading and isinstance(uow, FakeUnitOfWork)
    assert fake_context().unit_of_work is FakeUnitOfWork


def test_the_seeded_template_has_a_whole_audit_chain(fake_template):
    head = fake_template.tables["audit_head"]
    assert fake_template.events and verify_events(fake_template.events, head["seq"], head["hash"]).ok
