"""The answer written for the ear: a few sentences a caller can keep in mind, in their language.

Built from the :class:`~assistant_api.models.AskResponse` and its institution cards, never by
cleaning the written markdown. A listener keeps little in mind, and the one thing they need is
the number to call, so a spoken answer is:

- **orientation**: at most :data:`MAX_SERVICES` services, each in one sentence — what it does
  for this need (the card's ``why`` when it is in the caller's language, see
  ``VoiceDomain.card_does``; otherwise a category phrase of
  :mod:`~assistant_api.voice.ear_phrases`), its name, the number said twice and slowly, and
  when to call (:mod:`~assistant_api.voice.spoken_hours`) — then an offer (repeat, SMS,
  another question, a person);
- **emergency**: the emergency number(s) first, each said twice, then the transfer offer (on
  the phone); the services that take over come after it (``follow``);
- **no answer** / **out of scope**: one sentence saying so, the social counter if there is one,
  then the offer.

Nothing is read that a listener cannot use: no "(à confirmer)" markers, no years, nothing in
parentheses, no web or e-mail addresses. The second service (then its hours) is left out when
the answer would last longer than :data:`ORIENTATION_BUDGET_S`, estimated with
:func:`estimate_seconds` (its constants are measured on espeak-ng; ``python -m
eval.bench.spoken_answers`` measures the real audio).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal
from xml.sax.saxutils import escape

from assistant_api.models import AskResponse, InstitutionCard
from assistant_api.voice.ear_phrases import EarPhrases, phrases_for
from assistant_api.voice.speech_text import french_number, speak_phone
from assistant_api.voice.spoken_hours import CallWindow, Interval, call_window, parse_hours

__all__ = [
    "EMERGENCY_BUDGET_S",
    "ESTIMATE_MARGIN_S",
    "MAX_SERVICES",
    "MAX_TRANSFER_NUMBERS",
    "MORE_KEY",
    "OFFER_KEYS",
    "ORIENTATION_BUDGET_S",
    "SLOW_RATE",
    "Channel",
    "Segment",
    "SpokenAnswer",
    "compose_spoken",
    "estimate_seconds",
    "join_text",
    "spoken_name",
    "spoken_when",
    "ssml",
]

Channel = Literal["phone", "web"]

#: Services read out at most; the SMS (and the written answer on the web) has the rest.
MAX_SERVICES = 2
#: Seconds an orientation may last before its offer (issue #21); measured: docs/voice.md.
ORIENTATION_BUDGET_S = 35.0
#: Seconds an emergency may last before the transfer offer.
EMERGENCY_BUDGET_S = 20.0
#: Seconds kept free under a budget for the estimate's error (p95 2.5 s on the dev answers).
ESTIMATE_MARGIN_S = 2.0
#: Emergency numbers offered for transfer (keys 1, 2, 3).
MAX_TRANSFER_NUMBERS = 3
#: The key that plays the services after an emergency's transfer offer.
MORE_KEY = "9"
#: Keys of the offer after an answer on the phone.
OFFER_KEYS: Mapping[str, str] = {"repeat": "1", "sms": "2", "another": "3", "person": "0"}
#: Swiss short numbers (117, 143, 144…) answer day and night whatever the record's hours say.
SHORT_NUMBER_DIGITS = 4
#: Speaking rate of phone numbers relative to the rest (SSML ``prosody rate``): at 80 % an
#: 8-digit Swiss number takes 6.0 s instead of 4.8 s in espeak-ng fr-ch at 150 wpm.
SLOW_RATE = 0.8
#: espeak-ng at 150 wpm per language: characters per second of text, and seconds per digit
#: group of a phone number read slowly ("0 32", "889", "66", "49" are four groups). Measured
#: on the phrases and eight numbers, synthesised; eval/bench/spoken_answers.py reports the
#: estimate's error against the WAVs (0.9 s p50, 2.3 s p95 on the dev answers); numbers are
#: long in some voices (Arabic reads "889" as "eight hundred and eighty-nine", 2.4 s). The
#: estimate only chooses how much to say; the WAV duration is what the bench reports.
SPEECH_RATES: Mapping[str, tuple[float, float]] = {
    "fr": (19.3, 1.44),
    "de": (15.6, 1.90),
    "it": (15.9, 1.72),
    "en": (15.5, 1.66),
    "pt": (14.3, 1.87),
    "es": (15.8, 1.75),
    "ar": (10.0, 2.39),
    "uk": (17.3, 1.63),
    "ru": (16.3, 1.70),
    "fa": (11.0, 1.56),
    "sq": (14.1, 1.94),
    "tr": (12.5, 1.69),
    "ti": (7.8, 1.89),
}
#: Seconds of pause espeak-ng makes at a sentence end or a comma of the text.
PAUSE_S = {".": 0.3, ",": 0.15}
_PARENTHESES = re.compile(r"\s*[\(\[][^)\]]*[\)\]]")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_URL = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"\s+[–—-]\s+.*$")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of spoken text; ``slow`` pieces (phone numbers) are read more slowly."""

    text: str
    slow: bool = False


