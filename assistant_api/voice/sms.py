"""Sending the contacts of an answer by SMS: a small interface and a Twilio REST implementation.

The hotline offers SMS only when a sender is configured
(``PERMANENCE_TELEPHONY_SMS_FROM_NUMBER`` with the Twilio account SID and auth token).
``api_base`` is configurable so tests (and a Twilio-compatible provider) answer on another host.
:func:`sms_configured` and :func:`send_contacts_sms` read that configuration, so the hotline's
webhooks only decide *when* to send.
"""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from assistant_api.models import AskResponse
from assistant_api.voice.errors import VoiceError
from permanence.settings import TelephonySettings

__all__ = [
    "SMS_MAX_CHARS",
    "SMS_TIMEOUT_S",
    "SmsSender",
    "TwilioSmsSender",
    "contacts_sms",
    "send_contacts_sms",
    "sms_configured",
]

logger = logging.getLogger(__name__)

#: Three concatenated SMS segments; longer messages arrive split or not at all on old phones.
SMS_MAX_CHARS = 459
#: Seconds to wait for the SMS provider (a caller is waiting on the line).
SMS_TIMEOUT_S = 10.0


class SmsSender(Protocol):
    """Sends one text message; raises ``VoiceError`` when it could not."""

    def send(self, *, to: str, body: str) -> None: ...


class TwilioSmsSender:
    """Twilio's Messages API (``POST /2010-04-01/Accounts/{sid}/Messages.json``)."""

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base: str = "https://api.twilio.com",
        client: httpx.Client | None = None,
    ) -> None:
        if not account_sid or not auth_token or not from_number:
            raise ValueError("account_sid, auth_token and from_number are all required")
        self._url = f"{api_base.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = (account_sid, auth_token)
        self._from = from_number
        self._client = client or httpx.Client(timeout=10.0)

    def send(self, *, to: str, body: str) -> None:
        try:
            response = self._client.post(
                self._url, data={"To": to, "From": self._from, "Body": body}, auth=self._auth
            )
        except httpx.HTTPError as exc:
            raise VoiceError(f"the SMS provider at {self._url} is unreachable: {exc}") from exc
        if response.status_code >= 300:
            raise VoiceError(
                f"the SMS provider refused the message ({response.status_code}): "
                f"{response.text[:200]}"
            )
        logger.info("sent contacts SMS (%d characters)", len(body))


def contacts_sms(result: AskResponse) -> str:
    """The contacts of an answer as a short SMS: emergency numbers, then institutions (and
    the numbers of a danger described, not happening now, right after the first of them)."""
    lines = ["Permanence NE"]
    lines.extend(f"{n.number}: {n.label}" for n in result.emergency_numbers)
    danger = [f"{n.number}: {n.label}" for n in result.danger_numbers]
    for card in result.institutions:
        parts = [card.name]
        if card.phones:
            parts.append(card.phones[0])
        if card.website:
            parts.append(card.website)
        lines.append(" - ".join(parts))
        if danger:  # after the first door, before anything the length limit may cut
            lines.extend(danger)
            danger = []
    lines.extend(danger)
    body = "\n".join(lines)
    if len(body) > SMS_MAX_CHARS:
        body = body[: SMS_MAX_CHARS - 1].rsplit("\n", 1)[0]
    return body


def sms_configured(telephony: TelephonySettings) -> bool:
    """Whether an SMS sender is configured (the offer "press 2 for an SMS" depends on it)."""
    return bool(
        telephony.sms_from_number and telephony.twilio_account_sid and telephony.twilio_auth_token
    )


def send_contacts_sms(telephony: TelephonySettings, *, to: str, body: str) -> None:
    """Send one SMS with a client closed afterwards (calls are rare; no pool to keep)."""
    token = telephony.twilio_auth_token
    if not (telephony.sms_from_number and telephony.twilio_account_sid and token):
        raise VoiceError("no SMS sender is configured (PERMANENCE_TELEPHONY_SMS_FROM_NUMBER)")
    with httpx.Client(timeout=SMS_TIMEOUT_S) as client:
        TwilioSmsSender(
            account_sid=telephony.twilio_account_sid,
            auth_token=token.get_secret_value(),
            from_number=telephony.sms_from_number,
            api_base=telephony.sms_api_base,
            client=client,
        ).send(to=to, body=body)
