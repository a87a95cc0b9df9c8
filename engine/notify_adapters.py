"""Where notifications go: the log (the default) or a webhook (an SMS or chat gateway), by URL.

An adapter's `send(message)` returns when the receiver has the message and raises otherwise; the
outbox (engine/services/notifications.py) retries with back-off. Every message carries its
idempotency key: a message sent again after a crash between sending and recording it is the same
message to the receiver, which keeps the keys it has seen (exactly once on its side)."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import re
import urllib.error
import urllib.request

log = logging.getLogger("xiaowei.notify")
_PHONE = re.compile(r"(\d{3})\d{4}(\d{4})")


class DeliveryFailed(Exception):
    """The receiver did not take the message (the reason, in English, for the outbox row)."""


class LogAdapter:
    """Writes each message to the log (phones masked): the default when no gateway is configured."""
    name = "log"

    def send(self, message: dict) -> None:
        recipient = dict(message["recipient"])
        if recipient.get("phone"):
            recipient["phone"] = _PHONE.sub(r"\1****\2", recipient["phone"])
        log.info("notification %s %s to %s: %s", message["key"], message["event"],
                 json.dumps(recipient, ensure_ascii=False), message["text"])


class WebhookAdapter:
    """POSTs each message as JSON to one URL, with `Idempotency-Key` and, when a secret is set,
    `X-Xiaowei-Signature: sha256=<HMAC of the body>`. A 2xx answer is delivery; anything else fails."""
    name = "webhook"

    def __init__(self, url: str, secret: str | None = None, timeout: float = 10.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": message["key"],
                   "X-Xiaowei-Event": message["event"], "User-Agent": "xiaowei-notify/1"}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            headers["X-Xiaowei-Signature"] = f"sha256={digest}"
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:   # noqa: S310 - operator's URL
                status = response.status
        except urllib.error.HTTPError as exc:
            raise DeliveryFailed(f"HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException, ValueError) as exc:
            # HTTPException: a gateway answering something other than HTTP (BadStatusLine...)
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from None
        if not 200 <= status < 300:
            raise DeliveryFailed(f"HTTP {status}")


def adapter_for(settings):
    """The webhook when XIAOWEI_NOTIFY_WEBHOOK_URL is set, else the log."""
    if settings.notify_webhook_url:
        return WebhookAdapter(settings.notify_webhook_url, settings.notify_webhook_secret, settings.notify_webhook_timeout)
    return LogAdapter()
