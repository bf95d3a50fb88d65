"""Whether a site is open now, and when it next opens, said in the asker's language.

Why here and not in the records: "open now" depends on the clock, which is passed in (the
answer and its tests agree on the instant), and on the canton's time zone, Europe/Zurich,
whatever the server's. ``opening_hours-py`` evaluates the OSM syntax; this module only picks
which schedule may be evaluated at all: one dated and not stale (``settings.facts``), because
"open now" said from hours noted years ago sends people to a closed door.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import opening_hours
import yaml
from pydantic import BaseModel, ConfigDict

from assistant_api.answer.hours.render import locale_for, render_time, render_week
from ingest.facts.freshness import AGEING_DAYS, CURRENT_DAYS, freshness_status
from ingest.records import OpeningSchedule

__all__ = [
    "ZURICH",
    "HoursPhrases",
    "OpeningState",
    "RenderedHours",
    "current_schedule",
    "opening_state",
    "phrases",
    "render_hours",
]

ZURICH = ZoneInfo("Europe/Zurich")
_PHRASES = Path(__file__).with_name("phrases.yaml")


class HoursPhrases(BaseModel):
    """The words around a schedule in one language (``phrases.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    open_now: str
    closed_now: str
    closes: str
    next_opening: str
    desk: str
    phone: str


@lru_cache(maxsize=1)
def _all_phrases() -> dict[str, HoursPhrases]:
    data = yaml.safe_load(_PHRASES.read_text(encoding="utf-8"))
    return {lang: HoursPhrases.model_validate(value) for lang, value in data.items()}


def phrases(language: str) -> HoursPhrases:
    """The phrases of ``language``; French when it has none."""
    table = _all_phrases()
    return table.get(language, table["fr"])


@dataclass(frozen=True, slots=True)
class OpeningState:
    """Open or closed at ``now``, and the next change (closing or opening); ``None``: never."""

    open_now: bool
    next_change: datetime | None


def opening_state(osm: str, now: datetime) -> OpeningState:
    """The state of ``osm`` at ``now`` (an aware datetime; a naive one is read as Zurich time)."""
    local = now.replace(tzinfo=ZURICH) if now.tzinfo is None else now.astimezone(ZURICH)
    parsed = opening_hours.OpeningHours(osm, timezone=ZURICH)
    change = parsed.next_change(local)
    return OpeningState(
        open_now=bool(parsed.is_open(local)),
        next_change=change.astimezone(ZURICH) if change is not None else None,
    )


def current_schedule(
    schedules: Sequence[OpeningSchedule],
    *,
    today: date,
    current_days: int = CURRENT_DAYS,
    ageing_days: int = AGEING_DAYS,
) -> OpeningSchedule | None:
    """The first schedule that is dated and not stale (desk hours before phone hours)."""
    ordered = sorted(schedules, key=lambda s: s.channel != "desk")
    for schedule in ordered:
        status = freshness_status(
            schedule.as_of, today=today, current_days=current_days, ageing_days=ageing_days
        )
        if status in ("current", "ageing"):
            return schedule
    return None


@dataclass(frozen=True, slots=True)
class RenderedHours:
    """A schedule said in one language: the week, and the state at the given instant."""

    week: str
    status: str
    open_now: bool
    next_change: datetime | None
    channel: str


def _status(state: OpeningState, language: str) -> str:
    words = phrases(language)
    locale = locale_for(language)
    if state.next_change is None:
        return words.open_now if state.open_now else words.closed_now
    at = render_time(state.next_change.time(), locale)
    if state.open_now:
        return f"{words.open_now} · {words.closes}: {at}"
    day = locale.days["format"]["wide"][state.next_change.weekday()]
    return f"{words.closed_now} · {words.next_opening}: {day} {at}"


def render_hours(schedule: OpeningSchedule, language: str, *, now: datetime) -> RenderedHours:
    """``schedule`` in ``language`` with "open now · closes: 12:00" or the next opening."""
    state = opening_state(schedule.osm, now)
    words = phrases(language)
    return RenderedHours(
        week=render_week(schedule.osm, language),
        status=_status(state, language),
        open_now=state.open_now,
        next_change=state.next_change,
        channel=words.desk if schedule.channel == "desk" else words.phone,
    )
