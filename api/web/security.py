"""Secret key, session cookie and CSRF settings of the web pages.

The login token sits in Flask's signed session cookie, so the cookie is HttpOnly (no script can read
it), SameSite=Lax (not sent on cross-site POSTs) and Secure (HTTPS only) unless a development or test
setting says otherwise. CSRF tokens come from Flask-WTF: signed with the secret key, bound to the
session, compared in constant time; a well-kept library rather than a hand-rolled check.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
SECRET_FILE = "secret_key"


def web_max_body(settings) -> int:
    """A step form may carry several evidence files at once; each file is still limited (and its
    type checked) by the attachment service. The app-wide limit is one file, for the REST upload."""
    return 4 * settings.max_attachment_bytes + 256 * 1024


def configure_security(app, settings) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key or persisted_secret_key(Path(settings.data_dir))
    app.config.update(
        SESSION_COOKIE_NAME="xiaowei_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        # Checked by the web blueprint only (web/__init__.py): the REST API authenticates with
        # bearer tokens, which a browser never sends by itself, so it needs no CSRF token.
        WTF_CSRF_CHECK_DEFAULT=False,
        # Valid as long as the session: a clerk may take more than an hour over a long form.
        WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)


def persisted_secret_key(directory: Path) -> str:
    """A random key kept in a file, so that every gunicorn worker (and every restart) signs
    cookies with the same key. The first worker to start writes a complete temporary file and
    links it into place, which fails if another worker got there first: no one reads half a key."""
    path = directory / SECRET_FILE
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        temporary = directory / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text().strip()
