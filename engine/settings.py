"""Everything an operator can set, in one frozen object built once from the environment.

`Settings.from_env()` is called by the application factory and the command line, never at import;
tests build `Settings(...)` (or `.replace(...)`) instead of patching module globals. A value that
cannot be read is refused with the variable's name, so a typo in a unit file stops the start-up with
a clear message rather than running with a default nobody chose.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

DEFAULT_PROCESSES_DIR = Path(__file__).resolve().parents[1] / "processes"
ENVIRONMENTS = ("production", "development", "test")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting in the environment cannot be used; the message names the variable."""


@dataclass(frozen=True)
class PasswordCost:
    """argon2id parameters (argon2-cffi's defaults). Tests lower them: hashing at the real cost
    (~50 ms) would dominate every test that logs in."""
    time_cost: int = 3
    memory_cost: int = 65536
    parallelism: int = 4


@dataclass(frozen=True)
class Settings:
    env: str | None = None                     # production | development | test; None: not said
    data_dir: Path = Path("var")
    database_url: str | None = None            # None: SQLite under data_dir
    processes_dir: Path = DEFAULT_PROCESSES_DIR
    secret_key: str | None = None              # None: a key file under data_dir (web sessions)
    token_lifetime: timedelta = timedelta(hours=8)
    # A token's user and roles are kept this long in each process after a lookup, so a request
    # needs no database read to know its caller (issue 17). Logging out, revoking a token and
    # changing roles drop the process's entries at once; other processes see it within this time.
    token_cache_seconds: float = 10.0
    # `xiaowei serve`: gunicorn processes, and threads per process (the gthread worker, which keeps
    # connections alive between requests).
    web_workers: int = 2
    web_threads: int = 4
    web_worker_class: str = "gthread"          # or "sync" (one request per process, no keep-alive)
    max_attachment_bytes: int = 10 * 1024 * 1024
    # Login throttling: failures of one name from one address, and of one address across names
    # (password spraying), within the window.
    login_window: timedelta = timedelta(minutes=15)
    login_failures_per_user: int = 5
    login_failures_per_address: int = 30
    # Objections filed on the public portal, per sender address and hour (floods, not villagers).
    public_objections_per_hour: int = 5
    # Reverse proxies in front of the app that set X-Forwarded-For/-Proto (werkzeug's ProxyFix).
    # 0: the client address is the TCP peer. Behind nginx set 1: otherwise every login seems to
    # come from the proxy, and one address's throttle would lock everybody out.
    trusted_proxies: int = 0
    password_cost: PasswordCost = field(default_factory=PasswordCost)
    # Operations (issue 19): logs, readiness, metrics, the proxy in front.
    log_format: str = "text"                   # text | json (one JSON object per line)
    worker_heartbeat: timedelta = timedelta(seconds=120)   # /readyz: a timer worker beat within this
    metrics_allow: tuple = ("127.0.0.1", "::1")            # addresses or networks that may read /metrics
    metrics_token: str | None = None           # or a bearer token that may (from anywhere)
    # Complaints (issue 11): floods on the portal, 查询码 guessing, and where notifications go.
    public_complaints_per_hour: int = 5        # complaints filed on the portal per sender address and hour
    complaint_lookups_per_hour: int = 20       # 查询码 lookups and ratings per sender address and hour
    notify_webhook_url: str | None = None      # None: notifications are written to the log only
    notify_webhook_secret: str | None = None   # signs each webhook body (X-Xiaowei-Signature, HMAC-SHA256)
    notify_webhook_timeout: float = 10.0       # seconds
    # The portal's address as villagers reach it: the notice board's QR codes point there. None:
    # the address the clerk's page was asked on (the CLI: http://127.0.0.1:8000).
    public_url: str | None = None

    @property
    def secure_cookies(self) -> bool:
        """HTTPS-only session cookies unless development or test settings allow plain HTTP."""
        return self.env not in ("development", "test")

    @property
    def demo_allowed(self) -> bool:
        """Demo users with a published password are refused where production is declared."""
        return self.env != "production"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(Path(self.data_dir) / 'xiaowei.sqlite3').resolve()}"

    def replace(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ=None, **overrides) -> "Settings":
        """Settings from XIAOWEI_* variables (see the README's table), then `overrides`."""
        env = os.environ if environ is None else environ
        values = {
            "env": _choice(env, "XIAOWEI_ENV", ENVIRONMENTS),
            "data_dir": Path(env.get("XIAOWEI_DATA_DIR") or "var"),
            "database_url": env.get("XIAOWEI_DATABASE_URL") or None,
            "processes_dir": Path(env.get("XIAOWEI_PROCESSES_DIR") or DEFAULT_PROCESSES_DIR),
            "secret_key": env.get("XIAOWEI_SECRET_KEY") or None,
            "token_lifetime": timedelta(hours=_number(env, "XIAOWEI_TOKEN_HOURS", 8, 0.01, 24 * 90)),
            "token_cache_seconds": _number(env, "XIAOWEI_TOKEN_CACHE_SECONDS", 10, 0, 300),
            "web_workers": int(_number(env, "XIAOWEI_WEB_WORKERS", 2, 1, 64)),
            "web_threads": int(_number(env, "XIAOWEI_WEB_THREADS", 4, 1, 64)),
            "web_worker_class": _choice(env, "XIAOWEI_WEB_WORKER_CLASS", ("gthread", "sync")) or "gthread",
            "max_attachment_bytes": int(_number(env, "XIAOWEI_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024,
                                                1024, 1024 ** 3)),
            "login_window": timedelta(minutes=_number(env, "XIAOWEI_LOGIN_WINDOW_MINUTES", 15, 1, 24 * 60)),
            "login_failures_per_user": int(_number(env, "XIAOWEI_LOGIN_FAILURES_PER_USER", 5, 1, 1000)),
            "login_failures_per_address": int(_number(env, "XIAOWEI_LOGIN_FAILURES_PER_ADDRESS", 30, 1, 100000)),
            "public_objections_per_hour": int(_number(env, "XIAOWEI_PUBLIC_OBJECTIONS_PER_HOUR", 5, 1, 10000)),
            "trusted_proxies": int(_number(env, "XIAOWEI_TRUSTED_PROXIES", 0, 0, 10)),
            "log_format": _choice(env, "XIAOWEI_LOG_FORMAT", LOG_FORMATS) or "text",
            "worker_heartbeat": timedelta(seconds=_number(env, "XIAOWEI_WORKER_HEARTBEAT_SECONDS", 120, 1, 86400)),
            "metrics_allow": _networks(env, "XIAOWEI_METRICS_ALLOW", ("127.0.0.1", "::1")),
            "metrics_token": env.get("XIAOWEI_METRICS_TOKEN") or None,
            "public_complaints_per_hour": int(_number(env, "XIAOWEI_PUBLIC_COMPLAINTS_PER_HOUR", 5, 1, 10000)),
            "complaint_lookups_per_hour": int(_number(env, "XIAOWEI_COMPLAINT_LOOKUPS_PER_HOUR", 20, 1, 100000)),
            "notify_webhook_url": _url(env, "XIAOWEI_NOTIFY_WEBHOOK_URL"),
            "notify_webhook_secret": env.get("XIAOWEI_NOTIFY_WEBHOOK_SECRET") or None,
            "notify_webhook_timeout": _number(env, "XIAOWEI_NOTIFY_WEBHOOK_TIMEOUT", 10, 0.1, 300),
            "public_url": _public_url(env, "XIAOWEI_PUBLIC_URL"),
        }
        values.update(overrides)
        return cls(**values)


