"""``permanence ask --url``: the question asked of a running server instead of in-process.

The embedded index can be open in one process only, so beside ``permanence serve`` the command
line asks the server over HTTP. Every failure is one line that says what happened (the
server's own ``detail`` for a refusal), never a traceback or an HTML page.
"""

from __future__ import annotations

import re

import httpx

from assistant_api.models import AskRequest, AskResponse
from permanence.errors import PermanenceError

__all__ = ["ASK_TIMEOUT_S", "AskClientError", "ask_server"]

#: Seconds to wait for an answer: an embedded LLM takes up to a minute (llm_embedded_timeout_s).
ASK_TIMEOUT_S = 120.0
_MAX_DETAIL_CHARS = 300
_ERRNO = re.compile(r"^\[Errno -?\d+\]\s*")


class AskClientError(PermanenceError):
    """The server could not be reached, refused the question, or did not answer one."""


def ask_server(
    base_url: str,
    request: AskRequest,
    *,
    token: str | None = None,
    timeout_s: float = ASK_TIMEOUT_S,
) -> AskResponse:
    """POST ``request`` to ``base_url``/v1/ask and return the answer contract.

    ``token`` is sent as ``Authorization: Bearer`` (professional questions need one).

    Raises:
        AskClientError: connection refused, timeout, an HTTP error status (with the server's
            ``detail``) or a reply that is not an answer.
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = request.model_dump(mode="json", exclude_none=True)
    try:
        with httpx.Client(timeout=timeout_s) as client:
            reply = client.post(f"{base_url}/v1/ask", json=body, headers=headers)
    except httpx.TimeoutException as exc:
        raise AskClientError(f"the server at {base_url} did not answer in {timeout_s:g} s") from exc
    except httpx.TransportError as exc:
        reason = _ERRNO.sub("", str(exc)) or type(exc).__name__
        raise AskClientError(
            f"cannot reach a server at {base_url} ({reason.lower()}); "
            "start one with `permanence serve`, or check --url"
        ) from exc
    if reply.is_error:
        raise AskClientError(
            f"the server at {base_url} answered {reply.status_code}: {_detail(reply)}"
        )
    try:
        return AskResponse.model_validate(reply.json())
    except ValueError as exc:  # not JSON, or not the contract (ValidationError is a ValueError)
        raise AskClientError(
            f"the server at {base_url} did not return an answer; is it a Permanence server?"
        ) from exc


def _detail(reply: httpx.Response) -> str:
    """The server's ``detail`` on one line (FastAPI: a string, or a list of field errors)."""
    try:
        detail = reply.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):
        detail = "; ".join(_field_error(item) for item in detail)
    text = " ".join(str(detail).split()) if detail else reply.reason_phrase
    return text[:_MAX_DETAIL_CHARS]


def _field_error(item: object) -> str:
    if not isinstance(item, dict):
        return str(item)
    where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
    message = str(item.get("msg", item))
    return f"{where}: {message}" if where else message
