"""The telephony webhooks' form, read only once the request is known to come from the platform.

Kept apart from the webhooks so that the one gate every webhook passes through is short and
easy to review: with an auth token, Twilio's ``X-Twilio-Signature`` must be valid (403);
without one, the webhooks are closed (403) unless ``allow_unsigned`` opens them for local
testing. The signed URL is the public one (``PERMANENCE_PUBLIC_BASE_URL``) behind a proxy.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import HTTPException, Request, status
from starlette.datastructures import FormData

from assistant_api.http.deps import get_services
from assistant_api.voice.signature import signature_valid

__all__ = ["checked_form", "signed_url"]

logger = logging.getLogger(__name__)


def signed_url(request: Request) -> str:
    """The URL Twilio called (and signed): the public base URL's, when one is configured."""
    base = get_services(request).settings.public_base_url
    if not base:
        return str(request.url)
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{base.rstrip('/')}{request.url.path}{query}"


@asynccontextmanager
async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The webhook's form, once the request is known to come from the platform.

    With an auth token, Twilio's signature must be valid (403). Without one, the webhooks are
    closed (403) unless ``allow_unsigned`` opens them for local testing. Uploaded files are
    spooled to temporary files; leaving the block closes them.
    """
    telephony = get_services(request).settings.telephony
    token = telephony.twilio_auth_token
    if token is None and not telephony.allow_unsigned:
        logger.warning("telephony webhook refused: no auth token is configured")
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "the telephone line is not configured: set PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN "
            "(or PERMANENCE_TELEPHONY_ALLOW_UNSIGNED=1 for local testing only)",
        )
    form = await request.form()
    try:
        if token is not None:
            params = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
            signature = request.headers.get("x-twilio-signature")
            if not signature_valid(
                signed_url(request), params, token.get_secret_value(), signature
            ):
                logger.warning("telephony webhook with a missing or wrong signature refused")
                raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid X-Twilio-Signature")
        yield form
    finally:
        await form.close()
