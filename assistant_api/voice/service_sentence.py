"""One service said in one sentence: what it does for this need, its name, its number said
twice and slowly, and when to call.

This is the unit a spoken answer is made of (orientation, the counter of a "no answer", the
services after an emergency). It reads the card's fields, never the written markdown, and
leaves out what a listener cannot use: parentheses, years, web and e-mail addresses, the
descriptor after a dash in a name. Swiss short numbers (117, 143, 144…) get no hours: the
record's hours are its desk's, not the line's, which answers day and night.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from assistant_api.models import InstitutionCard
from assistant_api.voice.ear_phrases import phrases_for
from assistant_api.voice.hours_speech import spoken_when
from assistant_api.voice.speech_segments import Segment
from assistant_api.voice.speech_text import speak_phone
from assistant_api.voice.spoken_hours import call_window, parse_hours

__all__ = [
    "SHORT_NUMBER_DIGITS",
    "digits",
    "distinct_cards",
    "number_twice",
    "service_sentence",
    "split_template",
    "spoken_name",
]

#: Swiss short numbers (117, 143, 144…) answer day and night whatever the record's hours say.
SHORT_NUMBER_DIGITS = 4
_PARENTHESES = re.compile(r"\s*[\(\[][^)\]]*[\)\]]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"\s+[–—-]\s+.*$")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\D")


def digits(number: str) -> str:
    """The digits of a phone number, to compare numbers written differently."""
    return _DIGITS.sub("", number)


def _clean(text: str) -> str:
    """Text fit to be read: no parentheses, years, addresses, markers."""
    text = _URL.sub("", _PARENTHESES.sub("", text))
    text = _YEAR.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;:")


def spoken_name(card: InstitutionCard) -> str:
    """The institution's name as said: without what parentheses or a dash add to it."""
    name = _DESCRIPTOR.sub("", _clean(card.name))
    return name or card.name


def split_template(text: str) -> tuple[str, str, str]:
    """``a \\0 b \\0 c`` → (a, b, c): the text around the two places of the number."""
    parts = text.split("\0")
    if len(parts) != 3:
        raise ValueError(f"a service sentence must hold the number twice: {text!r}")
    return parts[0], parts[1], parts[2]


def number_twice(template: str, said: str, end: str) -> tuple[Segment, ...]:
    """A filled ``template`` (the number's two places marked ``\\0``) with ``said`` slow."""
    before, middle, after = split_template(template)
    return (
        Segment(before),
        Segment(said, slow=True),
        Segment(middle),
        Segment(said, slow=True),
        Segment(after + end),
    )


def _tail(card: InstitutionCard, language: str, with_hours: bool) -> str:
    """ ", call from Monday to Friday…" — or nothing (no hours, unparsed, a short number)."""
    if card.phones and len(digits(card.phones[0])) <= SHORT_NUMBER_DIGITS:
        return ""  # 117, 144: the record's hours are its desk's, not the line's
    when = spoken_when(call_window(parse_hours(card.hours)), language) if with_hours else None
    return phrases_for(language).when.format(when=when) if when else ""


def _end(language: str) -> str:
    return "።" if language == "ti" else "."


def _category_sentence(
    card: InstitutionCard, *, language: str, what: str, with_hours: bool
) -> tuple[Segment, ...]:
    """What (a category phrase), name, the number twice (when it has one), when."""
    phrases = phrases_for(language)
    tail = _tail(card, language, with_hours)
    if not card.phones:
        named = phrases.service_named.format(what=what, name=spoken_name(card))
        return (Segment(named + tail + _end(language) + " "),)
    template = phrases.service.format(what=what, name=spoken_name(card), number="\0")
    return number_twice(
        template, speak_phone(card.phones[0], language), tail + _end(language) + " "
    )


def _does_sentence(
    card: InstitutionCard, *, language: str, does: str, with_hours: bool
) -> tuple[Segment, ...]:
    """The sentence of a card that says itself what it does ("ORP, inscription au chômage,
    recherche d'emploi : appelez le …")."""
    phrases = phrases_for(language)
    tail = _tail(card, language, with_hours)
    template = phrases.service_does.format(name=spoken_name(card), does=does, number="\0")
    if not card.phones:
        before, _, _ = split_template(template)
        return (Segment(before.rstrip(" :：፡,،") + tail + _end(language) + " "),)
    return number_twice(
        template, speak_phone(card.phones[0], language), tail + _end(language) + " "
    )


def _what(card: InstitutionCard, language: str, categories: Mapping[str, str]) -> str:
    phrases = phrases_for(language)
    return phrases.categories.get(categories.get(card.id, "autres"), phrases.categories["autres"])


def service_sentence(
    card: InstitutionCard,
    *,
    language: str,
    categories: Mapping[str, str],
    does: Mapping[str, str],
    with_hours: bool,
    what: str | None = None,
) -> tuple[Segment, ...]:
    """The card's sentence: in its own words (``does``) when they are in the caller's
    language, else with the category phrase of the need it serves (or ``what``)."""
    if what is None and does.get(card.id):
        return _does_sentence(card, language=language, does=does[card.id], with_hours=with_hours)
    return _category_sentence(
        card,
        language=language,
        what=what or _what(card, language, categories),
        with_hours=with_hours,
    )


def distinct_cards(cards: Sequence[InstitutionCard]) -> list[InstitutionCard]:
    """Cards in rank order, leaving out one whose number an earlier card already gives (two
    offices behind one switchboard)."""
    out: list[InstitutionCard] = []
    numbers: set[str] = set()
    for card in cards:
        number = digits(card.phones[0]) if card.phones else None
        if number is not None and number in numbers:
            continue
        if number is not None:
            numbers.add(number)
        out.append(card)
    return out