@dataclass(frozen=True, slots=True)
class SpokenAnswer:
    """What the voice says for one answer, in parts the call flow plays separately.

    ``body`` is the answer proper; ``offer`` what is said right after it (the keypad offer;
    for an emergency on the phone, the transfer offer); ``menu`` the keypad offer alone (the
    same as ``offer`` but for an emergency); ``follow`` only for an emergency on the phone: the
    services that take over, played after the transfer offer when the caller asks for them.
    """

    language: str
    kind: str
    body: tuple[Segment, ...]
    offer: tuple[Segment, ...] = ()
    menu: tuple[Segment, ...] = ()
    follow: tuple[Segment, ...] = ()
    services: tuple[str, ...] = ()
    transfer: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The body and the offer as plain text (``<Say>``, and what the web page shows)."""
        return join_text(self.body + self.offer)

    @property
    def body_text(self) -> str:
        return join_text(self.body)

    @property
    def words(self) -> int:
        return len(self.body_text.split())


def join_text(segments: Sequence[Segment]) -> str:
    return _SPACES.sub(" ", "".join(s.text for s in segments)).strip()


def ssml(segments: Sequence[Segment]) -> str:
    """espeak-ng SSML (``-m``) for ``segments``: slow parts in ``<prosody rate>``."""
    parts = []
    for segment in segments:
        text = escape(segment.text)
        if segment.slow:
            text = f'<prosody rate="{round(SLOW_RATE * 100)}%">{text}</prosody>'
        parts.append(text)
    return "<speak>" + "".join(parts) + "</speak>"


def estimate_seconds(segments: Sequence[Segment], language: str) -> float:
    """Seconds espeak-ng takes to read ``segments`` (an estimate from their length)."""
    cps, group_s = SPEECH_RATES.get(language, SPEECH_RATES["fr"])
    total = 0.0
    for segment in segments:
        if segment.slow:
            total += (segment.text.count(",") + 1) * group_s
            continue
        total += len(segment.text.strip()) / cps
        total += sum(segment.text.count(mark) * pause for mark, pause in PAUSE_S.items())
    return total


def _clean(text: str) -> str:
    """Text fit to be read: no parentheses, years, addresses, markers."""
    text = _URL.sub("", _PARENTHESES.sub("", text))
    text = _YEAR.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;:")


def spoken_name(card: InstitutionCard) -> str:
    """The institution's name as said: without what parentheses or a dash add to it."""
    name = _DESCRIPTOR.sub("", _clean(card.name))
    return name or card.name


