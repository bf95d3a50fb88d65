"""Twilio request signatures (``X-Twilio-Signature``), so only the platform can drive a call.

Twilio signs ``url + key1 + value1 + key2 + value2 …`` (POST parameters sorted by name) with
HMAC-SHA1 under the account's auth token, base64-encoded. The URL is the one Twilio called,
query string included; behind a proxy it differs from what the app sees, hence
``PERMANENCE_PUBLIC_BASE_URL``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

__all__ = ["signature_valid", "twilio_signature"]


def twilio_signature(url: str, params: Iterable[tuple[str, str]], auth_token: str) -> str:
    """The signature Twilio sends for a request to ``url`` with form ``params``."""
    payload = url + "".join(k + v for k, v in sorted(params, key=lambda kv: (kv[0], kv[1])))
    digest = hmac.new(auth_token.encode(), payload.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(
    url: str, params: Iterable[tuple[str, str]], auth_token: str, signature: str | None
) -> bool:
    """Whether ``signature`` is Twilio's for this request (constant-time comparison)."""
    if not signature:
        return False
    expected = twilio_signature(url, params, auth_token)
    return hmac.compare_digest(expected.encode(), signature.encode())
