"""Every separation-of-duties rule declared in the definitions is enforced by check_separation."""
from types import SimpleNamespace

import pytest

from engine.errors import Forbidden
from engine.identity import Actor
from engine.services.access import check_separation
from engine.vocabulary import quoted
from tests.scenario import catalog

RULES = [(key, step, other) for key, info in sorted(catalog().processes.items())
         for step in info.steps.values() for other in step.separate_from]


class FakeInbox:
    """Who completed which step: `doer` did every step."""
    def completed_by(self, instance_id, process_key, step_id):
        return {"doer"}


def test_rules_are_declared_where_the_domain_requires_them():
    declared = {(k, s.id, o) for k, s, o in RULES}
    assert ("expense_reimbursement", "sign_director", "start") in declared          # approver != 经办人
    assert ("expense_reimbursement", "sign_director", "witness_sign") in declared   # approver != 证明人
    assert ("seal_use", "stamp", "director_sign") in declared                       # the keeper never approves
    assert ("village_project", "joint_oversight", "start") in declared              # starter != oversight signer
    assert len(RULES) >= 40


@pytest.mark.parametrize("key, step, other", [(k, s.id, o) for k, s, o in RULES], ids=str)
def test_each_declared_rule_refuses_the_same_person(key, step, other):
    info = catalog().processes[key]
    names = {s.id: s.name for s in info.steps.values()}
    uow = SimpleNamespace(inbox=FakeInbox())
    instance = SimpleNamespace(id=1, created_by="starter")
    same = "starter" if other == "start" else "doer"
    with pytest.raises(Forbidden, match="职责分离") as refused:
        check_separation(None, uow, Actor(same), instance, info.steps[step], names)
    assert quoted(info.steps[step].name) in refused.value.message
    check_separation(None, uow, Actor("someone_else"), instance, info.steps[step], names)