def _clock(minutes: int, language: str) -> str:
    hours, rest = divmod(minutes, 60)
    if language == "fr":
        words = f"{french_number(hours)} heure{'s' if hours > 1 else ''}"
        return f"{words} {french_number(rest)}" if rest else words
    if language == "de":
        return f"{hours} Uhr {rest}" if rest else f"{hours} Uhr"
    return f"{hours}:{rest:02d}" if rest else str(hours)


def _days(days: Sequence[int], phrases: EarPhrases) -> str:
    if len(days) == 7:
        return phrases.every_day
    if len(days) >= 3 and list(days) == list(range(days[0], days[-1] + 1)):
        first = (phrases.days_from or phrases.days)[days[0]]
        last = (phrases.days_to or phrases.days)[days[-1]]
        return phrases.day_range.format(a=first, b=last)
    names = [phrases.days[d] for d in days]
    if len(names) == 1:
        return names[0]
    return phrases.both.format(a=", ".join(names[:-1]), b=names[-1])


def _times(times: Sequence[Interval], language: str, phrases: EarPhrases) -> str:
    ranges = [
        phrases.time_range.format(a=_clock(i.start, language), b=_clock(i.end, language))
        for i in times
    ]
    return ranges[0] if len(ranges) == 1 else phrases.both.format(a=ranges[0], b=ranges[1])


def spoken_when(window: CallWindow | None, language: str) -> str | None:
    """When to call, in ``language`` ("Monday to Friday, from 8:30 to 12"), or ``None``."""
    if window is None:
        return None
    phrases = phrases_for(language)
    if window.always:
        return phrases.always
    parts: list[str] = []
    if window.days:
        parts.append(_days(window.days, phrases))
    if window.times:
        parts.append(_times(window.times, language, phrases))
    elif window.periods:
        said = [phrases.periods[p] for p in window.periods]
        parts.append(said[0] if len(said) == 1 else phrases.both.format(a=said[0], b=said[1]))
    return ", ".join(parts) or None


def _service(
    card: InstitutionCard,
    *,
    language: str,
    what: str,
    with_hours: bool,
) -> tuple[Segment, ...]:
    """One service's sentence: what, name, the number twice (when it has one), when."""
    phrases = phrases_for(language)
    if card.phones and len(_digits(card.phones[0])) <= SHORT_NUMBER_DIGITS:
        with_hours = False  # 117, 144: the record's hours are its desk's, not the line's
    when = spoken_when(call_window(parse_hours(card.hours)), language) if with_hours else None
    tail = phrases.when.format(when=when) if when else ""
    end = "።" if language == "ti" else "."
    if not card.phones:
        named = phrases.service_named.format(what=what, name=spoken_name(card))
        return (Segment(named + tail + end + " "),)
    number = speak_phone(card.phones[0], language)
    before, middle, after = _split_template(
        phrases.service.format(what=what, name=spoken_name(card), number="\0")
    )
    return (
        Segment(before),
        Segment(number, slow=True),
        Segment(middle),
        Segment(number, slow=True),
        Segment(after + tail + end + " "),
    )


def _split_template(text: str) -> tuple[str, str, str]:
    """``a \\0 b \\0 c`` → (a, b, c): the text around the two places of the number."""
    parts = text.split("\0")
    if len(parts) != 3:
        raise ValueError(f"a service sentence must hold the number twice: {text!r}")
    return parts[0], parts[1], parts[2]


def _what(card: InstitutionCard, language: str, categories: Mapping[str, str]) -> str:
    phrases = phrases_for(language)
    return phrases.categories.get(categories.get(card.id, "autres"), phrases.categories["autres"])


