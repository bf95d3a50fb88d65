"""The LLM answer composer: an OpenAI-compatible chat endpoint, checked against the sources."""

from __future__ import annotations

from assistant_api.llm.client import ChatClient, LLMError
from assistant_api.llm.composer import LLMComposer, LLMPrompts
from assistant_api.llm.sources import NumberedSource, build_sources
from assistant_api.llm.validation import AnswerCheck, check_answer

__all__ = [
    "AnswerCheck",
    "ChatClient",
    "LLMComposer",
    "LLMError",
    "LLMPrompts",
    "NumberedSource",
    "build_sources",
    "check_answer",
]