def _public_url(env, name: str) -> str | None:
    if not env.get(name):
        return None
    value = env[name].rstrip("/")
    if not value.startswith(("http://", "https://")) or any(c.isspace() for c in value):
        raise SettingsError(f"{name}={value!r}: expected an http:// or https:// address")
    return value


def _choice(env, name: str, allowed: tuple) -> str | None:
    value = env.get(name) or None
    if value is not None and value not in allowed:
        raise SettingsError(f"{name}={value!r}: expected one of {', '.join(allowed)}")
    return value


def _url(env, name: str) -> str | None:
    """An http(s) address, or None when unset."""
    value = env.get(name) or None
    if value is not None and not (value.startswith("http://") or value.startswith("https://")) or (value and " " in value):
        raise SettingsError(f"{name}={value!r}: expected an http:// or https:// address")
    return value


def _networks(env, name: str, default: tuple) -> tuple:
    """A comma-separated list of addresses or networks (127.0.0.1, 10.0.0.0/8, ::1); empty: none."""
    text = env.get(name)
    if text is None:
        return default
    values = tuple(part.strip() for part in text.split(",") if part.strip())
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingsError(f"{name}={text!r}: {value!r} is not an address or a network") from None
    return values


def _number(env, name: str, default: float, low: float, high: float) -> float:
    text = env.get(name)
    if text in (None, ""):
        return default
    try:
        value = float(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a number") from None
    if not low <= value <= high:          # also refuses nan and inf
        raise SettingsError(f"{name}={text!r}: expected a number from {low:g} to {high:g}")
    return value
