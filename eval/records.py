"""What one system did with one question: the unit every metric is computed from.

The system under test and the baselines produce the same record, so the metrics, the report
and the comparison treat them alike; fields a baseline cannot fill (kind, answer, citations)
stay ``None``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SYSTEM", "Outcome"]

#: Name of the system under test in reports (baselines have their own names).
SYSTEM = "system"


class Outcome(BaseModel):
    """One system's answer to one gold question, reduced to what the metrics need."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="The gold question's id.")
    ranked: tuple[str, ...] = Field(default=(), description="Institution ids, best first.")
    kind: str | None = Field(default=None, description="Answer kind; None for baselines.")
    language: str | None = None
    answer: str = ""
    contexts: tuple[str, ...] = Field(
        default=(), description="Retrieved texts: citation snippets, or chunk texts."
    )
    context_ids: tuple[str, ...] = Field(
        default=(), description="Institution ids of the retrieved texts, in the same order."
    )
    contacts: tuple[str, ...] = Field(
        default=(),
        description="Per ranked institution, what its card shows: phone, address_hours or none.",
    )
    citation_valid: bool | None = Field(
        default=None, description="None when the answer has no citation to check."
    )
    citation_problems: tuple[str, ...] = ()
    latency_ms: float = 0.0
    error: str | None = Field(default=None, description="Why no answer came back.")
    # Spoken questions only (channel "voice", eval/voice.py); None for typed ones.
    transcript: str | None = Field(default=None, description="What speech recognition heard.")
    heard_language: str | None = Field(default=None, description="Whisper's language.")
    audio_s: float | None = Field(default=None, description="Length of the spoken question.")
    wer: float | None = Field(default=None, description="Word error rate of the transcript.")
