"""Doors that must be among an answer's candidates, fetched when retrieval did not find them.

Retrieval ranks by how a question is worded; some doors follow from who asks or what the
triage read, whatever the wording: the entry point of a victim or a perpetrator
(``Institution.roles.entry_for``), and the services that follow a danger described but not
happening now (victim support after "he hits me when he drinks"). A door that retrieval missed
is fetched with the question's own vectors, restricted to it, so its citation is its own
chunk, as the regional offices of ``AssistantService._route`` are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant_api.answer.roles import decisive_roles
from assistant_api.triage.roles import QuestionRoles
from index import HybridRetriever, InstitutionHit
from index.embedders import Matrix
from ingest import Institution

__all__ = ["DoorFinder"]


class DoorFinder:
    """Puts the doors an answer must start with among its candidates."""

    def __init__(self, retriever: HybridRetriever, records: Mapping[str, Institution]) -> None:
        self._retriever = retriever
        self._records = records

    def with_entry_door(
        self,
        hits: list[InstitutionHit],
        question: str,
        *,
        roles: QuestionRoles,
        audiences: Sequence[str],
        query_vectors: Mapping[str, Matrix] | None,
        searches: list[float],
    ) -> list[InstitutionHit]:
        """For a question asked as a victim or a perpetrator, the role's entry point among the
        candidates (the closest one, fetched first when missing); ``apply_roles`` then puts it
        first. Unchanged for a question asked in neither role."""
        decisive = decisive_roles(roles)
        if not decisive:
            return hits
        entries = [
            r.id for r in self._records.values() if r.roles and decisive & set(r.roles.entry_for)
        ]
        if {h.institution_id for h in hits} & set(entries):
            return hits
        fetched = self._fetched(entries, question, audiences, query_vectors, searches)
        return [*fetched[:1], *hits]

    def first(
        self,
        hits: list[InstitutionHit],
        ids: Sequence[str],
        question: str,
        *,
        audiences: Sequence[str],
        query_vectors: Mapping[str, Matrix] | None,
        searches: list[float],
    ) -> list[InstitutionHit]:
        """``ids`` (those with a record) first, in their order, fetched when not among
        ``hits``; the other hits after them, in theirs."""
        wanted = [i for i in ids if i in self._records]
        found = {h.institution_id: h for h in hits}
        missing = [i for i in wanted if i not in found]
        if missing:
            fetched = self._fetched(missing, question, audiences, query_vectors, searches)
            found.update({h.institution_id: h for h in fetched})
        first = [found[i] for i in wanted if i in found]
        return [*first, *(h for h in hits if h.institution_id not in set(wanted))]

    def _fetched(
        self,
        ids: Sequence[str],
        question: str,
        audiences: Sequence[str],
        query_vectors: Mapping[str, Matrix] | None,
        searches: list[float],
    ) -> list[InstitutionHit]:
        """``ids`` ranked by the question, each with its own chunks (one search)."""
        if not ids:
            return []
        own = self._retriever.run(
            query=question,
            audiences=audiences,
            top_k=len(ids),
            institution_ids=tuple(sorted(ids)),
            query_vectors=query_vectors,
        )
        searches.append(own.timings_ms.get("retrieval", 0.0))
        return list(own.institutions)
