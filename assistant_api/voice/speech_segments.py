"""Spoken text in pieces: what espeak-ng reads (SSML) and how long it takes to say.

A spoken answer is a sequence of :class:`Segment`; phone numbers are ``slow`` so the caller
can write them down. Two things need the pieces rather than a string: the SSML that slows the
numbers (:func:`ssml`), and the estimate that decides how much of an answer fits its time
budget (:func:`estimate_seconds`), because a number read slowly costs per digit group, not
per character. The rates are measured on espeak-ng; ``python -m eval.bench.spoken_answers``
reports the estimate's error against the real audio.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

__all__ = [
    "PAUSE_S",
    "SLOW_RATE",
    "SPEECH_RATES",
    "Segment",
    "estimate_seconds",
    "join_text",
    "ssml",
]

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
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of spoken text; ``slow`` pieces (phone numbers) are read more slowly."""

    text: str
    slow: bool = False


def join_text(segments: Sequence[Segment]) -> str:
    """The segments as one plain text (``<Say>``, and what a page shows)."""
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
