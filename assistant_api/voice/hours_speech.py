"""When to call, in words: a :class:`~assistant_api.voice.spoken_hours.CallWindow` said in
the caller's language ("Monday to Friday, from 8:30 to 12").

Kept apart from the parsing of hours (``spoken_hours``) because it is the other half of the
job: parsing decides what is certainly true, this decides how it sounds. It is shared by the
spoken answer (a service's hours) and the hand-off (when a person answers), so both say days
and times the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant_api.voice.ear_phrases import EarPhrases, phrases_for
from assistant_api.voice.speech_text import french_number
from assistant_api.voice.spoken_hours import CallWindow, Interval

__all__ = ["spoken_when"]


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
