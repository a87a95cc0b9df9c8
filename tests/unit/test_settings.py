"""Settings are read once from the environment, and a value that cannot be used names its variable."""
from datetime import timedelta

import pytest

from engine.settings import Settings, SettingsError


def test_defaults_without_any_variable():
    settings = Settings.from_env({})
    assert settings.env is None and settings.secure_cookies and settings.demo_allowed
    assert settings.token_lifetime == timedelta(hours=8) and settings.max_attachment_bytes == 10 * 1024 * 1024
    assert settings.resolved_database_url.startswith("sqlite:///") and settings.resolved_database_url.endswith("var/xiaowei.sqlite3")


def test_variables_are_read():
    settings = Settings.from_env({"XIAOWEI_ENV": "development", "XIAOWEI_TOKEN_HOURS": "0.5",
                                  "XIAOWEI_DATABASE_URL": "postgresql+psycopg://db/x",
                                  "XIAOWEI_LOGIN_FAILURES_PER_USER": "3", "XIAOWEI_LOGIN_WINDOW_MINUTES": "5"})
    assert not settings.secure_cookies and settings.token_lifetime == timedelta(minutes=30)
    assert settings.resolved_database_url == "postgresql+psycopg://db/x"
    assert settings.login_failures_per_user == 3 and settings.login_window == timedelta(minutes=5)
    assert not Settings.from_env({"XIAOWEI_ENV": "production"}).demo_allowed


@pytest.mark.parametrize("name, value", [("XIAOWEI_ENV", "prod"), ("XIAOWEI_TOKEN_HOURS", "eight"),
                                         ("XIAOWEI_TOKEN_HOURS", "nan"), ("XIAOWEI_TOKEN_HOURS", "inf"),
                                         ("XIAOWEI_MAX_ATTACHMENT_BYTES", "-1")])
def test_a_value_that_cannot_be_used_names_its_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})


def test_operations_settings():
    settings = Settings.from_env({})
    assert settings.log_format == "text" and settings.worker_heartbeat == timedelta(seconds=120)
    assert settings.metrics_allow == ("127.0.0.1", "::1") and settings.metrics_token is None
    assert settings.trusted_proxies == 0
    settings = Settings.from_env({"XIAOWEI_LOG_FORMAT": "json", "XIAOWEI_WORKER_HEARTBEAT_SECONDS": "15",
                                  "XIAOWEI_METRICS_ALLOW": "10.0.0.0/8, 192.168.1.7", "XIAOWEI_METRICS_TOKEN": "s3cret",
                                  "XIAOWEI_TRUSTED_PROXIES": "1"})
    assert settings.log_format == "json" and settings.worker_heartbeat == timedelta(seconds=15)
    assert settings.metrics_allow == ("10.0.0.0/8", "192.168.1.7") and settings.metrics_token == "s3cret"
    assert settings.trusted_proxies == 1
    assert Settings.from_env({"XIAOWEI_METRICS_ALLOW": ""}).metrics_allow == ()


@pytest.mark.parametrize("name, value", [("XIAOWEI_LOG_FORMAT", "xml"), ("XIAOWEI_METRICS_ALLOW", "localhost"),
                                         ("XIAOWEI_WORKER_HEARTBEAT_SECONDS", "0"), ("XIAOWEI_TRUSTED_PROXIES", "11")])
def test_an_operations_value_that_cannot_be_used_names_its_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value})
