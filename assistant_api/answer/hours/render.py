"""A week of opening hours written in the asker's language, with CLDR's names and formats.

Why Babel: day names, time formats and the way a time range is written differ per locale
(``08:30–11:30 Uhr`` in Swiss German, ``8:30 تا 11:30`` in Persian), and CLDR, which Babel
ships, has them for all thirteen languages; a hand-written table would be wrong somewhere.
The Swiss variant of a locale is used where CLDR has one (``de_CH``, ``fr_CH``…), since the
reader is in Neuchâtel. Digits follow the locale's default numbering system (Persian digits in
Persian, Latin ones in Arabic, as CLDR says); Babel formats dates with Latin digits only, so
they are mapped afterwards. Each time range is wrapped in FIRST STRONG ISOLATE … POP
DIRECTIONAL ISOLATE, so that in right-to-left text ``08:30–12:00`` keeps its order.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache

import opening_hours
from babel import Locale, UnknownLocaleError
from babel.dates import format_interval, format_skeleton, format_time

__all__ = ["Week", "locale_for", "localise_digits", "render_time", "render_week", "week_of"]

#: Per day, Monday first, the open intervals in minutes since midnight.
Week = tuple[tuple[tuple[int, int], ...], ...]

#: A Monday without public holidays in the library's calendar (no country is given).
_REFERENCE_MONDAY = datetime(2024, 1, 1)
#: The zero of the numbering systems whose digits differ from ASCII ones.
_ZEROS = {"arab": "\u0660", "arabext": "\u06f0"}
FIRST_ISOLATE = "\u2068"
POP_ISOLATE = "\u2069"
_RTL_SEPARATORS = {"list": "، ", "group": "؛ "}
_LTR_SEPARATORS = {"list": ", ", "group": "; "}


@lru_cache(maxsize=64)
def locale_for(language: str) -> Locale:
    """The Swiss locale of ``language`` when CLDR has one, else the language's own."""
    for tag in (f"{language}_CH", language):
        try:
            return Locale.parse(tag)
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("fr_CH")


def localise_digits(text: str, locale: Locale) -> str:
    """``text`` with ASCII digits written in the locale's default numbering system."""
    zero = _ZEROS.get(locale.default_numbering_system)
    if zero is None:
        return text
    return text.translate({ord("0") + i: chr(ord(zero) + i) for i in range(10)})


@lru_cache(maxsize=256)
def week_of(osm: str) -> Week:
    """The open intervals of each weekday of an OSM ``opening_hours`` string.

    Read through ``opening_hours-py`` over a reference week, so that every form the syntax
    allows (``Mo-Fr``, ``24/7``, ``Sa,Su``) comes out the same way; intervals crossing
    midnight are cut at midnight.
    """
    parsed = opening_hours.OpeningHours(osm)
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    end = _REFERENCE_MONDAY + timedelta(days=7)
    for start, stop, state, _ in parsed.intervals(_REFERENCE_MONDAY, end):
        if state != opening_hours.State.OPEN:
            continue
        cursor, stop = start.replace(tzinfo=None), min(stop.replace(tzinfo=None), end)
        while cursor < stop:
            day_end = datetime.combine(cursor.date() + timedelta(days=1), time())
            piece_end = min(stop, day_end)
            index = (cursor.date() - _REFERENCE_MONDAY.date()).days
            minutes = (cursor - datetime.combine(cursor.date(), time())).seconds // 60
            length = int((piece_end - cursor).total_seconds() // 60)
            days[index].append((minutes, minutes + length))
            cursor = piece_end
    return tuple(tuple(d) for d in days)


def _time(minutes: int) -> time:
    return time(0, 0) if minutes >= 24 * 60 else time(minutes // 60, minutes % 60)


def render_time(value: time, locale: Locale) -> str:
    """One time of day in the locale's 24-hour form (``08:30``, ``۸:۳۰``)."""
    return localise_digits(format_skeleton("Hm", value, locale=locale), locale)


def _interval(start: int, end: int, locale: Locale) -> str:
    if end - start >= 24 * 60:  # the whole day: CLDR has no form for 24:00, and 00:00 misleads
        text = f"{format_time(time(0, 0), 'HH:mm', locale=locale)}–24:00"
    else:
        text = format_interval(_time(start), _time(end), "Hm", locale=locale)
    return f"{FIRST_ISOLATE}{localise_digits(text, locale)}{POP_ISOLATE}"


def _day_runs(days: list[int], locale: Locale, separator: str) -> str:
    names = locale.days["format"]["abbreviated"]
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return separator.join(
        names[r[0]] if len(r) == 1 else f"{names[r[0]]}–{names[r[-1]]}" for r in runs
    )


def render_week(osm: str, language: str) -> str:
    """The week in ``language``: ``Mon–Thu 08:30–12:00, 13:30–17:00; Fri 08:30–16:00``.

    Days with the same intervals are grouped, consecutive ones as a range; an empty string
    when the schedule is never open (``off``).
    """
    locale = locale_for(language)
    separators = _RTL_SEPARATORS if locale.text_direction == "rtl" else _LTR_SEPARATORS
    groups: dict[tuple[tuple[int, int], ...], list[int]] = {}
    for index, intervals in enumerate(week_of(osm)):
        if intervals:
            groups.setdefault(intervals, []).append(index)
    parts = []
    for intervals, days in groups.items():
        times = separators["list"].join(_interval(a, b, locale) for a, b in intervals)
        parts.append(f"{_day_runs(days, locale, separators['list'])} {times}")
    return separators["group"].join(parts)
