"""Accept or reject a proposal: the only way a crawled fact reaches a record.

Accepting writes the value into the curated record file (only the field concerned, with its
source added to ``sources`` and ``provenance``, the field dropped from ``unconfirmed``, and an
``assured`` entry naming the reviewer and today's date), then decides the proposal, then
loads the corpus into the document store so that the API's institution cards show the new
value at once. The search index reads the record's fiche text: ``permanence index`` brings it
up to date. Anything that stops the way — unknown id, a proposal already decided, a value the
record's schema refuses, a file that changed meanwhile — raises :class:`ReviewError` and leaves
the record and the store as they were.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ingest.corpus import iter_record_files
from ingest.corpus_sync import read_institutions, sync_corpus
from ingest.errors import CorpusError
from ingest.facts.errors import AlreadyDecidedError, ReviewError, UnknownProposalError
from ingest.facts.record_edit import replace_top_level_keys, write_atomically
from ingest.records import Institution
from ingest.store import DocumentStore, FactProposal

__all__ = ["RECORD_FIELDS", "ReviewOutcome", "accept_proposal", "reject_proposal"]

logger = logging.getLogger(__name__)

#: The record field each proposal field writes.
RECORD_FIELDS = {
    "phone": "phones",
    "email": "emails",
    "address": "locations",
    "hours": "hours",
    "website": "website",
}


@dataclass(frozen=True, slots=True)
class ReviewOutcome:
    """What a decision did."""

    proposal: FactProposal
    record_path: Path | None = None
    #: Whether the document store's institutions were reloaded from the corpus.
    store_synced: bool = False
    #: Why the store was not reloaded (the corpus holds an invalid record elsewhere).
    sync_problem: str | None = None


def _pending(store: DocumentStore, proposal_id: int) -> FactProposal:
    proposal = store.proposal(proposal_id)
    if proposal is None:
        raise UnknownProposalError(
            f"no proposal with id {proposal_id}; see `permanence facts list`"
        )
    if proposal.decision != "pending":
        by = f" by {proposal.decided_by}" if proposal.decided_by else ""
        when = f" on {proposal.decided_at:%Y-%m-%d}" if proposal.decided_at else ""
        raise AlreadyDecidedError(
            f"proposal {proposal_id} is already {proposal.decision}{by}{when}; nothing changed"
        )
    return proposal


def _reread(store: DocumentStore, proposal_id: int) -> FactProposal:
    proposal = store.proposal(proposal_id)
    if proposal is None:  # deleted by hand between the decision and this read
        raise ReviewError(f"proposal {proposal_id} disappeared from the store")
    return proposal


def _record_path(corpus_dir: Path, institution_id: str) -> Path:
    for path in iter_record_files(corpus_dir):
        if path.stem == institution_id:
            return path
    raise ReviewError(f"no record file for {institution_id!r} in {corpus_dir}; nothing changed")


def _without(items: list[Any], drop: set[str], key: Any) -> list[Any]:
    return [item for item in items if key(item) not in drop]


def _new_value(record: dict[str, Any], proposal: FactProposal) -> Any:
    """The record field's value once ``proposal`` is applied."""
    field = RECORD_FIELDS[proposal.field]
    detail = proposal.detail
    drop = {str(v) for v in [*detail.get("remove", []), *detail.get("replaces", [])]}  # type: ignore[misc]
    current = record.get(field)
    if proposal.field == "hours":
        return None if proposal.status == "no_longer_found" else str(detail.get("text"))
    if proposal.field == "website":
        return None if proposal.status == "no_longer_found" else proposal.value
    items: list[Any] = list(current or [])
    if proposal.field == "phone":
        items = _without(items, drop, lambda p: p.get("number"))
        if proposal.status in ("new", "changed"):
            phone = {"number": proposal.value}
            if detail.get("label"):
                phone["label"] = str(detail["label"])
            items.append(phone)
    elif proposal.field == "email":
        items = _without(items, {d.casefold() for d in drop}, lambda e: str(e).casefold())
        if proposal.status in ("new", "changed"):
            items.append(proposal.value)
    else:
        items = _without(items, drop, lambda loc: _one_line(loc))
        if proposal.status in ("new", "changed"):
            items.append(detail["location"])
    return items


