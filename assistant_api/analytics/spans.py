"""Found personal data as spans of a text, and the text with each span replaced by its label.

The identifier patterns (``identifiers.py``), the name rules (``names.py``) and Presidio all
report spans; they overlap freely (an IBAN's digits are also a digit run), so overlapping spans
are merged into one placeholder before anything is replaced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Span", "replace_spans"]


@dataclass(frozen=True, slots=True)
class Span:
    """Characters ``start:end`` of a text are personal data of kind ``label`` (``PHONE``…)."""

    start: int
    end: int
    label: str


def replace_spans(text: str, spans: Iterable[Span]) -> str:
    """``text`` with every span replaced by ``<LABEL>``; overlapping spans become one.

    When spans overlap, the placeholder takes the label of the one that starts first (the
    longest of those): "CH93 0076 …" is an IBAN even though its digits also look like a number.
    """
    ordered = sorted(
        (s for s in spans if s.end > s.start), key=lambda s: (s.start, -(s.end - s.start))
    )
    merged: list[Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = Span(last.start, span.end, last.label)
            continue
        merged.append(span)
    out: list[str] = []
    cursor = 0
    for span in merged:
        out.append(text[cursor : span.start])
        out.append(f"<{span.label}>")
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)
