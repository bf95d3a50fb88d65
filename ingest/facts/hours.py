"""Opening hours in French and German, tables and sentences, as a weekly schedule.

The schedule is a week of intervals (:class:`Schedule`), written out in OpenStreetMap's
``opening_hours`` syntax (``Mo-Th 08:30-11:30,14:00-16:00; Fr 08:30-11:30``) and normalised by
``opening_hours-py``, the maintained Rust parser of that syntax, so that two writings of the
same week compare equal. The records keep hours as French text (``lu-ve 8h-12h``), so a
schedule also renders itself that way (:meth:`Schedule.french`) for the reviewer to accept.

What is read, segment by segment (a line, or a sentence of a line): day expressions — full
names and abbreviations in French and German, OSM's English abbreviations, ranges ("du lundi
au vendredi", "Lu–Je", "Mo-Fr", "Montag bis Freitag"), lists ("lu, me, je, ve", "samedi et
dimanche"), "tous les jours", "täglich" — each followed by its time ranges ("de 8h30 à 11h30",
"08:00-12:00 / 13:30-17:00", "8.30–12 Uhr"). Intervals add up per day, so "lu-ve 8h30-11h30,
lu-je 14h-16h" gives Monday to Thursday two intervals. Consecutive segments naming different
days (the rows of a table) make one schedule; a segment naming days already seen starts the
next one ("Guichet: …. Téléphone: …" are two schedules). Times with no day ("8h30-12h") say
too little and are skipped; so are public holidays, which the records do not structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import opening_hours

from ingest.facts.models import Fact, snippet_of

__all__ = ["Schedule", "hours_facts", "parse_schedules"]

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_FR_DAYS = ("lu", "ma", "me", "je", "ve", "sa", "di")

_FULL = {
    **{n: i for i, n in enumerate(("lundi", "mardi", "mercredi", "jeudi", "vendredi"))},
    "samedi": 5,
    "dimanche": 6,
    **{n: i for i, n in enumerate(("montag", "dienstag", "mittwoch", "donnerstag", "freitag"))},
    "samstag": 5,
    "sonnabend": 5,
    "sonntag": 6,
}
_ABBR_FR = {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_ABBR_FR.update({d: i for i, d in enumerate(_FR_DAYS)})
_ABBR_DE = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}
_ABBR_EN = {d.lower(): i for i, d in enumerate(OSM_DAYS)}
_EVERY_DAY = re.compile(r"\b(?:tous les jours|7\s?j(?:ours)?\s?/\s?7|täglich|jeden tag)\b", re.I)

_DAY_WORDS = sorted({*_FULL, *_ABBR_FR, *_ABBR_DE, *_ABBR_EN}, key=len, reverse=True)
_DAY = re.compile(rf"(?<![\w])(?P<day>{'|'.join(_DAY_WORDS)})\.?(?![\w])", re.IGNORECASE)
_POINT = r"(?P<{h}>[01]?\d|2[0-4])(?:\s?(?P<{s}>[hH:.])\s?(?P<{m}>[0-5]\d)?)?"
_RANGE = re.compile(
    r"(?<![\d.:])"
    + _POINT.format(h="h1", s="s1", m="m1")
    + r"\s*(?:-|–|—|à|bis|jusqu'à)\s*"
    + _POINT.format(h="h2", s="s2", m="m2")
    + r"(?![\d])(?P<uhr>\s*(?:Uhr|h\b))?"
)
_DAY_GAP = re.compile(r"^[\s.,:;/&]*(?:au|à|bis|et|und|-|–|—|jusqu'au)?[\s.,:;/&\-–—]*$", re.I)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|—|au|à|bis|jusqu'au)\s*$", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-Ý])")
_GERMAN = re.compile(r"\b(?:Uhr|bis|und|Montag|Dienstag|Mittwoch|Donnerstag|Freitag)\b")

Interval = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Schedule:
    """A week: for each day, Monday first, its opening intervals in minutes since midnight."""

    days: tuple[tuple[Interval, ...], ...]

    def osm(self) -> str:
        """The week in OSM ``opening_hours`` syntax, normalised (``Mo-Fr 08:00-12:00``)."""
        rules = [
            f"{OSM_DAYS[i]} " + ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in intervals)
            for i, intervals in enumerate(self.days)
            if intervals
        ]
        return str(opening_hours.OpeningHours("; ".join(rules)).normalize())

    def french(self) -> str:
        """The week as the records write it: ``lu-je 8h30-11h30, 14h-16h; ve 8h30-11h30``."""
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for i, intervals in enumerate(self.days):
            if intervals:
                groups.setdefault(intervals, []).append(i)
        parts = []
        for intervals, days in groups.items():
            times = ", ".join(f"{_fr_time(a)}-{_fr_time(b)}" for a, b in intervals)
            parts.append(f"{_fr_days(days)} {times}")
        return "; ".join(parts)

    @classmethod
    def from_osm(cls, text: str) -> Schedule | None:
        """A schedule from an OSM/schema.org string (``Mo-Fr 09:00-17:00``); ``None`` if none."""
        found = parse_schedules(text, language="en")
        return found[0] if found else None


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _fr_time(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def _fr_days(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ", ".join(
        _FR_DAYS[r[0]] if len(r) == 1 else f"{_FR_DAYS[r[0]]}-{_FR_DAYS[r[-1]]}" for r in runs
    )


def _day_index(word: str, language: str) -> int:
    word = word.lower().rstrip(".")
    if word in _FULL:
        return _FULL[word]
    if language == "de" and word in _ABBR_DE:
        return _ABBR_DE[word]
    if language == "en" and word in _ABBR_EN:
        return _ABBR_EN[word]
    if word in _ABBR_FR:
        return _ABBR_FR[word]
    return _ABBR_DE.get(word, _ABBR_EN.get(word, -1))


def _minutes(hour: str, minute: str | None) -> int:
    return int(hour) * 60 + (int(minute) if minute else 0)


def _ranges(segment: str) -> list[tuple[int, int, Interval]]:
    found = []
    for match in _RANGE.finditer(segment):
        explicit = match.group("s1") or match.group("s2") or match.group("uhr")
        if not explicit:
            continue
        start = _minutes(match.group("h1"), match.group("m1"))
        end = _minutes(match.group("h2"), match.group("m2"))
        if 0 <= start < end <= 24 * 60:
            found.append((match.start(), match.end(), (start, end)))
    return found


@dataclass(frozen=True, slots=True)
class _Token:
    """A day word (``day``: its index, or ``all`` for every day) or a time range."""

    start: int
    end: int
    kind: str
    day: int = 0
    interval: Interval = (0, 0)


def _tokens(segment: str, language: str) -> list[_Token]:
    tokens = [_Token(start, end, "time", interval=iv) for start, end, iv in _ranges(segment)]
    spans = [(t.start, t.end) for t in tokens]
    for match in _DAY.finditer(segment):
        if any(s <= match.start() < e for s, e in spans):
            continue
        index = _day_index(match.group("day"), language)
        if index >= 0:
            tokens.append(_Token(match.start(), match.end(), "day", day=index))
    for match in _EVERY_DAY.finditer(segment):
        tokens.append(_Token(match.start(), match.end(), "all"))
    return sorted(tokens, key=lambda t: t.start)


def _weak_day_ok(segment: str, token: _Token, tokens: list[_Token]) -> bool:
    """An abbreviation ("ma", "me", "di") counts as a day only right before a time or a day."""
    following = [t for t in tokens if t.start >= token.end]
    if not following:
        return False
    nxt = following[0]
    return nxt.start - token.end <= 16 and bool(_DAY_GAP.match(segment[token.end : nxt.start]))


def _segment_week(segment: str, language: str) -> dict[int, set[Interval]]:
    """Day → intervals named in one segment (empty when it names no day with a time)."""
    tokens = _tokens(segment, language)
    if not any(t.kind == "time" for t in tokens):
        return {}
    week: dict[int, set[Interval]] = {}
    days: set[int] = set()
    pending: list[Interval] = []
    last: _Token | None = None
    attached = False  # whether the current days already received a time

    def add(interval: Interval) -> None:
        for day in days:
            week.setdefault(day, set()).add(interval)

    for token in tokens:
        if token.kind == "time":
            if days:
                add(token.interval)
                attached = True
            else:
                pending.append(token.interval)
            last = token
            continue
        is_full = token.kind == "all" or segment[token.start : token.end].lower() in _FULL
        follows_day = last is not None and last.kind != "time" and not attached
        if not is_full and not follows_day and not _weak_day_ok(segment, token, tokens):
            continue
        new = set(range(7)) if token.kind == "all" else {token.day}
        gap = segment[last.end : token.start] if last is not None else ""
        if follows_day and last is not None and _DAY_GAP.match(gap):
            ranged = token.kind == last.kind == "day" and _RANGE_GAP.match(gap)
            if ranged and last.day <= token.day:
                new = set(range(last.day, token.day + 1))
            days |= new
        else:
            days = new
            for interval in pending:
                add(interval)
            attached = bool(pending)
            pending = []
        last = token
    return week


def _segments(text: str) -> Iterator[tuple[int, int]]:
    offset = 0
    for line in text.split("\n"):
        start = 0
        for match in _SENTENCE.finditer(line):
            yield offset + start, offset + match.start()
            start = match.end()
        yield offset + start, offset + len(line)
        offset += len(line) + 1


def _language(text: str, language: str | None) -> str:
    if language:
        return language.split("-")[0].lower()
    return "de" if _GERMAN.search(text) else "fr"


def _schedule(week: dict[int, set[Interval]]) -> Schedule:
    return Schedule(days=tuple(tuple(sorted(week.get(i, ()))) for i in range(7)))


def parse_schedules_with_spans(
    text: str, *, language: str | None = None
) -> list[tuple[Schedule, int, int]]:
    """Every schedule of ``text`` with the span of text it was read from."""
    lang = _language(text, language)
    found: list[tuple[Schedule, int, int]] = []
    current: dict[int, set[Interval]] = {}
    span = (0, 0)
    for start, end in _segments(text):
        week = _segment_week(text[start:end], lang)
        if not week:
            if current:
                found.append((_schedule(current), *span))
                current = {}
            continue
        if current and not (set(week) & set(current)):
            for day, intervals in week.items():
                current[day] = set(intervals)
            span = (span[0], end)
            continue
        if current:
            found.append((_schedule(current), *span))
        current, span = week, (start, end)
    if current:
        found.append((_schedule(current), *span))
    return found


def parse_schedules(text: str, *, language: str | None = None) -> list[Schedule]:
    """Every weekly schedule written in ``text``, in order (see the module rules).

    Args:
        language: ``fr``, ``de`` or ``en`` (OSM abbreviations); decides what "di" is
            (dimanche in French, Dienstag in German). ``None``: German when the text has
            German words ("Uhr", "bis"), else French.
    """
    return [schedule for schedule, _, _ in parse_schedules_with_spans(text, language=language)]


def hours_facts(
    text: str, url: str, *, language: str | None = None, page_date: str | None = None
) -> Iterator[Fact]:
    """Every schedule of ``text`` as an ``hours`` fact (value: normalised OSM syntax)."""
    for schedule, start, end in parse_schedules_with_spans(text, language=language):
        yield Fact(
            kind="hours",
            value=schedule.osm(),
            source_url=url,
            snippet=snippet_of(text, start, end, margin=0),
            page_date=page_date,
        )
