"""One question through the service, the same way for every HTTP channel (ask, stream, chat).

Checks the question, enforces professional access, answers in the thread pool, then counts
the answer and hands it to the analytics recorder (which redacts before storing).
"""

from __future__ import annotations

import time
import unicodedata
from typing import Literal

from fastapi import HTTPException, status
from starlette.concurrency import run_in_threadpool

from assistant_api.http.deps import is_professional
from assistant_api.models import AskRequest, AskResponse
from assistant_api.services import Services

__all__ = ["answer_question", "check_question"]

Channel = Literal["ask", "stream", "chat"]
#: More non-printable characters than this and the question is treated as binary data.
MAX_CONTROL_CHARS = 3


def check_question(request: AskRequest, settings_max: int) -> AskRequest:
    """Refuse blank, oversized or binary questions with a clear 4xx (never a 500)."""
    question = request.question.strip()
    if not question:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, "the question is empty")
    if len(question) > settings_max:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE,
            f"the question has {len(question)} characters; the limit is {settings_max}",
        )
    # Only real control characters (Unicode category Cc) count: format characters such as the
    # zero-width non-joiner are ordinary in Persian writing, and RTL marks in Arabic.
    control = sum(unicodedata.category(c) == "Cc" and not c.isspace() for c in question)
    if "\x00" in question or control > MAX_CONTROL_CHARS:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the question contains binary or control data"
        )
    if any(0xD800 <= ord(c) <= 0xDFFF for c in question):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, "the question is not valid Unicode text"
        )
    return request.model_copy(update={"question": question})


async def answer_question(
    body: AskRequest,
    *,
    services: Services,
    authorization: str | None,
    channel: Channel,
) -> AskResponse:
    """Answer ``body`` for ``channel``; raises HTTPException for 401/413/422."""
    settings = services.settings
    request = check_question(body, settings.limits.max_question_chars)
    if request.audience == "professional" and not is_professional(settings, authorization):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "a professional question needs a valid bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    started = time.perf_counter()
    response = await run_in_threadpool(services.conversations.ask, request)
    services.metrics.answers.labels(response.kind, response.language, channel).inc()
    services.metrics.answer_latency.labels(response.kind).observe(time.perf_counter() - started)
    services.recorder.record_answer(request.question, response, commune=response.commune)
    services.issued.add(response.answer_id)
    return response
