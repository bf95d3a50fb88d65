"""Request and response models of the public API: the answer contract.

The shapes are fixed by ``../shared/docs/architecture.md`` ("The answer contract"); the voice
channel, the widget, the OpenAI facade and the evaluation suite all consume ``AskResponse``.
"""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "AnswerKind",
    "AskRequest",
    "AskResponse",
    "Citation",
    "Clarification",
    "EmergencyNumber",
    "FeedbackRating",
    "FeedbackReceipt",
    "FeedbackRequest",
    "InstitutionCard",
    "Timings",
]

AnswerKind = Literal["orientation", "emergency", "out_of_scope", "no_answer"]


class AskRequest(BaseModel):
    """A question from a person or a professional."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, description="The question, in any supported language.")
    language: str | None = Field(
        default=None, pattern=r"^[a-z]{2,3}$", description="ISO 639-1 code; wins over detection."
    )
    audience: Literal["public", "professional"] = "public"
    commune: str | None = Field(default=None, max_length=80)
    top_k: int | None = Field(
        default=None, ge=1, le=10, strict=True, description="Institutions to return."
    )
    conversation_id: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_-]{16,64}$",
        description="AskResponse.conversation_id of the earlier answer, to ask a follow-up "
        "('et si j'habite à Boudry ?'); unknown or expired ids start a new conversation.",
    )


class Citation(BaseModel):
    """A retrieved document that a statement of the answer relies on."""

    n: int = Field(ge=1)
    title: str
    url: str
    kind: Literal["gsr", "web", "intranet", "file"]
    snippet: str
    fetched_at: str
    institution_id: str | None = None
    audience: Literal["public", "professional"] = "public"


class InstitutionCard(BaseModel):
    """One institution to contact, with what it can do for this question.

    ``why`` says what it does for this need in the answer's language, without its name (the
    name is ``name``: written once); ``phones`` and ``address`` start with the number and the
    site that serve the asker's commune.
    """

    id: str
    name: str
    acronym: str | None = None
    why: str
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    website: str | None = None
    address: str | None = None
    #: Opening hours: written in the answer's language when the site has a dated, recent
    #: structured schedule (``Mon–Thu 08:30–12:00``), else the record's French text.
    hours: str | None = None
    #: Whether the site is open at the time of the answer (Europe/Zurich); ``None`` when no
    #: recent structured schedule is known, so nothing is claimed.
    open_now: bool | None = None
    #: The same in words, with the closing time or the next opening, in the answer's language
    #: ("open now · closes: 12:00"); ``None`` with ``open_now``.
    opening: str | None = None
    #: One note on the age of the facts shown ("last checked in 2015…"), in the answer's
    #: language; ``None`` when they are recent or undated but not doubted.
    note: str | None = None
    service_area: list[str] = Field(default_factory=list)
    citations: list[int] = Field(default_factory=list)
    score: float = 0.0


class EmergencyNumber(BaseModel):
    number: str
    label: str


class Timings(BaseModel):
    total: float = 0.0
    retrieval: float = 0.0
    generation: float = 0.0


class Clarification(BaseModel):
    """What the assistant asks back, in the answer's language."""

    field: Literal["commune", "age", "permit"]
    question: str


class AskResponse(BaseModel):
    """The answer contract returned by ``POST /v1/ask`` and ``permanence ask --json``."""

    kind: AnswerKind
    language: str
    direction: Literal["ltr", "rtl"] = "ltr"
    answer: str
    institutions: list[InstitutionCard] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    emergency_numbers: list[EmergencyNumber] = Field(default_factory=list)
    danger_numbers: list[EmergencyNumber] = Field(
        default_factory=list,
        description='For a danger described but not happening now ("he hits me when he '
        'drinks"): the numbers to call if it happens, said after the services, without the '
        "alarm of an emergency answer.",
    )
    confidence: float = 0.0
    commune: str | None = Field(
        default=None,
        description="The commune the answer was routed for: the one given, else the one the "
        "question names; null when none is known.",
    )
    timings_ms: Timings = Field(default_factory=Timings)
    answer_id: str = Field(
        default_factory=lambda: uuid.uuid4().hex,
        description="Opaque id of this answer; send it back with POST /v1/feedback.",
    )
    conversation_id: str | None = Field(
        default=None,
        description="The conversation this answer belongs to; send it with the next question. "
        "Kept 30 minutes after the last question, redacted, never on disk.",
    )
    clarification: Clarification | None = Field(
        default=None,
        description="One question the assistant asks back when the answer depends on it "
        "(where the person lives); null otherwise.",
    )


FeedbackRating = Literal["helpful", "not_helpful", "wrong_institution"]


class FeedbackRequest(BaseModel):
    """What the asker (or a professional) thought of one answer."""

    model_config = ConfigDict(extra="forbid")

    answer_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="AskResponse.answer_id.")
    rating: FeedbackRating
    institution_id: str | None = Field(
        default=None,
        max_length=120,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        description="With wrong_institution: the card that was wrong.",
    )
    comment: str | None = Field(
        default=None, max_length=1000, description="Free text; personal data is redacted."
    )


class FeedbackReceipt(BaseModel):
    accepted: bool = True
    answer_id: str
