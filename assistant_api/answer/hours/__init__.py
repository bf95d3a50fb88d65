"""Opening hours for people who do not read French: rendered per locale, open now or not.

:mod:`.render` writes a week of OSM ``opening_hours`` in a language with CLDR's names and
formats (Babel); :mod:`.status` says whether it is open at a given instant in Europe/Zurich
and chooses which schedule is recent enough to say so.
"""

from assistant_api.answer.hours.render import locale_for, localise_digits, render_time, render_week
from assistant_api.answer.hours.status import (
    ZURICH,
    HoursPhrases,
    OpeningState,
    RenderedHours,
    current_schedule,
    opening_state,
    phrases,
    render_hours,
)

__all__ = [
    "ZURICH",
    "HoursPhrases",
    "OpeningState",
    "RenderedHours",
    "current_schedule",
    "locale_for",
    "localise_digits",
    "opening_state",
    "phrases",
    "render_hours",
    "render_time",
    "render_week",
]
