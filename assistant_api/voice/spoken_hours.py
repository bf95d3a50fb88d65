"""Opening hours for the ear: a record's free French text → when a caller can be sure to call.

Records write hours as people do ("lu-ve 8h30-12h, 13h30-17h (2018)", "24h/24, 7j/7",
"ma-ve l'après-midi"). Read out as written, a caller hears years, parentheses and a list they
cannot keep in mind. :func:`parse_hours` reads the common shapes into :class:`WeeklyHours`;
:func:`call_window` reduces them to one thing to remember — the days, and the times open on
*every* one of those days (lunch breaks and a short Friday included) — so what is said is
always true, if less than complete. Text that does not parse gives ``None``: then nothing is
said about hours rather than something wrong. Years, labels ("Permanence de Fleurier:") and
notes in parentheses are dropped before parsing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["ANY_DAY", "CallWindow", "Interval", "WeeklyHours", "call_window", "parse_hours"]

#: A time of day in minutes after midnight.
Minute = int
#: Period words → the span they name, for "le matin", "l'après-midi"… (minutes).
PERIODS: dict[str, tuple[Minute, Minute]] = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (14 * 60, 17 * 60),
    "evening": (18 * 60, 21 * 60),
    "night": (21 * 60, 24 * 60),
}

_DAYS = ("lu", "ma", "me", "je", "ve", "sa", "di")
_DAY_WORDS: dict[str, int] = {
    **{d: i for i, d in enumerate(_DAYS)},
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
    "lun": 0,
    "mar": 1,
    "mer": 2,
    "jeu": 3,
    "ven": 4,
    "sam": 5,
    "dim": 6,
}
_PERIOD_WORDS: dict[str, str] = {
    "matin": "morning",
    "matins": "morning",
    "apres-midi": "afternoon",
    "soir": "evening",
    "soirs": "evening",
    "nuit": "night",
}
_PARENTHESES = re.compile(r"\([^)]*\)")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TIME = r"(\d{1,2})\s*h\s*(\d{2})?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|a)\s*" + _TIME)
_ALWAYS = re.compile(r"24\s*h\s*/\s*24|24/24|24\s*h\s*sur\s*24|jour et nuit")
_EVERY_DAY = re.compile(r"7\s*j\s*/\s*7|7/7|tous les jours|7 jours sur 7|toute l'annee")
_WEEKDAYS = re.compile(r"\ben semaine\b|jours ouvrables")
_DAY_RANGE = re.compile(r"\b([a-z]{2,8})\s*(?:-|–|au|a)\s*([a-z]{2,8})\b")
_WORD = re.compile(r"[a-z][a-z'-]*")
#: Words a day segment may contain besides days, times and periods.
_FILLER = frozenset(
    {
        *("le", "la", "les", "l", "et", "du", "au", "a", "de", "des", "sur", "uniquement"),
        *("ouvert", "ouverte", "permanence", "accueil", "secretariat", "telephonique"),
    }
)


@dataclass(frozen=True, slots=True)
class Interval:
    """Open from ``start`` to ``end`` (minutes after midnight)."""

    start: Minute
    end: Minute
    #: The period word it was written as ("le matin"), when no clock time was given.
    period: str | None = None


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """When a service is open: always, or per weekday (0 = Monday) a tuple of intervals.

    A day present with no interval is open at times the text does not give ("mercredi").
    """

    always: bool = False
    days: tuple[tuple[int, tuple[Interval, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class CallWindow:
    """What to tell a caller: ``always``, else the days and the times open on all of them.

    ``periods`` holds period names ("morning") when the text gave no clock times.
    """

    always: bool = False
    days: tuple[int, ...] = ()
    times: tuple[Interval, ...] = ()
    periods: tuple[str, ...] = ()


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("l'apres-midi", "apres-midi").replace("apres midi", "apres-midi")


def _minutes(hours: str, minutes: str | None) -> Minute | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59:
        return None
    return h * 60 + m


def _days_of(text: str) -> list[int] | None:
    """Weekdays a segment's day part names ("lu-ve", "sa, di", "mercredi et lundi")."""
    days: list[int] = []
    rest = text
    for match in _DAY_RANGE.finditer(text):
        first, last = _DAY_WORDS.get(match.group(1)), _DAY_WORDS.get(match.group(2))
        if first is None or last is None:
            continue
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days.extend(span)
        rest = rest.replace(match.group(0), " ")
    for word in _WORD.findall(rest):
        if word in _DAY_WORDS:
            days.append(_DAY_WORDS[word])
        elif word.rstrip("s") in _DAY_WORDS:  # "les mercredis"
            days.append(_DAY_WORDS[word.rstrip("s")])
        elif word not in _FILLER and word not in _PERIOD_WORDS:
            return None
    return sorted(set(days))


