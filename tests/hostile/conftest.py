"""Hostile tests drive the API as the e2e tests do (same client and users)."""
from tests.e2e.conftest import ApiClient, client, make_user  # noqa: F401 - fixtures and helpers
