"""Crawled content is data: cut instruction-like sentences out of it before anyone uses it.

Used on citation snippets (extractive mode) and on the sources given to an LLM. The detector is
the injection part of the safety lexicon (``SafetyLexicon.is_injection``) plus phrasings that
address the reader of a page as an assistant ("tell people to call …").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant_api.triage.safety import fold

__all__ = ["InstructionDetector", "split_sentences", "strip_instructions"]

_SENTENCE = re.compile(r"(?<=[.!?؟።])\s+|\n+")
#: Phrasings aimed at an assistant rather than at a reader (folded text), in the 13 languages:
#: "assistants must always …", "answer that …", "say that …", "always give this number".
#: A page written for people does not talk to its reader's assistant; one that does is
#: steering it (issue 22). Each line is one language; test: tests/security/test_poisoned_pages.py.
_ADDRESSED_TO_ASSISTANT = re.compile(
    "|".join(
        (
            # "assistante sociale doit …" is a social worker, not an assistant: left alone.
            r"\b(assistant(e|s|es)?(?! soci)|chatbots?|ai|ia|llm|language models?"
            r"|modeles? de langage|sprachmodell)\b"
            r".{0,40}"
            r"\b(must|should|doit|doivent|devez|muss|mussen|sollst|sollen|always|toujours|immer)\b",
            r"\b(dites|dis|tell|sag|sagen sie|say)\b.{0,30}"
            r"\b(aux gens|a tout le monde|a toutes les personnes|everyone|people|all users"
            r"|allen|jedem)\b"
            r".{0,40}\b(appeler|call|anrufen|contacter|contact)\b",
            # fr
            r"\b(reponds|repondez|repondre|dites|dis|indiquez|indique|affirme[zs]?) (toujours )?"
            r"(aux? \w+ )?qu(e|\')|\b(donner|donne[zs]?|communique[zs]?|transmet[sz]?) (toujours |"
            r"uniquement |systematiquement )?ce numero",
            # en
            r"\b(answer|reply|respond|say|tell (them|users|people|everyone)) (always )?that\b"
            r"|\balways (give|share|provide|quote) (out )?this (number|phone)",
            # de
            r"\b(antworte|antworten sie|sage|sag|sagen sie)\b.{0,20}\bdass\b"
            r"|\b(gib|geben sie|nenne|nennen sie) (immer |stets )?(nur )?diese "
            r"(nummer|telefonnummer)"
            r"|\bassistent\w* (muss|mussen|soll|sollen|sollte)",
            # it
            r"\b(rispondi|rispondete|risponda|di|dite|dica) (sempre )?che\b"
            r"|\b(dai|date|fornisci|fornite) (sempre |solo )?questo numero"
            r"|\bassistent[ei] (deve|devono|dovrebbe|dovrebbero)",
            # pt, es
            r"\b(responda|responde|responder|diga|digam|di|digan|contesta|conteste) "
            r"(sempre |siempre )?que\b"
            r"|\b(de|da|den|dad|deem) (sempre |siempre )?(este|esse) (numero|telefone|telefono)"
            r"|\basistentes? (deve|devem|debe|deben)",
            # ar, fa (folded: ي → ی, ك → ک, أ → ا)
            r"(یجب علی (ال)?مساعد|(ال)?مساعد(ین|ون)? یجب|اجب (ب)?ان|قل (ان|لهم ان)"
            r"|اعط(هم)? هذا الرقم)"
            r"|(دستیار(ها)? (همیشه )?باید|پاسخ بده که|جواب بده که|بگو که|این شماره را بده)",
            # uk, ru
            r"(асистент\w* (завжди )?(повинн|мают|мае|має|мають)|відповідай,? що|скажи,? що"
            r"|ассистент\w* (всегда )?(должн|обязан)|отвечай,? что|ответь,? что|скажи,? что"
            r"|(давай|дай|давайте) (всегда )?(этот|цей) номер)",
            # sq, tr, ti
            r"\b(asistentet duhet|asistenti duhet|pergjigju se|thuaj se|jepni gjithmone kete numer)"
            r"|\b(asistan\w* .{0,40}\w(meli|mali)|(oldugunu|diye) soyle|diye cevap ver"
            r"|bu numarayi ver)"
            r"|(ሓገዝቲ ኩሉ ግዜ|ነዚ ቁጽሪ ሃቡ|ከምዚ ኢልኩም መልሱ)",
        )
    )
)
_SENTENCE_SPLIT = _SENTENCE


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` (also ``؟`` and ``።``), stripped, empty ones left out."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


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
