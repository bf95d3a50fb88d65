"""Shapes of the OpenAI-compatible chat facade (``POST /v1/chat/completions``).

Only what chat front-ends and the official ``openai`` client use: the last user message is the
question, the answer comes back as the assistant message (with its sources listed under it),
and the whole answer contract rides along in the extra ``permanence`` field.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant_api.answer.streaming import split_sentences
from assistant_api.models import AskResponse

__all__ = [
    "ChatCompletion",
    "ChatCompletionRequest",
    "ChatMessage",
    "completion_from_answer",
    "stream_chunks",
]

#: The model name the facade reports (any name is accepted in requests).
MODEL_NAME = "permanence"


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if not self.content:
            return ""
        return "\n".join(p.text for p in self.content if p.type == "text" and p.text)


class ChatCompletionRequest(BaseModel):
    """The fields the facade reads; other OpenAI parameters are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(default=MODEL_NAME, max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}$")
    commune: str | None = Field(default=None, max_length=80)

    @model_validator(mode="before")
    @classmethod
    def _refuse_lone_surrogates(cls, data: object) -> object:
        """JSON may escape half a UTF-16 pair (``"\\ud800"``), which is no text: refused here,
        in any field (extra ones included), rather than failing later as a 500."""
        if _has_lone_surrogate(data):
            raise ValueError("the body holds a lone UTF-16 surrogate: it is not valid Unicode")
        return data

    def question(self) -> str | None:
        for message in reversed(self.messages):
            if message.role == "user":
                return message.text()
        return None

    def earlier_questions(self) -> list[str]:
        """The user messages before the last one (at most the last five): the conversation
        the last question follows up on."""
        asked = [m.text() for m in self.messages if m.role == "user"]
        return [q for q in asked[:-1] if q and q.strip()][-5:]


def _has_lone_surrogate(value: object, depth: int = 0) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if depth > 32:  # JSON nested this deep is refused by the field types anyway
        return False
    if isinstance(value, dict):
        return any(
            _has_lone_surrogate(k, depth + 1) or _has_lone_surrogate(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list):
        return any(_has_lone_surrogate(item, depth + 1) for item in value)
    return False


class ChoiceMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: ChoiceMessage
    finish_reason: Literal["stop"] = "stop"


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage = Field(default_factory=Usage)
    permanence: AskResponse = Field(
        description="The full answer contract (institutions, citations)."
    )


def _content(response: AskResponse) -> str:
    lines = [response.answer]
    if response.citations:
        lines.append("")
        lines.extend(f"[{c.n}] {c.title} — {c.url}" for c in response.citations)
    return "\n".join(lines)


def completion_from_answer(response: AskResponse) -> ChatCompletion:
    return ChatCompletion(
        id=f"chatcmpl-{response.answer_id}",
        created=int(time.time()),
        model=MODEL_NAME,
        choices=[Choice(message=ChoiceMessage(content=_content(response)))],
        permanence=response,
    )


def stream_chunks(response: AskResponse) -> Iterator[str]:
    """``chat.completion.chunk`` events: role, the content sentence by sentence, stop, [DONE]."""
    base = {
        "id": f"chatcmpl-{response.answer_id}",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL_NAME,
    }

    def chunk(delta: dict[str, str], finish: str | None = None) -> str:
        body = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    for piece in split_sentences(_content(response)):
        yield chunk({"content": piece})
    yield chunk({}, "stop")
    yield "data: [DONE]\n\n"
