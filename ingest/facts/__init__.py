"""Contact facts read from crawled pages, and the proposals a reviewer decides on.

Public names only; other packages (the CLI, the console, the evaluation) import from
``ingest.facts``. One job per module:

* extraction — :mod:`phones`, :mod:`emails`, :mod:`addresses`, :mod:`hours`,
  :mod:`structured` (schema.org JSON-LD and microdata), :mod:`page` (a whole page);
* age — :mod:`freshness` (current, ageing, stale or unknown, per fact), :mod:`stewardship`
  (the institutions most in need of checking);
* proposals — :mod:`compare` (pages against a record, pure), :mod:`refresh` (every
  institution of the store), :mod:`review` (accept, reject), :mod:`record_edit` (the record
  file, edited in place).

The proposals themselves live in the document store (``ingest.store``: ``FactProposal``,
``DocumentStore.proposals``), where the console's review page can read them too.
"""

from __future__ import annotations

from ingest.facts.addresses import address_facts, address_key
from ingest.facts.compare import InstitutionPage, compare_institution
from ingest.facts.emails import deobfuscate, email_facts
from ingest.facts.errors import AlreadyDecidedError, ReviewError, UnknownProposalError
from ingest.facts.freshness import (
    FACT_AGE_FIELDS,
    FactAge,
    FreshnessStatus,
    fact_age,
    freshness_status,
)
from ingest.facts.hours import Schedule, hours_facts, parse_schedules
from ingest.facts.models import (
    FACT_KINDS,
    Fact,
    FactKind,
    FactOrigin,
    facts_from_json,
    facts_json,
)
from ingest.facts.page import extract_facts, known_places, text_facts, visible_text
from ingest.facts.phones import phone_facts
from ingest.facts.refresh import RefreshReport, institution_pages, refresh_proposals
from ingest.facts.review import RECORD_FIELDS, ReviewOutcome, accept_proposal, reject_proposal
from ingest.facts.stewardship import (
    InstitutionFacts,
    institution_facts,
    most_used,
    oldest_or_missing,
)
from ingest.facts.structured import structured_facts

__all__ = [
    "FACT_AGE_FIELDS",
    "FACT_KINDS",
    "RECORD_FIELDS",
    "AlreadyDecidedError",
    "Fact",
    "FactAge",
    "FactKind",
    "FactOrigin",
    "FreshnessStatus",
    "InstitutionFacts",
    "InstitutionPage",
    "RefreshReport",
    "ReviewError",
    "ReviewOutcome",
    "Schedule",
    "UnknownProposalError",
    "accept_proposal",
    "address_facts",
    "address_key",
    "compare_institution",
    "deobfuscate",
    "email_facts",
    "extract_facts",
    "fact_age",
    "facts_from_json",
    "facts_json",
    "freshness_status",
    "hours_facts",
    "institution_facts",
    "institution_pages",
    "known_places",
    "most_used",
    "oldest_or_missing",
    "parse_schedules",
    "phone_facts",
    "refresh_proposals",
    "reject_proposal",
    "structured_facts",
    "text_facts",
    "visible_text",
]
