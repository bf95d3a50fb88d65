"""The LLM answer composer: an OpenAI-compatible endpoint or an embedded model, checked against
the sources. The embedded client (``assistant_api.llm.embedded``) is imported only when used."""

from __future__ import annotations

from assistant_api.llm.client import ChatClient, CompletionClient, LLMError
from assistant_api.llm.composer import LLMComposer, LLMPrompts
from assistant_api.llm.sources import NumberedSource, build_sources
from assistant_api.llm.validation import AnswerCheck, check_answer

__all__ = [
    "AnswerCheck",
    "ChatClient",
    "CompletionClient",
    "LLMComposer",
    "LLMError",
    "LLMPrompts",
    "NumberedSource",
    "build_sources",
    "check_answer",
]