def _one_line(location: dict[str, Any]) -> str:
    from ingest.records import Location

    return Location.model_validate(location).one_line()


def _apply(raw: dict[str, Any], proposal: FactProposal, *, by: str, today: date) -> dict[str, Any]:
    """The keys of the record that change, with their new values."""
    field = RECORD_FIELDS[proposal.field]
    changes: dict[str, Any] = {field: _new_value(raw, proposal)}
    adds = proposal.status != "no_longer_found"
    sources = list(raw.get("sources") or [])
    provenance = {k: list(v) for k, v in (raw.get("provenance") or {}).items()}
    if adds:
        if proposal.source_url not in sources:
            sources.append(proposal.source_url)
            changes["sources"] = sources
        cited = provenance.setdefault(field, [])
        if proposal.source_url not in cited:
            cited.append(proposal.source_url)
            changes["provenance"] = provenance
    elif changes[field] in (None, []) and field in provenance:
        del provenance[field]
        changes["provenance"] = provenance
    unconfirmed = list(raw.get("unconfirmed") or [])
    if field in unconfirmed:
        changes["unconfirmed"] = [f for f in unconfirmed if f != field]
    assured = dict(raw.get("assured") or {})
    assured[field] = {"assured_date": today, "assured_by": by, "source": proposal.source_url}
    changes["assured"] = assured
    return changes


def accept_proposal(
    store: DocumentStore,
    proposal_id: int,
    *,
    by: str,
    corpus_dir: Path,
    today: date | None = None,
    sync_store: bool = True,
) -> ReviewOutcome:
    """Write a pending proposal's value into its record and mark it accepted.

    Args:
        store: The document store holding the proposal (and reloaded from the corpus).
        proposal_id: The proposal's id (``permanence facts list``).
        by: Who accepts (written as ``assured_by``).
        corpus_dir: The folder of curated records the value is written to.
        today: The ``assured_date`` (default: today).
        sync_store: Reload the corpus into the store afterwards (``permanence ingest``).

    Raises:
        ReviewError: the proposal is unknown or decided, or the record cannot take the
            value; nothing was changed.
    """
    if not by.strip():
        raise ReviewError("--by needs the reviewer's name; nothing changed")
    proposal = _pending(store, proposal_id)
    path = _record_path(corpus_dir, proposal.institution_id)
    original = path.read_text(encoding="utf-8")
    raw = yaml.safe_load(original)
    if not isinstance(raw, dict):
        raise ReviewError(f"{path} is not a record mapping; nothing changed")
    changes = _apply(raw, proposal, by=by.strip(), today=today or date.today())
    updated = replace_top_level_keys(original, changes)
    try:
        Institution.model_validate(yaml.safe_load(updated))
    except (ValidationError, yaml.YAMLError) as exc:
        raise ReviewError(
            f"{path} would not be a valid record with this value ({exc}); nothing changed"
        ) from exc
    write_atomically(path, updated)
    if not store.decide_proposal(proposal_id, "accepted", by=by.strip()):
        write_atomically(path, original)
        raise AlreadyDecidedError(f"proposal {proposal_id} was decided meanwhile; nothing changed")
    decided = _reread(store, proposal_id)
    if not sync_store:
        return ReviewOutcome(decided, path)
    try:
        sync_corpus(store, read_institutions(corpus_dir))
    except CorpusError as exc:
        logger.warning("accepted %d but the store was not reloaded: %s", proposal_id, exc)
        return ReviewOutcome(decided, path, sync_problem=str(exc))
    return ReviewOutcome(decided, path, store_synced=True)


def reject_proposal(
    store: DocumentStore, proposal_id: int, *, by: str, reason: str | None = None
) -> ReviewOutcome:
    """Mark a pending proposal rejected; later refreshes do not propose it again.

    Raises:
        ReviewError: the proposal is unknown or already decided; nothing was changed.
    """
    if not by.strip():
        raise ReviewError("--by needs the reviewer's name; nothing changed")
    _pending(store, proposal_id)
    if not store.decide_proposal(proposal_id, "rejected", by=by.strip(), reason=reason):
        raise AlreadyDecidedError(f"proposal {proposal_id} was decided meanwhile; nothing changed")
    decided = _reread(store, proposal_id)
    return ReviewOutcome(decided)
