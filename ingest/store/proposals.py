"""Fact proposals and the facts read from each page: what a reviewer decides on.

Why in the document store: the proposals are made from the crawled pages and name them, and
the review page of the console and the CLI read the same table. A proposal is never edited
into a record here: the store keeps its status (what the pages say against the record) and
its decision (``pending`` until a reviewer accepts or rejects it; ``withdrawn`` when a later
refresh no longer finds the reason for it). The decision is taken with a compare-and-set, so
two reviewers cannot both decide the same proposal.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from typing import Literal

from ingest.store.database import StoreDatabase

__all__ = [
    "Decision",
    "FactProposal",
    "FactProposals",
    "ProposalDraft",
    "ProposalField",
    "ProposalStatus",
    "ProposalSync",
]

ProposalField = Literal["phone", "email", "address", "hours", "website"]
#: ``new``: the record has nothing in that field; ``changed``: the record's value is no longer
#: shown and this one is; ``contradicted``: the record's value is still shown somewhere, and
#: this one too; ``no_longer_found``: a page the record cites for this value no longer shows it.
ProposalStatus = Literal["new", "changed", "contradicted", "no_longer_found"]
Decision = Literal["pending", "accepted", "rejected", "withdrawn"]


@dataclass(frozen=True, slots=True)
class ProposalDraft:
    """What a refresh found for one value of one field of one institution."""

    institution_id: str
    field: ProposalField
    value_key: str
    value: str | None
    current_value: str | None
    status: ProposalStatus
    source_url: str
    snippet: str = ""
    page_date: str | None = None
    #: What accepting needs beyond the display value (address parts, phone label, the
    #: record's values it replaces), as JSON-ready data.
    detail: dict[str, object] = dataclass_field(default_factory=dict)
    #: When the page was last fetched showing this (its document's ``fetched_at``).
    seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FactProposal:
    """One stored proposal, with its decision."""

    id: int
    institution_id: str
    field: ProposalField
    value: str | None
    current_value: str | None
    status: ProposalStatus
    source_url: str
    snippet: str
    page_date: str | None
    detail: dict[str, object]
    first_seen_at: datetime
    seen_at: datetime
    decision: Decision
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    value_key: str

    def as_json(self) -> dict[str, object]:
        """The proposal as ``permanence facts list --json`` prints it."""
        return {
            "id": self.id,
            "institution_id": self.institution_id,
            "field": self.field,
            "value": self.value,
            "current_value": self.current_value,
            "status": self.status,
            "source_url": self.source_url,
            "snippet": self.snippet,
            "page_date": self.page_date,
            "seen_at": self.seen_at.isoformat(),
            "first_seen_at": self.first_seen_at.isoformat(),
            "decision": self.decision,
            "decided_by": self.decided_by,
            "decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class ProposalSync:
    """What storing a refresh did: proposals added, seen again, withdrawn, already rejected."""

    added: int
    seen_again: int
    withdrawn: int
    rejected_before: int


def _row(row: sqlite3.Row) -> FactProposal:
    return FactProposal(
        id=int(row["id"]),
        institution_id=row["institution_id"],
        field=row["field"],
        value=row["value"],
        current_value=row["current_value"],
        status=row["status"],
        source_url=row["source_url"],
        snippet=row["snippet"],
        page_date=row["page_date"],
        detail=json.loads(row["detail"]),
        first_seen_at=datetime.fromisoformat(row["first_seen_at"]),
        seen_at=datetime.fromisoformat(row["seen_at"]),
        decision=row["decision"],
        decided_by=row["decided_by"],
        decided_at=datetime.fromisoformat(row["decided_at"]) if row["decided_at"] else None,
        reason=row["reason"],
        value_key=row["value_key"],
    )


class FactProposals(StoreDatabase):
    """The ``page_facts`` and ``fact_proposals`` tables."""

    def put_page_facts(
        self, url: str, facts_json: str, *, page_date: str | None, extracted_at: datetime
    ) -> None:
        """Keep the facts read from the page stored as ``url`` (a JSON list of facts)."""
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO page_facts (url, facts, page_date, extracted_at) VALUES (?,?,?,?) "
                "ON CONFLICT(url) DO UPDATE SET facts = excluded.facts, "
                "page_date = excluded.page_date, extracted_at = excluded.extracted_at",
                (url, facts_json, page_date, extracted_at.isoformat()),
            )

    def page_facts(self) -> dict[str, tuple[str, str | None]]:
        """Document URL → (JSON list of its facts, the date the page shows)."""
        with self._lock:
            rows = self._conn.execute("SELECT url, facts, page_date FROM page_facts").fetchall()
        return {r["url"]: (r["facts"], r["page_date"]) for r in rows}

    def sync_proposals(
        self,
        drafts: Sequence[ProposalDraft],
        *,
        institution_ids: Iterable[str],
        seen_at: datetime | None = None,
    ) -> ProposalSync:
        """Store one refresh of ``institution_ids``, in one transaction.

        A draft already pending is seen again (``seen_at``, source and values updated); a
        draft a reviewer rejected before, for the same value and status, is not proposed
        again; pending proposals of these institutions that the refresh no longer makes are
        ``withdrawn`` (the page changed, or the record now agrees).
        """
        now = (seen_at or datetime.now(UTC)).isoformat()
        scope = sorted(set(institution_ids))
        added = again = rejected = 0
        with self._transaction() as conn:
            kept: set[int] = set()
            for d in drafts:
                key = (d.institution_id, d.field, d.status, d.value_key)
                row = conn.execute(
                    "SELECT id FROM fact_proposals WHERE institution_id = ? AND field = ? "
                    "AND status = ? AND value_key = ? AND decision = 'pending'",
                    key,
                ).fetchone()
                values = (d.value, d.current_value, d.source_url, d.snippet, d.page_date)
                seen = d.seen_at.isoformat() if d.seen_at else now
                if row is not None:
                    conn.execute(
                        "UPDATE fact_proposals SET value = ?, current_value = ?, source_url = ?, "
                        "snippet = ?, page_date = ?, detail = ?, seen_at = ? WHERE id = ?",
                        (*values, json.dumps(d.detail, ensure_ascii=False), seen, row["id"]),
                    )
                    kept.add(int(row["id"]))
                    again += 1
                    continue
                if conn.execute(
                    "SELECT 1 FROM fact_proposals WHERE institution_id = ? AND field = ? "
                    "AND status = ? AND value_key = ? AND decision = 'rejected'",
                    key,
                ).fetchone():
                    rejected += 1
                    continue
                cursor = conn.execute(
                    "INSERT INTO fact_proposals (institution_id, field, value_key, value, "
                    "current_value, status, source_url, snippet, page_date, detail, "
                    "first_seen_at, seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        d.institution_id,
                        d.field,
                        d.value_key,
                        *values[:2],
                        d.status,
                        *values[2:],
                        json.dumps(d.detail, ensure_ascii=False),
                        now,
                        seen,
                    ),
                )
                kept.add(int(cursor.lastrowid or 0))
                added += 1
            withdrawn = 0
            for institution_id in scope:
                for row in conn.execute(
                    "SELECT id FROM fact_proposals WHERE institution_id = ? "
                    "AND decision = 'pending'",
                    (institution_id,),
                ).fetchall():
                    if int(row["id"]) not in kept:
                        conn.execute(
                            "UPDATE fact_proposals SET decision = 'withdrawn', decided_at = ?, "
                            "reason = 'no longer found by a refresh' WHERE id = ?",
                            (now, row["id"]),
                        )
                        withdrawn += 1
        return ProposalSync(added, again, withdrawn, rejected)

    def proposals(
        self,
        *,
        decision: Decision | None = "pending",
        institution_id: str | None = None,
        status: ProposalStatus | None = None,
    ) -> list[FactProposal]:
        """Proposals, filtered; ordered by institution, field and id."""
        clauses, params = ["1 = 1"], []
        for column, value in (
            ("decision", decision),
            ("institution_id", institution_id),
            ("status", status),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        query = (
            f"SELECT * FROM fact_proposals WHERE {' AND '.join(clauses)} "
            "ORDER BY institution_id, field, id"
        )
        with self._lock:
            rows = self._conn.execute(query, params).fetchall()
        return [_row(r) for r in rows]

    def proposal(self, proposal_id: int) -> FactProposal | None:
        """One proposal by id; ``None`` when there is none."""
        with self._lock:
            row = self._conn.execute(
                "SELECT * FROM fact_proposals WHERE id = ?", (proposal_id,)
            ).fetchone()
        return None if row is None else _row(row)

    def decide_proposal(
        self,
        proposal_id: int,
        decision: Literal["accepted", "rejected"],
        *,
        by: str,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> bool:
        """Decide a pending proposal; False (and nothing changed) when it is not pending."""
        when = (at or datetime.now(UTC)).isoformat()
        with self._transaction() as conn:
            cursor = conn.execute(
                "UPDATE fact_proposals SET decision = ?, decided_by = ?, decided_at = ?, "
                "reason = ? WHERE id = ? AND decision = 'pending'",
                (decision, by, when, reason, proposal_id),
            )
            return cursor.rowcount == 1
