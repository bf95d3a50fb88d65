"""Whether a person can take the call now, and the hours to tell a caller when nobody can.

The hand-off number (``PERMANENCE_TELEPHONY_HANDOFF_NUMBER``) is staffed during
``PERMANENCE_TELEPHONY_HANDOFF_HOURS`` (OpenStreetMap ``opening_hours`` syntax, Swiss time);
without hours, whenever a number is set. Outside them the caller hears when someone answers
(the same day-and-time words as a spoken answer), 144 and La Main Tendue (143) — never a
hang-up.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from opening_hours import OpeningHours, State

from assistant_api.voice.hours_speech import spoken_when
from assistant_api.voice.spoken_hours import Interval, WeeklyHours, call_window

__all__ = ["SWISS_TIME", "handoff_staffed", "spoken_handoff_hours", "weekly_hours"]

SWISS_TIME = ZoneInfo("Europe/Zurich")
#: A Monday: the week whose intervals describe the hours.
_REFERENCE_MONDAY = dt.datetime(2026, 1, 5)


def handoff_staffed(number: str | None, hours: str | None, now: dt.datetime) -> bool:
    """Whether a call can be transferred to ``number`` at ``now`` (aware datetime)."""
    if not number:
        return False
    if not hours:
        return True
    local = now.astimezone(SWISS_TIME).replace(tzinfo=None)
    return bool(OpeningHours(hours).is_open(local))


def weekly_hours(hours: str) -> WeeklyHours:
    """The opening hours as weekday intervals (one reference week, holidays left aside)."""
    days: dict[int, list[Interval]] = {}
    end = _REFERENCE_MONDAY + dt.timedelta(days=7)
    for start, stop, state, _comment in OpeningHours(hours).intervals(_REFERENCE_MONDAY, end):
        if state != State.OPEN:
            continue
        while start < stop:  # an interval across midnight counts on each of its days
            midnight = dt.datetime.combine(start.date() + dt.timedelta(days=1), dt.time())
            piece_end = min(stop, midnight)
            day = (start - _REFERENCE_MONDAY).days
            begin = start.hour * 60 + start.minute
            finish = begin + int((piece_end - start).total_seconds() // 60)
            days.setdefault(day, []).append(Interval(begin, finish))
            start = piece_end
    if len(days) == 7 and all(d == [Interval(0, 24 * 60)] for d in days.values()):
        return WeeklyHours(always=True)
    return WeeklyHours(days=tuple((d, tuple(spans)) for d, spans in sorted(days.items())))


def spoken_handoff_hours(hours: str | None, language: str) -> str | None:
    """When a person answers, for the ear ("du lundi au vendredi, de huit heures à midi")."""
    if not hours:
        return None
    return spoken_when(call_window(weekly_hours(hours)), language)
