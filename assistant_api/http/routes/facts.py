"""The data steward's review of fact proposals, and the stewardship view (issue 19).

``permanence facts refresh`` stores proposals in the document store; these routes let a
steward list them and accept or reject one, as ``permanence facts accept|reject`` does
(``ingest.facts``: the record file is edited, its ``assured`` entry written, the store
reloaded, and the running assistant's records updated, so that cards and answers show the
value and its date at once; the search index follows at the next ``permanence index``).
Behind a steward token (``PERMANENCE_STEWARD_TOKENS``) or the admin token. Errors: an
unknown id is 404, a decided proposal 409, a value the record refuses 422 — and each leaves
everything as it was.

``GET /pro/facts`` is the console's page for it (``static/pro-facts.html``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from assistant_api.http.deps import ServicesDep, require_steward
from assistant_api.http.routes.frontend import PAGE_CSP, STATIC_DIR
from assistant_api.services import Services
from ingest.corpus import load_institution
from ingest.facts import (
    AlreadyDecidedError,
    InstitutionFacts,
    ReviewError,
    UnknownProposalError,
    accept_proposal,
    most_used,
    oldest_or_missing,
    reject_proposal,
)
from ingest.store import FactProposal, ProposalField, ProposalStatus

__all__ = ["router"]

#: Seconds the stewardship view waits for queued analytics events to be stored.
FLUSH_TIMEOUT_S = 2.0

router = APIRouter(
    tags=["facts"],
    responses={401: {"description": "data steward token required"}},
)
_steward = [Depends(require_steward)]


class ProposalOut(BaseModel):
    """One proposal, as ``permanence facts list --json`` prints it."""

    id: int
    institution_id: str
    field: str
    value: str | None
    current_value: str | None
    status: str
    source_url: str
    snippet: str
    page_date: str | None
    seen_at: str
    first_seen_at: str
    decision: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None

    @classmethod
    def of(cls, proposal: FactProposal) -> ProposalOut:
        return cls.model_validate(proposal.as_json())


class ProposalList(BaseModel):
    count: int
    proposals: list[ProposalOut]


class DecisionIn(BaseModel):
    """Who decides, and why (the reason is kept with a rejection)."""

    reviewer: str = Field(min_length=1, max_length=200, pattern=r"\S")
    reason: str | None = Field(default=None, max_length=1000)


class DecisionOut(BaseModel):
    proposal: ProposalOut
    #: Accepting: the record file written, and whether the store was reloaded from the corpus.
    record_updated: bool
    store_synced: bool
    sync_problem: str | None = None


class FactAgeOut(BaseModel):
    field: str
    status: Literal["current", "ageing", "stale", "unknown"]
    assured_date: date | None


class InstitutionFactsOut(BaseModel):
    id: str
    name: str
    facts: list[FactAgeOut]
    missing: list[str]
    oldest: date | None
    pending: int
    answers: int
    to_check: int

    @classmethod
    def of(cls, row: InstitutionFacts) -> InstitutionFactsOut:
        return cls(
            **{k: v for k, v in asdict(row).items() if k != "facts"},
            facts=[FactAgeOut.model_validate(asdict(f)) for f in row.facts],
            to_check=row.to_check,
        )


class Stewardship(BaseModel):
    """Where checking pays most."""

    today: date
    current_days: int
    ageing_days: int
    days: int = Field(description="Answers counted over this many days.")
    oldest_or_missing: list[InstitutionFactsOut]
    pending_count: int
    pending: list[ProposalOut]
    most_used: list[InstitutionFactsOut]
    usage_note: str


USAGE_NOTE = (
    "Answers record the institutions they named, not which of their facts were shown: "
    "use is counted per institution."
)


def _decide(
    services: Services, proposal_id: int, body: DecisionIn, decision: Literal["accept", "reject"]
) -> DecisionOut:
    store = services.runtime.store
    try:
        if decision == "reject":
            outcome = reject_proposal(store, proposal_id, by=body.reviewer, reason=body.reason)
        else:
            outcome = accept_proposal(
                store, proposal_id, by=body.reviewer, corpus_dir=services.settings.corpus_dir
            )
    except UnknownProposalError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, str(exc)) from exc
    except AlreadyDecidedError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    except ReviewError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
    if outcome.record_path is not None and outcome.store_synced:
        # As the reindex job does: the cards and answers of this process read these records;
        # the search index learns the fiche's new text at the next `permanence index`.
        record = load_institution(outcome.record_path)
        services.runtime.service.institutions[record.id] = record
    return DecisionOut(
        proposal=ProposalOut.of(outcome.proposal),
        record_updated=outcome.record_path is not None,
        store_synced=outcome.store_synced,
        sync_problem=outcome.sync_problem,
    )


ProposalId = Annotated[int, Path(ge=1)]


@router.get("/v1/facts/proposals", response_model=ProposalList, dependencies=_steward)
async def list_proposals(
    services: ServicesDep,
    decision: Literal["pending", "accepted", "rejected", "withdrawn", "all"] = "pending",
    institution: Annotated[str | None, Query(max_length=200)] = None,
    proposal_status: Annotated[ProposalStatus | None, Query(alias="status")] = None,
    field: ProposalField | None = None,
) -> ProposalList:
    """Proposals, filtered like ``permanence facts list``; ordered by institution and field."""
    found = await run_in_threadpool(
        services.runtime.store.proposals,
        decision=None if decision == "all" else decision,
        institution_id=institution,
        status=proposal_status,
    )
    shown = [ProposalOut.of(p) for p in found if field is None or p.field == field]
    return ProposalList(count=len(shown), proposals=shown)


@router.post(
    "/v1/facts/proposals/{proposal_id}/accept",
    response_model=DecisionOut,
    dependencies=_steward,
    responses={404: {}, 409: {}, 422: {}},
)
async def accept(services: ServicesDep, proposal_id: ProposalId, body: DecisionIn) -> DecisionOut:
    """Write the proposal's value into its record (dated today, signed by the reviewer)."""
    return await run_in_threadpool(_decide, services, proposal_id, body, "accept")


