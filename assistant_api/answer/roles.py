"""The role rule of ranking: a service is never ranked for a question asked in a role it is not for.

This is a filter, not a weight. Retrieval ranks the perpetrators' service high for "mon mari
me frappe" because both speak of violence in a couple; no score can be trusted to keep it out
of the first three, and a victim who reads it first may read nothing else. So the records say
whom a service is not for (``Institution.roles.not_for``, with its source), the triage says in
which roles the question is asked (:mod:`assistant_api.triage.roles`), and
:func:`apply_roles` removes every service whose ``not_for`` names one of them, before the
first ``top_k`` are chosen, for the public answer and the professional console alike.

The role also decides the first door: a question asked as a victim or as a perpetrator reads
first the service that is that role's entry point (``Institution.roles.entry_for``, with its
source: the victim support centre the law names, the perpetrators' service)
(:func:`own_doors_first`) — a victim describing control or threats is better served by victim
support than by a general listening line, whatever the wording's similarity says.

When the question names no role, nothing is hidden: a neutral question about violence in a
couple may be asked by either side. Only the order changes (also for a professional or a
parent who does not say which side they ask for): a service closed to
:data:`PROTECTED_FIRST` (victims) comes after the first :data:`CLOSED_AFTER` services open to
them, so that a victim who did not say so reads only doors open to victims.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant_api.triage.roles import OPPOSED, QuestionRoles
from index import InstitutionHit
from ingest import Institution, Role

__all__ = [
    "CLOSED_AFTER",
    "PROTECTED_FIRST",
    "apply_roles",
    "decisive_roles",
    "is_opposed",
    "own_doors_first",
    "protected_first",
    "takes_sides",
]

#: The role whose services lead when the question names no role (a victim may not say so).
PROTECTED_FIRST: Role = "victim"
#: How many doors open to :data:`PROTECTED_FIRST` come before any door closed to it when the
#: question names no role: the three an answer shows (``DEFAULT_TOP_K``). With 1 (the door
#: closed to victims right after the first open one), the held-out test of 2026-12-03 still had
#: 6 of 15 victims' questions with the perpetrators' service among their first three, each a
#: phrasing the role lexicon did not know.
CLOSED_AFTER = 3


def decisive_roles(roles: QuestionRoles) -> frozenset[Role]:
    """The question's victim or perpetrator role (the ones that decide a door), if any."""
    return frozenset({role for pair in OPPOSED for role in pair} & roles.roles)


def takes_sides(record: Institution | None) -> bool:
    """Whether ``record`` is for one side of violence or closed to one (victim support, the
    perpetrators' service, the violence-medicine consultation): only when such a service is in
    play does the asker's side change what is shown."""
    if record is None or record.roles is None:
        return False
    sides = {role for pair in OPPOSED for role in pair}
    named = {*record.roles.serves, *record.roles.not_for, *record.roles.entry_for}
    return bool(sides & named)


def is_opposed(record: Institution | None, roles: QuestionRoles) -> bool:
    """Whether ``record`` is not for one of the question's roles (then it is never shown)."""
    if record is None or record.roles is None:
        return False
    return any(role in roles.roles for role in record.roles.not_for)


def protected_first(
    hits: Sequence[InstitutionHit], records: Mapping[str, Institution]
) -> list[InstitutionHit]:
    """Move services closed to :data:`PROTECTED_FIRST` after the first :data:`CLOSED_AFTER`
    services that are not closed to it, when the list has a service that serves it.

    Both groups keep their order; a list without a service serving it is returned as it is.
    """

    def serves(hit: InstitutionHit) -> bool:
        record = records.get(hit.institution_id)
        return bool(record and record.roles and PROTECTED_FIRST in record.roles.serves)

    def closed(hit: InstitutionHit) -> bool:
        record = records.get(hit.institution_id)
        return bool(record and record.roles and PROTECTED_FIRST in record.roles.not_for)

    first = next((i for i, hit in enumerate(hits) if serves(hit)), None)
    if first is None:
        return list(hits)
    opened = [hit for hit in hits if not closed(hit)]
    moved = [hit for hit in hits if closed(hit)]
    if not moved:
        return list(hits)
    # Closed services go after the first CLOSED_AFTER open ones: out of the doors an answer
    # shows, still reachable further down (the console shows more).
    return [*opened[:CLOSED_AFTER], *moved, *opened[CLOSED_AFTER:]]


def own_doors_first(
    hits: Sequence[InstitutionHit], records: Mapping[str, Institution], roles: QuestionRoles
) -> list[InstitutionHit]:
    """The entry points of the question's victim or perpetrator role first, both groups in
    their order; unchanged when the question names neither role."""
    decisive = decisive_roles(roles)
    if not decisive:
        return list(hits)

    def made_for(hit: InstitutionHit) -> bool:
        record = records.get(hit.institution_id)
        return bool(record and record.roles and decisive & set(record.roles.entry_for))

    return [*(h for h in hits if made_for(h)), *(h for h in hits if not made_for(h))]


def apply_roles(
    hits: Sequence[InstitutionHit],
    records: Mapping[str, Institution],
    roles: QuestionRoles,
) -> list[InstitutionHit]:
    """The ranking with the role rule applied (see the module docstring).

    Args:
        hits: institutions in ranked order.
        records: the institution records by id (a hit without a record is kept).
        roles: the roles the question is asked in.

    Returns:
        The hits whose record is not closed to any of ``roles``, the services made for the
        question's victim or perpetrator role first; when the question is asked as neither,
        services closed to victims come after the first ones open to them.
    """
    kept = [hit for hit in hits if not is_opposed(records.get(hit.institution_id), roles)]
    if decisive_roles(roles):
        return own_doors_first(kept, records, roles)
    return protected_first(kept, records)
