"""The objection form's protection without a session: a signed, time-limited token per form, and
a keyed hash of the sender's address for the per-address throttle (engine/services/public/objections).

The token names the village, the notice and its publicity period and is signed with the app's
secret key (itsdangerous), so a form cannot be forged for another notice, replayed into a later
period, or kept for days. There is no cookie and so nothing for a cross-site request to ride on:
a forged POST could only file an objection, which anyone may do; the throttle limits how many."""
from __future__ import annotations

import hashlib
import hmac
import time

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

TOKEN_MAX_AGE = 3 * 3600        # pages are re-rendered (a fresh token) at least hourly: see token_epoch
SALT = "xiaowei-public-objection"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def form_token(village: str, period: str) -> str:
    return _serializer().dumps({"v": village, "p": period})


def read_token(token: str) -> dict | None:
    """{"v": village, "p": period}, or None for a forged, damaged or expired token."""
    try:
        data = _serializer().loads(token or "", max_age=TOKEN_MAX_AGE)
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("v"), str) and isinstance(data.get("p"), str) else None


def token_epoch() -> int:
    """The hour a page's tokens were made in: part of the publicity page's ETag, so a cached page
    is rendered again (with fresh tokens) once an hour, well inside TOKEN_MAX_AGE."""
    return int(time.time() // 3600)


def sender() -> str:
    """The sender's address, keyed: enough to count a flood, useless for finding a villager."""
    address = request.remote_addr or "unknown"
    return hmac.new(current_app.secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()