@router.post(
    "/v1/facts/proposals/{proposal_id}/reject",
    response_model=DecisionOut,
    dependencies=_steward,
    responses={404: {}, 409: {}, 422: {}},
)
async def reject(services: ServicesDep, proposal_id: ProposalId, body: DecisionIn) -> DecisionOut:
    """Mark the proposal rejected; later refreshes do not propose it again."""
    return await run_in_threadpool(_decide, services, proposal_id, body, "reject")


def _stewardship(services: Services, *, days: int, limit: int) -> Stewardship:
    services.recorder.flush(FLUSH_TIMEOUT_S)
    store = services.runtime.store
    records = store.institutions()
    pending = store.proposals(decision="pending")
    per_institution = Counter(p.institution_id for p in pending)
    answers = services.analytics.institution_counts(days=days)
    facts = services.settings.facts
    today = date.today()
    current, ageing = facts.current_days, facts.ageing_days
    worst = oldest_or_missing(
        records,
        today=today,
        current_days=current,
        ageing_days=ageing,
        pending=per_institution,
        answers=answers,
        limit=limit,
    )
    used = most_used(
        records,
        answers,
        today=today,
        current_days=current,
        ageing_days=ageing,
        pending=per_institution,
        limit=limit,
    )
    return Stewardship(
        today=today,
        current_days=current,
        ageing_days=ageing,
        days=days,
        oldest_or_missing=[InstitutionFactsOut.of(r) for r in worst],
        pending_count=len(pending),
        pending=[ProposalOut.of(p) for p in pending[:limit]],
        most_used=[InstitutionFactsOut.of(r) for r in used],
        usage_note=USAGE_NOTE,
    )


@router.get("/v1/facts/stewardship", response_model=Stewardship, dependencies=_steward)
async def stewardship(
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=3650)] = 90,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> Stewardship:
    """The institutions with the oldest or missing facts, the pending proposals, and the
    institutions answers named most, with the age of their facts."""
    return await run_in_threadpool(_stewardship, services, days=days, limit=limit)


@router.get("/pro/facts", include_in_schema=False)
async def steward_page() -> FileResponse:
    """The console's review page (no data in it: it asks the routes above with the token)."""
    headers = {
        "Content-Security-Policy": PAGE_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }
    return FileResponse(
        STATIC_DIR / "pro-facts.html", media_type="text/html; charset=utf-8", headers=headers
    )
