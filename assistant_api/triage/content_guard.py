"""Crawled content is data: cut instruction-like sentences out of it before anyone uses it.

Used on citation snippets (extractive mode) and on the sources given to an LLM. The detector is
the injection part of the safety lexicon (``SafetyLexicon.is_injection``) plus phrasings that
address the reader of a page as an assistant ("tell people to call …").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant_api.triage.safety import fold

__all__ = ["InstructionDetector", "strip_instructions"]

_SENTENCE = re.compile(r"(?<=[.!?؟።])\s+|\n+")
#: Phrasings aimed at an assistant rather than at a reader (folded text).
_ADDRESSED_TO_ASSISTANT = re.compile(
    r"\b(assistant|chatbot|ai|ia|llm|language model|modele de langage|sprachmodell)\b.{0,40}"
    r"\b(must|should|doit|devez|muss|sollst|always|toujours|immer)\b"
    r"|\b(dites|dis|tell|sag|sagen sie|say)\b.{0,30}"
    r"\b(aux gens|a tout le monde|a toutes les personnes|everyone|people|all users|allen|jedem)\b"
    r".{0,40}\b(appeler|call|anrufen|contacter|contact)\b"
)


class InstructionDetector:
    """``detector(text)`` is True when the text tries to instruct the assistant."""

    def __init__(self, is_injection: Callable[[str], bool]) -> None:
        self._is_injection = is_injection

    def __call__(self, text: str) -> bool:
        return self._is_injection(text) or bool(_ADDRESSED_TO_ASSISTANT.search(fold(text)))


def strip_instructions(text: str, is_instruction: Callable[[str], bool]) -> tuple[str, int]:
    """``text`` without the sentences that ``is_instruction`` flags; also how many went."""
    kept: list[str] = []
    removed = 0
    for sentence in _SENTENCE.split(text):
        if not sentence.strip():
            continue
        if is_instruction(sentence):
            removed += 1
            continue
        kept.append(sentence.strip())
    return " ".join(kept), removed
