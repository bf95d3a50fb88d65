"""The proposal table: refresh semantics (seen again, withdrawn, rejected) and decisions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.facts import (
    AlreadyDecidedError,
    ReviewError,
    UnknownProposalError,
    accept_proposal,
    reject_proposal,
)
from ingest.store import DocumentStore, ProposalDraft

pytestmark = pytest.mark.integration

T1 = datetime(2026, 11, 1, tzinfo=UTC)
T2 = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentStore]:
    with DocumentStore(tmp_path / "documents.db") as opened:
        yield opened


def _draft(value: str, *, institution: str = "a", seen: datetime | None = None) -> ProposalDraft:
    return ProposalDraft(
        institution_id=institution,
        field="email",
        value_key=value.casefold(),
        value=value,
        current_value=None,
        status="new",
        source_url="https://a.ch/contact",
        seen_at=seen,
    )


def test_a_second_refresh_updates_withdraws_and_keeps_other_institutions(
    store: DocumentStore,
) -> None:
    first = store.sync_proposals(
        [_draft("x@a.ch", seen=T1), _draft("y@a.ch"), _draft("z@b.ch", institution="b")],
        institution_ids=["a", "b"],
        seen_at=T1,
    )
    assert (first.added, first.seen_again, first.withdrawn) == (3, 0, 0)
    again = store.sync_proposals([_draft("x@a.ch", seen=T2)], institution_ids=["a"], seen_at=T2)
    assert (again.added, again.seen_again, again.withdrawn) == (0, 1, 1)
    pending = store.proposals()
    assert [(p.institution_id, p.value, p.seen_at) for p in pending] == [
        ("a", "x@a.ch", T2),
        ("b", "z@b.ch", T1),
    ]
    assert pending[0].first_seen_at == T1
    withdrawn = store.proposals(decision="withdrawn")
    assert [p.value for p in withdrawn] == ["y@a.ch"]


def test_a_rejected_value_is_not_proposed_again(store: DocumentStore) -> None:
    store.sync_proposals([_draft("x@a.ch")], institution_ids=["a"])
    (proposal,) = store.proposals()
    assert store.decide_proposal(proposal.id, "rejected", by="r", reason="old address")
    assert not store.decide_proposal(proposal.id, "accepted", by="s")
    again = store.sync_proposals([_draft("X@a.ch")], institution_ids=["a"])
    assert (again.added, again.rejected_before) == (0, 1)
    decided = store.proposal(proposal.id)
    assert decided is not None
    assert (decided.decision, decided.decided_by, decided.reason) == (
        "rejected",
        "r",
        "old address",
    )
    assert store.proposal(proposal.id + 100) is None


def test_review_errors_say_which_kind(store: DocumentStore, tmp_path: Path) -> None:
    store.sync_proposals([_draft("x@a.ch")], institution_ids=["a"])
    (proposal,) = store.proposals()
    with pytest.raises(UnknownProposalError, match="no proposal with id 999"):
        accept_proposal(store, 999, by="r", corpus_dir=tmp_path)
    with pytest.raises(ReviewError, match="needs the reviewer's name"):
        reject_proposal(store, proposal.id, by="  ")
    reject_proposal(store, proposal.id, by="r")
    with pytest.raises(AlreadyDecidedError, match=f"proposal {proposal.id} is already rejected"):
        accept_proposal(store, proposal.id, by="s", corpus_dir=tmp_path)
