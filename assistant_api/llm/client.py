"""A minimal client for OpenAI-compatible ``POST /v1/chat/completions`` (vLLM, Ollama, llama.cpp).

Sync httpx with an explicit timeout; any transport error, non-2xx status or malformed body
raises :class:`LLMError`, which the composer turns into the extractive fallback.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import httpx

from permanence import PermanenceError

__all__ = ["ChatClient", "CompletionClient", "LLMError"]

logger = logging.getLogger(__name__)


class LLMError(PermanenceError):
    """The LLM endpoint failed or answered something unusable; the caller falls back."""


class CompletionClient(Protocol):
    """What the composer needs from a model: the HTTP client here, or the embedded one."""

    def complete(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int = ..., temperature: float = ...
    ) -> str: ...

    def close(self) -> None: ...


class ChatClient:
    """Talks to ``{base_url}/chat/completions`` (``base_url`` usually ends with ``/v1``)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(f"LLM base URL {base_url!r} must start with http:// or https://")
        if timeout_s <= 0:
            raise ValueError(f"timeout_s={timeout_s} must be positive")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            transport=transport,
            trust_env=False,
        )

    def close(self) -> None:
        self._client.close()

    def complete(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int = 600, temperature: float = 0.1
    ) -> str:
        """The first choice's message content."""
        body = {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": False,
        }
        try:
            response = self._client.post("/chat/completions", json=body)
        except httpx.TimeoutException as exc:
            raise LLMError(f"LLM at {self._client.base_url} timed out: {exc!r}") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM at {self._client.base_url} unreachable: {exc!r}") from exc
        if response.status_code != 200:
            raise LLMError(
                f"LLM at {self._client.base_url} answered HTTP {response.status_code}; "
                "check PERMANENCE_LLM_BASE_URL / _MODEL / _API_KEY"
            )
        try:
            content = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"LLM at {self._client.base_url} returned a malformed body") from exc
        if not isinstance(content, str):
            raise LLMError(f"LLM at {self._client.base_url} returned non-text content")
        return content
