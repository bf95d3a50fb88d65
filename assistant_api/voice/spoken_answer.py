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
:func:`~assistant_api.voice.speech_segments.estimate_seconds` (its constants are measured on
espeak-ng; ``python -m eval.bench.spoken_answers`` measures the real audio).

This module chooses *what* is said and in which order (the kinds, the budgets, the offer);
one service's sentence is :mod:`~assistant_api.voice.service_sentence`, the words for hours
:mod:`~assistant_api.voice.hours_speech`, the pieces and their timing
:mod:`~assistant_api.voice.speech_segments`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from assistant_api.models import AskResponse
from assistant_api.voice.ear_phrases import EarPhrases, phrases_for
from assistant_api.voice.service_sentence import (
    digits,
    distinct_cards,
    number_twice,
    service_sentence,
)
from assistant_api.voice.speech_segments import Segment, estimate_seconds, join_text
from assistant_api.voice.speech_text import speak_phone

__all__ = [
    "CONNECT_KEY",
    "EMERGENCY_BUDGET_S",
    "ESTIMATE_MARGIN_S",
    "MAX_SERVICES",
    "MAX_TRANSFER_NUMBERS",
    "MORE_KEY",
    "OFFER_KEYS",
    "ORIENTATION_BUDGET_S",
    "Channel",
    "SpokenAnswer",
    "compose_spoken",
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
#: The key that connects to a danger's number (117) offered after an answer that describes
#: violence not happening now; said first in the offer, the other keys keep their meaning.
CONNECT_KEY = "4"


@dataclass(frozen=True, slots=True)
class SpokenAnswer:
    """What the voice says for one answer, in parts the call flow plays separately.

    ``body`` is the answer proper; ``offer`` what is said right after it (the keypad offer;
    for an emergency on the phone, the transfer offer); ``menu`` the keypad offer alone (the
    same as ``offer`` but for an emergency); ``follow`` only for an emergency on the phone: the
    services that take over, played after the transfer offer when the caller asks for them.
    ``connect``: on the phone, the number of a danger described but not happening now, which
    the offer proposes to dial (:data:`CONNECT_KEY`).
    """

    language: str
    kind: str
    body: tuple[Segment, ...]
    offer: tuple[Segment, ...] = ()
    menu: tuple[Segment, ...] = ()
    follow: tuple[Segment, ...] = ()
    services: tuple[str, ...] = ()
    transfer: tuple[str, ...] = field(default=())
    connect: str | None = None

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


def _offer(
    phrases: EarPhrases, channel: Channel, *, sms: bool, connect: str | None = None, language: str
) -> tuple[Segment, ...]:
    """The keys offered after an answer; ``connect`` (a danger's number) is offered first."""
    if channel == "web":
        return (Segment(phrases.offer_web + " "),)
    lines = []
    if connect is not None:
        number = speak_phone(connect, language)
        lines.append(phrases.transfer_line.format(number=number, key=CONNECT_KEY))
    lines.append(phrases.offer_repeat.format(key=OFFER_KEYS["repeat"]))
    if sms:
        lines.append(phrases.offer_sms.format(key=OFFER_KEYS["sms"]))
    lines.append(phrases.offer_another.format(key=OFFER_KEYS["another"]))
    lines.append(phrases.offer_person.format(key=OFFER_KEYS["person"]))
    return tuple(Segment(line + " ") for line in lines)


def _number_line(phrases: EarPhrases, number: str, language: str) -> tuple[Segment, ...]:
    """ "Police: 117, I repeat, 117." — an emergency number with its label, said twice."""
    label = phrases.emergency_labels.get(number, number)
    line = phrases.emergency_line.format(label=label, number="\0")
    return number_twice(line, speak_phone(number, language), " ")


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
        line = _number_line(phrases, number, language)
        if body[1:] and seconds([*body, *line], language) > EMERGENCY_BUDGET_S - ESTIMATE_MARGIN_S:
            break
        body.extend(line)
    lines = {digits(n) for n in numbers}
    services = [c for c in result.institutions if not ({digits(p) for p in c.phones} & lines)]
    follow: list[Segment] = []
    said_ids: list[str] = []
    for card in distinct_cards(services):
        follow.extend(
            service_sentence(
                card, language=language, categories=categories, does=does, with_hours=True
            )
        )
        said_ids.append(card.id)
        if len(said_ids) == MAX_SERVICES:
            break
    if follow:
        follow.insert(0, Segment(phrases.emergency_after + " "))
    menu = _offer(phrases, channel, sms=sms, language=language)
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
    danger: list[Segment] = []
    connect: str | None = None
    if result.danger_numbers:  # a danger described, not happening now: its first number last
        connect = result.danger_numbers[0].number
        danger = [Segment(phrases.emergency_intro + " "), *_number_line(phrases, connect, language)]
    if channel == "web":
        connect = None
    offer = _offer(phrases, channel, sms=sms, connect=connect, language=language)
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
                service_sentence(
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
            body=(*body, *danger),
            offer=offer,
            menu=offer,
            services=tuple(said),
            connect=connect,
        )
    cards = distinct_cards(result.institutions)[:MAX_SERVICES]
    best: tuple[tuple[Segment, ...], tuple[str, ...]] = ((), ())
    # Most first: both services with hours, then the second without its hours, then one, then
    # one without its hours; a danger's number is said within the same budget.
    plans = [(len(cards), True, True), (len(cards), True, False), (1, True, False)]
    plans.append((1, False, False))
    for count, first_hours, second_hours in plans:
        segments: list[Segment] = []
        for index, card in enumerate(cards[:count]):
            segments.extend(
                service_sentence(
                    card,
                    language=language,
                    categories=categories,
                    does=does,
                    with_hours=first_hours if index == 0 else second_hours,
                )
            )
        best = (tuple(segments), tuple(c.id for c in cards[:count]))
        if seconds([*segments, *danger], language) <= ORIENTATION_BUDGET_S - ESTIMATE_MARGIN_S:
            break
    body_segments, ids = best
    if not body_segments:
        body_segments = (Segment(phrases.no_answer + " "),)
    body_segments = (*body_segments, *danger)
    return SpokenAnswer(
        language=language,
        kind=result.kind,
        body=body_segments,
        offer=offer,
        menu=offer,
        services=ids,
        connect=connect,
    )
