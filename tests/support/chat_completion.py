"""The body of an OpenAI-compatible chat completion, for the fake servers of the tests."""

from __future__ import annotations

__all__ = ["completion"]


def completion(content: str, model: str) -> dict[str, object]:
    """One choice holding ``content``, finished normally."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
