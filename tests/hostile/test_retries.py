"""A 500 means nothing was written, and retries are safe (issue 9, item 10)."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from engine.services import Actor, audit, matters
from engine.store.uow import UnitOfWork

SYSTEM = Actor.system()
START = {"process_key": "major_decision", "village": "lushui_village", "subject": "修路", "data": {"summary": "修路"}}


def count(ctx) -> int:
    return matters.list_matters(ctx, SYSTEM, {}, 1, 1)[1]


def test_a_retry_with_the_same_key_gets_the_same_matter(client, ctx):
    clerk = client.as_user("zhangsan2", ["PARTY_BRANCH"])
    first = clerk.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "form-7f3a"})
    again = clerk.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "form-7f3a"})
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(ctx) == 1
    other = clerk.post("/api/v1/instances", json={**START, "subject": "修桥"}, headers={"Idempotency-Key": "form-7f3a"})
    assert other.status_code == 409 and count(ctx) == 1
    assert clerk.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "form-8b"}).status_code == 201
    assert count(ctx) == 2 and audit.verify_chain(ctx, SYSTEM).ok


def test_keys_belong_to_their_user(client, ctx):
    first = client.as_user("zhangsan2", ["PARTY_BRANCH"])
    second = client.as_user("lisi2", ["PARTY_BRANCH"])
    a = first.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "k1"})
    b = second.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "k1"})
    assert a.status_code == b.status_code == 201 and a.json["id"] != b.json["id"]


@pytest.mark.parametrize("key", ["", "x" * 101, "空格 key", "a/b"])
def test_a_malformed_key_is_refused(client, ctx, key):
    r = client.as_user("zhangsan2", ["PARTY_BRANCH"]).post("/api/v1/instances", json=START, headers={"Idempotency-Key": key})
    assert r.status_code == 422 and count(ctx) == 0


def test_a_failed_commit_writes_nothing_and_the_retry_starts_one_matter(client, ctx, monkeypatch):
    """The connection is lost at the commit: the answer is an error, nothing was stored, and the
    client's retry with its key starts exactly one matter."""
    clerk = client.as_user("zhangsan2", ["PARTY_BRANCH"])
    real = UnitOfWork.commit
    calls = {"n": 0}

    def lose_the_first_commit(self):
        calls["n"] += 1
        if calls["n"] == 1:
            self.session.rollback()
            raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))
        return real(self)

    monkeypatch.setattr(UnitOfWork, "commit", lose_the_first_commit)
    lost = clerk.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "retry-1"})
    assert lost.status_code == 500 and count(ctx) == 0
    retried = clerk.post("/api/v1/instances", json=START, headers={"Idempotency-Key": "retry-1"})
    assert retried.status_code == 201 and count(ctx) == 1 and audit.verify_chain(ctx, SYSTEM).ok


def test_nothing_is_read_after_the_commit(client, ctx, monkeypatch):
    """Once committed the answer cannot fail: any query after the commit would be a 500 for a
    matter that was started."""
    clerk = client.as_user("zhangsan2", ["PARTY_BRANCH", "TWO_COMMITTEES"])
    real = UnitOfWork.commit

    def then_the_database_goes_away(self):
        real(self)
        self.session.close()
        self.session.execute = lambda *a, **k: (_ for _ in ()).throw(OperationalError("SELECT", {}, Exception("gone")))
        self.session.scalars = self.session.scalar = self.session.get = self.session.execute

    monkeypatch.setattr(UnitOfWork, "commit", then_the_database_goes_away)
    started = clerk.post("/api/v1/instances", json=START)
    assert started.status_code == 201, started.json
    task = started.json["ready_steps"][0]["id"]
    done = clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": {"proposal": "修路", "matter_source": "cadre_proposal",
                                                                       "meeting_type": "REP"}})
    assert done.status_code == 200, done.json
