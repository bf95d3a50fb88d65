"""Bearer tokens: reading one from an ``Authorization`` header, and checking it in constant time.

Shared by the access checks of the routes (``deps.py``) and by the in-flight cap
(``middleware.py``), which lets staff browsers have more requests in flight than anonymous
clients: both must agree on what a valid token is.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable

__all__ = ["bearer_token", "matches_any"]


def bearer_token(authorization: str | None) -> str | None:
    """The token of a ``Bearer`` header, or None for no header, another scheme or a blank."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def matches_any(token: str, accepted: Iterable[str]) -> bool:
    """Constant-time comparison against every accepted token (no early exit)."""
    found = False
    for candidate in accepted:
        found |= hmac.compare_digest(token.encode(), candidate.encode())
    return found