def _does_service(
    card: InstitutionCard, *, language: str, does: str, with_hours: bool
) -> tuple[Segment, ...]:
    """The sentence of a card that says itself what it does ("ORP, inscription au chômage,
    recherche d'emploi : appelez le …")."""
    phrases = phrases_for(language)
    name = spoken_name(card)
    if card.phones and len(_digits(card.phones[0])) <= SHORT_NUMBER_DIGITS:
        with_hours = False
    when = spoken_when(call_window(parse_hours(card.hours)), language) if with_hours else None
    tail = phrases.when.format(when=when) if when else ""
    end = "።" if language == "ti" else "."
    before, middle, after = _split_template(
        phrases.service_does.format(name=name, does=does, number="\0")
    )
    if not card.phones:
        return (Segment(before.rstrip(" :：፡,،") + tail + end + " "),)
    number = speak_phone(card.phones[0], language)
    return (
        Segment(before),
        Segment(number, slow=True),
        Segment(middle),
        Segment(number, slow=True),
        Segment(after + tail + end + " "),
    )


def _sentence(
    card: InstitutionCard,
    *,
    language: str,
    categories: Mapping[str, str],
    does: Mapping[str, str],
    with_hours: bool,
    what: str | None = None,
) -> tuple[Segment, ...]:
    if what is None and does.get(card.id):
        return _does_service(card, language=language, does=does[card.id], with_hours=with_hours)
    return _service(
        card,
        language=language,
        what=what or _what(card, language, categories),
        with_hours=with_hours,
    )


def _distinct(cards: Sequence[InstitutionCard]) -> list[InstitutionCard]:
    """Cards in rank order, leaving out one whose number an earlier card already gives (two
    offices behind one switchboard)."""
    out: list[InstitutionCard] = []
    numbers: set[str] = set()
    for card in cards:
        number = _digits(card.phones[0]) if card.phones else None
        if number is not None and number in numbers:
            continue
        if number is not None:
            numbers.add(number)
        out.append(card)
    return out


def _offer(phrases: EarPhrases, channel: Channel, *, sms: bool) -> tuple[Segment, ...]:
    if channel == "web":
        return (Segment(phrases.offer_web + " "),)
    lines = [phrases.offer_repeat.format(key=OFFER_KEYS["repeat"])]
    if sms:
        lines.append(phrases.offer_sms.format(key=OFFER_KEYS["sms"]))
    lines.append(phrases.offer_another.format(key=OFFER_KEYS["another"]))
    lines.append(phrases.offer_person.format(key=OFFER_KEYS["person"]))
    return tuple(Segment(line + " ") for line in lines)


def _digits(number: str) -> str:
    return _DIGITS.sub("", number)


def _emergency(
    result: AskResponse,
    *,
    phrases: EarPhrases,
    channel: Channel,
    categories: Mapping[str, str],
    does: Mapping[str, str],
    sms: bool,
    seconds: Callable[[Sequence[Segment], str], float],
) -> SpokenAnswer:
    language = result.language
    numbers = [n.number for n in result.emergency_numbers][:MAX_TRANSFER_NUMBERS]
    body: list[Segment] = [Segment(phrases.emergency_intro + " ")]
    for number in numbers:
        label = phrases.emergency_labels.get(number, number)
        said = speak_phone(number, language)
        before, middle, after = _split_template(
            phrases.emergency_line.format(label=label, number="\0")
        )
        line = (
            Segment(before),
            Segment(said, slow=True),
            Segment(middle),
            Segment(said, slow=True),
            Segment(after + " "),
        )
        if body[1:] and seconds([*body, *line], language) > EMERGENCY_BUDGET_S - ESTIMATE_MARGIN_S:
            break
        body.extend(line)
    lines = {_digits(n) for n in numbers}
    services = [c for c in result.institutions if not ({_digits(p) for p in c.phones} & lines)]
    follow: list[Segment] = []
    said_ids: list[str] = []
    for card in _distinct(services):
        follow.extend(
            _sentence(card, language=language, categories=categories, does=does, with_hours=True)
        )
        said_ids.append(card.id)
        if len(said_ids) == MAX_SERVICES:
            break
    if follow:
        follow.insert(0, Segment(phrases.emergency_after + " "))
    menu = _offer(phrases, channel, sms=sms)
    if channel == "web":
        return SpokenAnswer(
            language=language,
            kind=result.kind,
            body=tuple(body + follow),
            offer=menu,
            menu=menu,
            services=tuple(said_ids),
        )
    offer = [
        Segment(phrases.transfer_line.format(number=speak_phone(n, language), key=k) + " ")
        for k, n in enumerate(numbers, start=1)
    ]
    if numbers:
        offer.append(
            Segment(phrases.transfer_stay.format(number=speak_phone(numbers[0], language)) + " ")
        )
    if follow:
        offer.append(Segment(phrases.transfer_more + " "))
    return SpokenAnswer(
        language=language,
        kind=result.kind,
        body=tuple(body),
        offer=tuple(offer),
        menu=menu,
        follow=tuple(follow),
        services=tuple(said_ids),
        transfer=tuple(numbers),
    )


