"""Checks an LLM answer against its sources before anyone reads it.

Repairable: citation markers that point to no source are removed. Not repairable (the caller
falls back to the extractive answer): an empty or overlong answer, no valid citation at all, a
phone number that no reviewed record lists (nor an emergency short number), bank details (an
IBAN or a postal account: no record gives one), an e-mail address or web address found in no
source, a known institution that is not among the sources, text that itself reads like an
injected instruction, a fill-in placeholder such as "[numéro SAVI]", or one sentence written
three times or more (small models loop).

Why phones are checked against the reviewed records and not against the sources' text: a
crawled page is untrusted (issue 22); if it planted a number that slipped through the source
filter, or the model invented one, the validator must not accept it because a source said it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant_api.answer.untrusted import asks_for_payment

__all__ = ["AnswerCheck", "check_answer", "phone_digits"]

#: Longest acceptable answer (characters); the prompt asks for at most 6 sentences.
MAX_ANSWER_CHARS = 2500
#: Emergency and helpline short numbers a model may always name.
SHORT_NUMBERS = frozenset({"112", "117", "118", "143", "144", "145", "147"})

_CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_PHONE = re.compile(
    r"(?:(?:\+|00)\d{2}[\s./-]?)?\(?0?\)?\d{2,3}[\s./-]?\d{3}[\s./-]?\d{2}[\s./-]?\d{2}\b"
    r"|(?:(?:\+|00)41[\s.]?|\b0)[89]\d{2}[\s./-]?\d{3}[\s./-]?\d{3}\b"
)
#: Any long run of digits as pages and models write numbers (+33 6 12 34 56 78, 0041…): a number
#: the narrow pattern above misses must still be one the records list.
_LONG_NUMBER = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s./()\-]{6,18}\d(?!\w)")
#: A date (03.12.2026, 2026-12-03) is a long run of digits, not a phone number.
_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?://|www\.)[^\s)\]>\"']+", re.IGNORECASE)
#: Square brackets holding words, not a citation number: "[numéro SAVI]", "[URL CNMV]" (a
#: Markdown link "[text](url)" is not one; its URL is checked like any other).
_PLACEHOLDER = re.compile(r"\[[^\]\d\s][^\]]*\](?!\()")
_SENTENCE = re.compile(r"(?<=[.!?؟。])\s+|\n+")
#: Copies of one sentence (5 words or more, citations ignored) that mark a looping model.
MAX_SENTENCE_COPIES = 2


@dataclass(frozen=True, slots=True)
class AnswerCheck:
    """``ok`` with the (possibly repaired) text, or the reason to fall back."""

    ok: bool
    text: str
    reason: str
    repaired: bool = False
    cited: tuple[int, ...] = ()


def phone_digits(text: str) -> str:
    """Digits of a phone number in national form: +41 32 … and 0041 32 … become 032 …."""
    digits = re.sub(r"\D", "", text)
    for prefix in ("0041", "41"):
        if digits.startswith(prefix) and len(digits) >= 11:
            return "0" + digits[len(prefix) :].lstrip("0")
    return digits


def _numbers(text: str) -> list[str]:
    """The phone numbers of ``text``: the Swiss shapes, and any other run of 8 digits or more
    that is not a date nor overlaps one of those (hours "8.30-12.00" before a number)."""
    found = list(_PHONE.finditer(text))
    numbers = [m.group(0) for m in found]
    for match in _LONG_NUMBER.finditer(text):
        run = match.group(0).strip()
        if any(match.start() < m.end() and m.start() < match.end() for m in found):
            continue
        if _DATE.fullmatch(run) or len(re.sub(r"\D", "", run)) < 8:
            continue
        numbers.append(run)
    return numbers


def _normalise_url(url: str) -> str:
    url = url.lower().rstrip(".,;:/")
    return re.sub(r"^(https?://)?(www\.)?", "", url)


def _most_copies(text: str) -> int:
    """How often the most repeated sentence of ``text`` occurs (citations and case ignored)."""
    counts: dict[str, int] = {}
    for sentence in _SENTENCE.split(_CITATION.sub("", text)):
        words = re.findall(r"\w+", sentence.lower())
        if len(words) >= 5:
            key = " ".join(words)
            counts[key] = counts.get(key, 0) + 1
    return max(counts.values(), default=0)


def check_answer(
    text: str,
    *,
    allowed_citations: Iterable[int],
    source_texts: Iterable[str],
    source_institutions: Iterable[str],
    known_institutions: dict[str, str],
    is_instruction: Callable[[str], bool],
    allowed_phones: Iterable[str] | None = None,
) -> AnswerCheck:
    """Validate (and repair citation numbers of) ``text``.

    Args:
        allowed_citations: the numbers of the sources given to the model.
        source_texts: every text the model was allowed to take facts from (sources, records).
        source_institutions: ids of the institutions the sources are about.
        known_institutions: lower-cased name or acronym → id, for every institution on record.
        is_instruction: the injection detector of the safety lexicon.
        allowed_phones: the phone numbers the answer may give (those of the reviewed records
            of the source institutions); emergency short numbers are always allowed. ``None``
            takes the numbers found in ``source_texts``.
    """
    answer = text.strip()
    if not answer:
        return AnswerCheck(False, "", "empty")
    if len(answer) > MAX_ANSWER_CHARS:
        return AnswerCheck(False, "", "too_long")
    if is_instruction(answer):
        return AnswerCheck(False, "", "injection_echo")
    if _PLACEHOLDER.search(answer):
        return AnswerCheck(False, "", "placeholder")
    if _most_copies(answer) > MAX_SENTENCE_COPIES:
        return AnswerCheck(False, "", "repetitive")
    allowed = set(allowed_citations)
    corpus = "\n".join(source_texts)
    repaired = False
    cited: list[int] = []

    def _fix(match: re.Match[str]) -> str:
        nonlocal repaired
        numbers = [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]
        good = [n for n in numbers if n in allowed]
        if len(good) != len(numbers) or len(numbers) > 1:
            repaired = repaired or len(good) != len(numbers)
        cited.extend(n for n in good if n not in cited)
        return "".join(f"[{n}]" for n in good)

    answer = _CITATION.sub(_fix, answer)
    answer = re.sub(r"[ \t]+([.,;:!?])", r"\1", answer)
    if not cited:
        return AnswerCheck(False, "", "uncited")
    if asks_for_payment(answer):
        return AnswerCheck(False, "", "bank_details")
    if allowed_phones is None:
        allowed_phones = _numbers(corpus)
    known_phones = {phone_digits(p) for p in allowed_phones}
    for number in _numbers(answer):
        if phone_digits(number) not in known_phones:
            return AnswerCheck(False, "", "unknown_phone")
    for match in re.finditer(r"\b\d{3}\b", answer):
        number = match.group(0)
        if number.startswith("1") and number not in SHORT_NUMBERS and number not in corpus:
            return AnswerCheck(False, "", "unknown_phone")
    lowered_corpus = corpus.lower()
    for match in _EMAIL.finditer(answer):
        if match.group(0).lower() not in lowered_corpus:
            return AnswerCheck(False, "", "unknown_contact")
    normalised_corpus = {_normalise_url(m.group(0)) for m in _URL.finditer(corpus)}
    for match in _URL.finditer(answer):
        url = _normalise_url(match.group(0))
        if not any(url == known or known.startswith(url) for known in normalised_corpus):
            return AnswerCheck(False, "", "unknown_contact")
    allowed_ids = set(source_institutions)
    lowered_answer = answer.lower()
    for name, institution_id in known_institutions.items():
        if institution_id in allowed_ids or len(name) < 4:
            continue
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", lowered_answer):
            return AnswerCheck(False, "", "unknown_institution")
    return AnswerCheck(True, answer, "repaired" if repaired else "accepted", repaired, tuple(cited))
