"""FastAPI dependencies: the app's services, the settings, and access checks (style rule 4/13).

Every route reaches the running app through :data:`ServicesDep` (or the narrower
:data:`RuntimeDep` and :data:`SettingsDep` derived from it); nothing else reads ``app.state``.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from assistant_api.http.bearer import bearer_token, matches_any
from assistant_api.runtime import AssistantRuntime
from assistant_api.services import Services
from permanence.settings import Settings

__all__ = [
    "RuntimeDep",
    "ServicesDep",
    "SettingsDep",
    "get_services",
    "is_professional",
    "require_admin",
    "require_steward",
    "running_services",
]


def running_services(request: Request) -> Services | None:
    """The services the lifespan built, or None before start-up has finished or after shutdown."""
    services: Services | None = getattr(request.app.state, "services", None)
    return services


def get_services(request: Request) -> Services:
    """The services the lifespan built; 503 before start-up has finished or after shutdown."""
    services = running_services(request)
    if services is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            "the assistant is starting",
            headers={"Retry-After": "5"},
        )
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _runtime(services: ServicesDep) -> AssistantRuntime:
    return services.runtime


def _settings(services: ServicesDep) -> Settings:
    return services.settings


RuntimeDep = Annotated[AssistantRuntime, Depends(_runtime)]
SettingsDep = Annotated[Settings, Depends(_settings)]


def is_professional(settings: Settings, authorization: str | None) -> bool:
    """Whether the Authorization header carries a valid professional token."""
    token = bearer_token(authorization)
    return token is not None and matches_any(token, settings.pro_token_list())


def require_admin(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    token = bearer_token(authorization)
    admin = settings.admin_token.get_secret_value() if settings.admin_token else None
    if admin is None or token is None or not hmac.compare_digest(token.encode(), admin.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "admin token required",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_steward(
    settings: SettingsDep, authorization: Annotated[str | None, Header()] = None
) -> None:
    """A data steward's token (``steward_tokens``) or the admin token; else 401."""
    token = bearer_token(authorization)
    accepted = settings.steward_token_list()
    if settings.admin_token is not None:
        accepted.append(settings.admin_token.get_secret_value())
    if token is None or not matches_any(token, accepted):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "data steward token required",
            headers={"WWW-Authenticate": "Bearer"},
        )
