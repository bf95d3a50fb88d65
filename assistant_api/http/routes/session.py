"""``GET /v1/session``: whether the caller's bearer token is a valid professional token.

The professional console asks it at sign-in, so that a mistyped token is refused at once
instead of showing "connected" until the first question fails. It says nothing else: the
answer is the audience the token grants, and a wrong token gets the same 401 as on /v1/ask.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, status
from pydantic import BaseModel

from assistant_api.http.deps import SettingsDep, is_professional

__all__ = ["SessionInfo", "router"]

router = APIRouter(tags=["session"])


class SessionInfo(BaseModel):
    """The audience a request with this Authorization header is answered for."""

    audience: Literal["public", "professional"]


@router.get(
    "/v1/session",
    response_model=SessionInfo,
    responses={401: {"description": "a bearer token was sent and it is not valid"}},
)
async def session(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> SessionInfo:
    """``professional`` for a valid token, ``public`` with none, 401 for a wrong one."""
    if not authorization:
        return SessionInfo(audience="public")
    if not is_professional(settings, authorization):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "this token is not a valid professional token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return SessionInfo(audience="professional")