#: Day key for times given without days ("8h30-12h et 13h30-16h"): said without days.
ANY_DAY = -1


def _segment(text: str) -> tuple[list[int], tuple[Interval, ...]] | None:
    """One part of a segment: its days (``[]`` when none named) and its times."""
    intervals: list[Interval] = []
    for match in _RANGE.finditer(text):
        start, end = _minutes(match.group(1), match.group(2)), _minutes(*match.group(3, 4))
        if start is None or end is None or end <= start:
            return None
        intervals.append(Interval(start, end))
    rest = _RANGE.sub(" ", text)
    every_day = bool(_EVERY_DAY.search(rest))
    weekdays = bool(_WEEKDAYS.search(rest))
    rest = _WEEKDAYS.sub(" ", _EVERY_DAY.sub(" ", rest))
    periods = [_PERIOD_WORDS[w] for w in _WORD.findall(rest) if w in _PERIOD_WORDS]
    days = _days_of(rest.replace(",", " "))
    if days is None:
        return None
    if every_day:
        days = list(range(7))
    elif weekdays:
        days = sorted({*days, 0, 1, 2, 3, 4})
    if not intervals:
        intervals = [Interval(*PERIODS[p], period=p) for p in dict.fromkeys(periods)]
    if not days and not intervals:
        return None
    return days, tuple(intervals)


def _parts(segment: str) -> list[str]:
    """A segment cut where a comma or "et" introduces other days ("mardi soir et jeudi matin",
    "lu, me 9h-11h"); days without times then take the next part's times."""
    day_words = "|".join(sorted(_DAY_WORDS, key=len, reverse=True))
    return [p for p in re.split(rf"(?:,|\bet\b)\s*(?=(?:{day_words})\b)", segment) if p.strip()]


def parse_hours(text: str | None) -> WeeklyHours | None:
    """The hours a record's text gives, or ``None`` when it cannot be read with certainty.

    A part that does not parse is left out (what is kept stays true); times given without
    days are kept under :data:`ANY_DAY`.
    """
    if not text or not text.strip():
        return None
    folded = _fold(text)
    if _ALWAYS.search(folded):
        return WeeklyHours(always=True)
    folded = _YEAR.sub(" ", _PARENTHESES.sub(" ", folded))
    parsed: dict[int, tuple[Interval, ...]] = {}
    for raw in folded.split(";"):
        segment = raw.strip(" .,")
        if ":" in segment:  # "permanence de fleurier: je 13h30-17h", "des le 5 janvier: …"
            segment = segment.rsplit(":", 1)[1].strip()
        found = [_segment(part.strip(" .,")) for part in _parts(segment)]
        if not found or None in found:
            # One part unread ("juillet-août, ma-me-je") may restrict the rest: skip it all.
            continue
        pending: list[int] = []  # "sa, di 8h-12h": days waiting for the next part's times
        for days, intervals in (f for f in found if f is not None):
            if not intervals and days:
                pending.extend(days)
                continue
            for day in [*pending, *days] or [ANY_DAY]:
                merged = {*parsed.get(day, ()), *intervals}
                parsed[day] = tuple(sorted(merged, key=lambda i: (i.start, i.end)))
            pending = []
        for day in pending:
            parsed.setdefault(day, ())
    if not parsed:
        return None
    if len(parsed) > 1:
        parsed.pop(ANY_DAY, None)
    return WeeklyHours(days=tuple(sorted(parsed.items())))


def _intersect(a: tuple[Interval, ...], b: tuple[Interval, ...]) -> tuple[Interval, ...]:
    out: list[Interval] = []
    for x in a:
        for y in b:
            start, end = max(x.start, y.start), min(x.end, y.end)
            if end > start:
                same = x.period if x.period == y.period else None
                out.append(Interval(start, end, period=same))
    return tuple(out)


def call_window(hours: WeeklyHours | None) -> CallWindow | None:
    """One window to say: the days, and the times open on every one of them.

    When no time is shared by all the days (one day mornings, another afternoons), the window
    keeps the days of the first interval only, so what is said stays true.
    """
    if hours is None:
        return None
    if hours.always:
        return CallWindow(always=True)
    timed = [(day, spans) for day, spans in hours.days if spans]
    if not timed:
        return CallWindow(days=tuple(day for day, _ in hours.days))
    common = timed[0][1]
    for _day, spans in timed[1:]:
        common = _intersect(common, spans)
    days = tuple(day for day, _ in timed if day != ANY_DAY)
    if not common:
        first = timed[0][1][0]
        days = tuple(
            day
            for day, spans in timed
            if day != ANY_DAY and _intersect((first,), spans) == (first,)
        )
        common = (first,)
    periods = tuple(i.period for i in common if i.period is not None)
    if len(periods) == len(common):
        return CallWindow(days=days, periods=periods)
    return CallWindow(days=days, times=common[:2])
