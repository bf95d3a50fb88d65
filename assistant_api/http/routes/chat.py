"""``POST /v1/chat/completions``: the assistant behind the OpenAI chat API shape.

The bearer key chat clients always send is checked as a professional token: a valid one
answers for professionals, any other key answers for the public (no 401, since front-ends
need some key to talk at all).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, status
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from assistant_api.http.asking import answer_question
from assistant_api.http.deps import ServicesDep, is_professional
from assistant_api.http.openai_compat import (
    ChatCompletion,
    ChatCompletionRequest,
    completion_from_answer,
    stream_chunks,
)
from assistant_api.models import AskRequest

__all__ = ["router"]

router = APIRouter(tags=["openai"])


@router.post(
    "/v1/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {"content": {"text/event-stream": {"schema": {"type": "string"}}}},
        413: {"description": "question or body too large"},
        429: {"description": "too many requests"},
    },
)
async def chat_completions(
    body: ChatCompletionRequest,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> ChatCompletion | StreamingResponse:
    """The last user message is the question; the answer and its sources come back."""
    question = body.question()
    if question is None or not question.strip():
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "no user message with text")
    professional = is_professional(services.settings, authorization)
    audience: Literal["public", "professional"] = "professional" if professional else "public"
    limit = services.settings.limits.max_question_chars
    earlier = [q[:limit] for q in body.earlier_questions()]
    conversation_id = (
        await run_in_threadpool(
            services.conversations.replay, earlier, audience=audience, language=body.language
        )
        if earlier
        else None
    )
    ask = AskRequest(
        question=question,
        language=body.language,
        commune=body.commune,
        audience=audience,
        conversation_id=conversation_id,
    )
    response = await answer_question(
        ask,
        services=services,
        authorization=authorization,
        channel="chat",
    )
    if body.stream:
        return StreamingResponse(stream_chunks(response), media_type="text/event-stream")
    return completion_from_answer(response)
