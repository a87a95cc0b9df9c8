import pytest

from api import create_app

CLERK_ROLES = "PARTY_BRANCH,TWO_COMMITTEES,PARTY_MEMBERS_MEETING,VILLAGER_REP_MEETING,VILLAGE_COMMITTEE,REPORTING_CLERK"


@pytest.fixture
def client(ctx):
    return create_app({"TESTING": True}, context=ctx).test_client()


def headers(name: str = "zhangsan", roles: str = CLERK_ROLES) -> dict:
    return {"X-Actor": name, "X-Actor-Roles": roles}
