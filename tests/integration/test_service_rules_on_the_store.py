"""The service tests of tests/unit/test_service_rules.py, run unchanged on the real store (SQLite, and
PostgreSQL when XIAOWEI_TEST_DATABASE_URL names one) through the `ctx` fixture of tests/conftest.py:
a rule that holds on the fakes holds on the database. The module fixture `ctx` there (the fakes) is
not imported, so conftest's real one serves these."""
from tests.unit import test_service_rules as on_the_fakes

globals().update({name: test for name, test in vars(on_the_fakes).items() if name.startswith("test_")})
