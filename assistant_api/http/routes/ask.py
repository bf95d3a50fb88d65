"""``POST /v1/ask`` (the answer contract) and ``POST /v1/ask/stream`` (server-sent events)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import StreamingResponse

from assistant_api.answer.streaming import sentence_events
from assistant_api.http.asking import answer_question, check_question
from assistant_api.http.deps import ServicesDep
from assistant_api.models import AskRequest, AskResponse

__all__ = ["check_question", "router"]

router = APIRouter(tags=["ask"])

_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "professional audience without a valid token"},
    413: {"description": "question or body too large"},
    429: {"description": "too many requests from this client (see Retry-After)"},
}


@router.post("/v1/ask", response_model=AskResponse, responses=_ERRORS)
async def ask(
    body: AskRequest,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> AskResponse:
    """Answer a question with ranked institutions and citations."""
    return await answer_question(
        body,
        services=services,
        authorization=authorization,
        channel="ask",
    )


@router.post(
    "/v1/ask/stream",
    response_class=StreamingResponse,
    responses={
        **_ERRORS,
        200: {
            "description": "text/event-stream: `meta`, then `sentence` events, then `result` "
            "(the full AskResponse JSON).",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
    },
)
async def ask_stream(
    body: AskRequest,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The same answer as server-sent events, sentence by sentence, then the whole JSON."""
    response = await answer_question(
        body,
        services=services,
        authorization=authorization,
        channel="stream",
    )
    return StreamingResponse(
        sentence_events(response),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
