"""FastAPI dependencies: the runtime, the settings, and access checks (style rule 4/13)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings

__all__ = ["RuntimeDep", "SettingsDep", "is_professional", "require_admin"]


def get_runtime(request: Request) -> AssistantRuntime:
    runtime: AssistantRuntime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, "the assistant is starting")
    return runtime


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


RuntimeDep = Annotated[AssistantRuntime, Depends(get_runtime)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _matches_any(token: str, accepted: list[str]) -> bool:
    """Constant-time comparison against every accepted token (no early exit)."""
    found = False
    for candidate in accepted:
        found |= hmac.compare_digest(token.encode(), candidate.encode())
    return found


def is_professional(settings: Settings, authorization: str | None) -> bool:
    """Whether the Authorization header carries a valid professional token."""
    token = _bearer(authorization)
    return token is not None and _matches_any(token, settings.pro_token_list())


def require_admin(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    token = _bearer(authorization)
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin is None or token is None or not hmac.compare_digest(token.encode(), admin.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "admin token required",
            headers={"WWW-Authenticate": "Bearer"},
        )
