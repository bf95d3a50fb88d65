"""Opening hours rendered per locale, and "open now" for Europe/Zurich (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant_api.answer.hours import (
    ZURICH,
    current_schedule,
    opening_state,
    render_hours,
    render_week,
)
from ingest.records import OpeningSchedule

WEEK = "Mo-Th 08:30-11:30,14:00-16:00; Fr 08:30-11:30"
ISOLATES = str.maketrans("", "", "\u2068\u2069\u2009")


def _plain(text: str) -> str:
    return text.translate(ISOLATES)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Mon–Thu 08:30–11:30, 14:00–16:00; Fri 08:30–11:30"),
        ("de", "Mo.–Do. 08:30–11:30 Uhr, 14:00–16:00 Uhr; Fr. 08:30–11:30 Uhr"),
        ("fr", "lun.–jeu. 08:30–11:30, 14:00–16:00; ven. 08:30–11:30"),
        ("ar", "الاثنين–الخميس 08:30–11:30، 14:00–16:00؛ الجمعة 08:30–11:30"),
        ("fa", "دوشنبه–پنجشنبه ۸:۳۰ تا ۱۱:۳۰، ۱۴:۰۰ تا ۱۶:۰۰؛ جمعه ۸:۳۰ تا ۱۱:۳۰"),
    ],
)
def test_week_is_written_with_the_locales_days_times_and_digits(
    language: str, expected: str
) -> None:
    assert _plain(render_week(WEEK, language)) == expected


def test_every_time_range_is_isolated_so_rtl_text_keeps_its_order() -> None:
    text = render_week(WEEK, "ar")
    assert text.count("\u2068") == text.count("\u2069") == 3
    assert "\u206808:30–11:30\u2069" in text


def test_lists_of_days_and_a_day_running_to_midnight() -> None:
    assert _plain(render_week("Mo,We,Fr 09:00-11:00", "en")) == "Mon, Wed, Fri 09:00–11:00"
    assert _plain(render_week("Sa 20:00-24:00", "en")) == "Sat 20:00–00:00"
    assert _plain(render_week("24/7", "en")) == "Mon–Sun 00:00–24:00"


def test_open_now_in_zurich_time_whatever_the_clocks_zone() -> None:
    # 09:00 UTC on Thursday 3 December 2026 is 10:00 in Zurich (winter time).
    state = opening_state(WEEK, datetime(2026, 12, 3, 9, 0, tzinfo=UTC))
    assert state.open_now
    assert state.next_change == datetime(2026, 12, 3, 11, 30, tzinfo=ZURICH)


def test_closed_on_friday_afternoon_opens_next_on_monday() -> None:
    schedule = OpeningSchedule(osm=WEEK, source="https://example.org/horaires")
    rendered = render_hours(schedule, "en", now=datetime(2026, 12, 4, 15, 0, tzinfo=ZURICH))
    assert not rendered.open_now
    assert rendered.next_change == datetime(2026, 12, 7, 8, 30, tzinfo=ZURICH)
    assert rendered.status == "closed now · next opening: Monday 08:30"
    german = render_hours(schedule, "de", now=datetime(2026, 12, 3, 15, 0, tzinfo=ZURICH))
    assert german.status == "jetzt geöffnet · Schliessung: 16:00"


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [
        (date(2026, 10, 1), True),  # current
        (date(2025, 12, 9), True),  # ageing: still said, with its date elsewhere
        (date(2018, 4, 27), False),  # stale: never "open now"
        (None, False),  # undated: never presented as current
    ],
)
def test_only_a_dated_schedule_that_is_not_stale_is_evaluated(
    as_of: date | None, shown: bool
) -> None:
    schedule = OpeningSchedule(osm=WEEK, source="https://example.org/h", as_of=as_of)
    found = current_schedule([schedule], today=date(2026, 12, 3))
    assert (found is not None) is shown


def test_stale_threshold_comes_from_the_caller() -> None:
    schedule = OpeningSchedule(osm=WEEK, source="https://example.org/h", as_of=date(2026, 10, 1))
    assert (
        current_schedule([schedule], today=date(2026, 12, 3), current_days=10, ageing_days=30)
        is None
    )


def test_a_schedule_that_is_not_osm_syntax_is_refused() -> None:
    with pytest.raises(ValueError, match="not OSM opening_hours syntax"):
        OpeningSchedule(osm="lu-ve 8h-12h", source="https://example.org/h")