def compose_spoken(
    result: AskResponse,
    *,
    channel: Channel = "web",
    categories: Mapping[str, str] | None = None,
    does: Mapping[str, str] | None = None,
    sms: bool = False,
    seconds: Callable[[Sequence[Segment], str], float] = estimate_seconds,
) -> SpokenAnswer:
    """The spoken answer to ``result`` in its language.

    Args:
        channel: ``phone`` offers keypad choices (and an emergency transfer), ``web`` says
            how to listen again.
        categories: institution id → the corpus category to say it helps with (the need of
            the question it serves); a card without one is "for your question".
        does: institution id → what the card says it does, when that is in the caller's
            language (``VoiceDomain.card_does``); said instead of the category phrase.
        sms: whether the phone offer includes "receive these numbers by SMS".
        seconds: how long segments take to say; chooses how much fits the budget.
    """
    categories = categories or {}
    does = does or {}
    language = result.language
    phrases = phrases_for(language)
    if result.kind == "emergency":
        return _emergency(
            result,
            phrases=phrases,
            channel=channel,
            categories=categories,
            does=does,
            sms=sms,
            seconds=seconds,
        )
    offer = _offer(phrases, channel, sms=sms)
    if result.kind == "out_of_scope":
        return SpokenAnswer(
            language=language,
            kind=result.kind,
            body=(Segment(phrases.out_of_scope + " "),),
            offer=offer,
            menu=offer,
        )
    if result.kind == "no_answer":
        body: list[Segment] = [Segment(phrases.no_answer + " ")]
        said: list[str] = []
        for card in result.institutions[:1]:
            body.extend(
                _sentence(
                    card,
                    language=language,
                    categories=categories,
                    does=does,
                    with_hours=True,
                    what=phrases.counter,
                )
            )
            said.append(card.id)
        return SpokenAnswer(
            language=language,
            kind=result.kind,
            body=tuple(body),
            offer=offer,
            menu=offer,
            services=tuple(said),
        )
    cards = _distinct(result.institutions)[:MAX_SERVICES]
    best: tuple[tuple[Segment, ...], tuple[str, ...]] = ((), ())
    # Most first: both services with hours, then the second without its hours, then one.
    plans = [(len(cards), True), (len(cards), False), (1, True), (1, False)]
    for count, second_hours in plans:
        segments: list[Segment] = []
        for index, card in enumerate(cards[:count]):
            segments.extend(
                _sentence(
                    card,
                    language=language,
                    categories=categories,
                    does=does,
                    with_hours=index == 0 or second_hours,
                )
            )
        best = (tuple(segments), tuple(c.id for c in cards[:count]))
        if seconds(segments, language) <= ORIENTATION_BUDGET_S - ESTIMATE_MARGIN_S:
            break
    body_segments, ids = best
    if not body_segments:
        body_segments = (Segment(phrases.no_answer + " "),)
    return SpokenAnswer(
        language=language,
        kind=result.kind,
        body=body_segments,
        offer=offer,
        menu=offer,
        services=ids,
    )
