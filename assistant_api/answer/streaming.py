"""Server-sent events for ``POST /v1/ask/stream``: the answer sentence by sentence, then the JSON.

The answer is composed whole (extractive composition takes milliseconds; an LLM answer is
validated before anyone sees it), then sent in sentence events so a chat window can show
it progressively; the final ``result`` event carries the full answer contract.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from assistant_api.models import AskResponse

__all__ = ["sentence_events", "split_sentences", "sse"]

#: A sentence ends at . ! ? ؟ ። (Ethiopic full stop) or a line break, citation markers included;
#: "1. " (a list number) is not an end.
_BOUNDARY = re.compile(r"(?<=[^\d\s][.!?؟።:])(?:\s*\[\d+\])*\s+|\n+")


def split_sentences(text: str) -> list[str]:
    """Split markdown ``text`` into display pieces; joining them with their spacing restores it."""
    pieces: list[str] = []
    cursor = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        piece = text[cursor:end]
        if piece.strip():
            pieces.append(piece)
        elif pieces:
            pieces[-1] += piece
        cursor = end
    if cursor < len(text):
        pieces.append(text[cursor:])
    return pieces


def sse(event: str, data: object) -> str:
    """One server-sent event; ``data`` is JSON-encoded on a single line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def sentence_events(response: AskResponse) -> Iterator[str]:
    """``meta`` (kind, language, direction), ``sentence`` events, then ``result``."""
    yield sse(
        "meta",
        {
            "kind": response.kind,
            "language": response.language,
            "direction": response.direction,
            "answer_id": response.answer_id,
        },
    )
    for index, piece in enumerate(split_sentences(response.answer)):
        yield sse("sentence", {"index": index, "text": piece})
    yield sse("result", response.model_dump(mode="json"))
