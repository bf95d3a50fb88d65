"""The words of a spoken answer, per language: what a service does, days, times, offers.

Written for the ear in the 13 answer languages (the glossary's languages), not translated from
the written answer: short sentences, the verb early, nothing in parentheses. Institution names
stay as the records write them (they are names). Only French, German, Italian, English,
Portuguese and Spanish were written by fluent speakers; the other seven are unchecked by native
speakers (docs/voice.md says so). The phrases themselves are data, in
``prompts/ear_phrases.yaml``; this module declares their shape and loads them once.

Placeholders: ``{what}`` a category phrase, ``{name}`` the institution, ``{number}`` a phone
number already written for the voice, ``{a}``/``{b}`` two ends of a range, ``{key}`` a keypad
digit.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator

from assistant_api.triage.language import SUPPORTED_LANGUAGES
from permanence.lexicon import LexiconModel, load_lexicon
from permanence.settings import PROJECT_ROOT

__all__ = ["DEFAULT_EAR_PHRASES_PATH", "EarPhrases", "ear_phrases", "phrases_for"]

#: The bundled phrases.
DEFAULT_EAR_PHRASES_PATH = PROJECT_ROOT / "prompts" / "ear_phrases.yaml"


class EarPhrases(LexiconModel):
    """One language's pieces of a spoken answer."""

    #: One sentence per service: ``{what}``, ``{name}``, ``{number}`` (twice: the second
    #: time after "I repeat").
    service: str
    #: Joined after ``service`` when the card has hours: ``{when}``.
    when: str
    #: The category phrase per corpus category (``ingest.CATEGORIES``), used as ``{what}``.
    categories: dict[str, str]
    #: ``{what}`` for the social counter of a "no answer".
    counter: str
    #: Before the social counter when nothing matched the question.
    no_answer: str
    out_of_scope: str
    #: Monday first.
    days: tuple[str, str, str, str, str, str, str]
    day_range: str
    #: A service without a phone number (its website and e-mail go by SMS).
    service_named: str = "{what}: {name}"
    #: The sentence when the card says itself what the service does, in the caller's language
    #: (``{does}``: "inscription au chômage, recherche d'emploi"); without a phone, its first
    #: part up to the number.
    service_does: str = "{name}, {does}: {number}, {number}"
    #: Day forms inside ``day_range`` when the grammar needs them (Russian: "с понедельника
    #: по пятницу"); the plain ``days`` otherwise.
    days_from: tuple[str, ...] = ()
    days_to: tuple[str, ...] = ()
    time_range: str = "{a}–{b}"
    #: Joins two days or two time ranges.
    both: str = "{a}, {b}"
    always: str = ""
    every_day: str = ""
    periods: dict[str, str] = Field(default_factory=dict)
    emergency_intro: str = ""
    #: ``{label}``, ``{number}`` twice.
    emergency_line: str = ""
    emergency_labels: dict[str, str] = Field(default_factory=dict)
    #: The transfer offer on the phone: one line per number (``{key}``, ``{number}``), then
    #: what staying on the line does, then (when there are services) how to hear them.
    transfer_line: str = ""
    transfer_stay: str = ""
    transfer_more: str = ""
    #: The offer after an answer on the phone (``{key}`` each).
    offer_repeat: str = ""
    offer_sms: str = ""
    offer_another: str = ""
    offer_person: str = ""
    #: The offer after an answer on the web page (no keypad).
    offer_web: str = ""
    #: Before the services that take over after an emergency.
    emergency_after: str = ""


class _EarPhrasesFile(LexiconModel):
    unchecked: tuple[str, ...] = ()
    languages: dict[str, EarPhrases]

    @field_validator("languages")
    @classmethod
    def _every_language(cls, value: dict[str, EarPhrases]) -> dict[str, EarPhrases]:
        missing = sorted(set(SUPPORTED_LANGUAGES) - set(value))
        if missing:
            raise ValueError(f"phrases missing for {', '.join(missing)}; add them")
        return value


@lru_cache(maxsize=4)
def ear_phrases(path: Path = DEFAULT_EAR_PHRASES_PATH) -> dict[str, EarPhrases]:
    """The spoken answer's words per answer language, read once per process."""
    return dict(load_lexicon(path, _EarPhrasesFile).languages)


def phrases_for(language: str) -> EarPhrases:
    """The language's phrases; French (the canton's language) for any other."""
    phrases = ear_phrases()
    return phrases.get(language, phrases["fr"])
