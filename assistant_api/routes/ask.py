"""``POST /v1/ask``: the answer contract."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, status
from starlette.concurrency import run_in_threadpool

from assistant_api.deps import RuntimeDep, SettingsDep, is_professional
from assistant_api.models import AskRequest, AskResponse

__all__ = ["router"]

router = APIRouter(tags=["ask"])


def check_question(request: AskRequest, settings_max: int) -> AskRequest:
    """Refuse blank, oversized or binary questions with a clear 422 (never a 500)."""
    question = request.question.strip()
    if not question:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "the question is empty")
    if len(question) > settings_max:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            f"the question has {len(question)} characters; the limit is {settings_max}",
        )
    if "\x00" in question or sum(not (c.isprintable() or c.isspace()) for c in question) > 3:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_ENTITY, "the question contains binary or control data"
        )
    return request.model_copy(update={"question": question})


@router.post(
    "/v1/ask",
    response_model=AskResponse,
    responses={401: {"description": "professional audience without a valid token"}},
)
async def ask(
    body: AskRequest,
    runtime: RuntimeDep,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
) -> AskResponse:
    """Answer a question with ranked institutions and citations."""
    request = check_question(body, settings.max_question_chars)
    if request.audience == "professional" and not is_professional(settings, authorization):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a professional question needs a valid bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await run_in_threadpool(runtime.service.ask, request)
