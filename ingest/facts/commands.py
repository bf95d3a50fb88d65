"""``permanence facts refresh | list | accept | reject``: review what the crawled pages say.

Output discipline as the other commands: JSON alone on stdout with ``--json``, tables and
summaries on stdout for people, errors on stderr with exit code 1 (unknown id, proposal
already decided: nothing is changed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.store import FactProposal

__all__ = ["register"]

_FIELDS = ("phone", "email", "address", "hours", "website")
_STATUSES = ("new", "changed", "contradicted", "no_longer_found")
_DECISIONS = ("pending", "accepted", "rejected", "withdrawn", "all")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``facts`` and its actions to the ``permanence`` command."""
    facts = subparsers.add_parser(
        "facts",
        help="Proposals of contact facts read from the crawled pages, and their review.",
        description="Compare the crawled pages with the records (refresh), list the "
        "proposals, accept or reject them. Nothing reaches a record without review.",
    )
    actions = facts.add_subparsers(dest="facts_action", metavar="ACTION", required=True)

    refresh = actions.add_parser(
        "refresh", help="Compare every institution's pages with its record."
    )
    refresh.add_argument("--corpus", type=Path, default=None, help="Folder of the records.")
    refresh.add_argument("--institution", default=None, help="Refresh this institution only.")
    refresh.add_argument(
        "--include-professional",
        action="store_true",
        help="Also read the intranets' pages (their URLs would then be cited by public records).",
    )
    refresh.set_defaults(handler=_run_refresh)

    listing = actions.add_parser("list", help="List the proposals (pending ones by default).")
    listing.add_argument("--json", action="store_true", help="Print a JSON list on stdout.")
    listing.add_argument("--decision", choices=_DECISIONS, default="pending")
    listing.add_argument("--institution", default=None)
    listing.add_argument("--status", choices=_STATUSES, default=None)
    listing.add_argument("--field", choices=_FIELDS, default=None)
    listing.set_defaults(handler=_run_list)

    accept = actions.add_parser("accept", help="Write a proposal's value into its record.")
    accept.add_argument("id", type=int)
    accept.add_argument("--by", required=True, help="Who reviewed it (written as assured_by).")
    accept.add_argument("--corpus", type=Path, default=None, help="Folder of the records.")
    accept.add_argument(
        "--no-sync", action="store_true", help="Do not reload the corpus into the store."
    )
    accept.set_defaults(handler=_run_accept)

    reject = actions.add_parser("reject", help="Reject a proposal (not proposed again).")
    reject.add_argument("id", type=int)
    reject.add_argument("--by", required=True, help="Who reviewed it.")
    reject.add_argument("--reason", default=None)
    reject.set_defaults(handler=_run_reject)


def _corpus_dir(args: argparse.Namespace) -> Path:
    from permanence.settings import get_settings

    return args.corpus.resolve() if args.corpus else get_settings().corpus_dir


def _store_path() -> Path:
    from permanence.settings import get_settings

    return get_settings().store_path


def _run_refresh(args: argparse.Namespace) -> int:
    from ingest.corpus_sync import read_institutions
    from ingest.facts.errors import ReviewError
    from ingest.facts.refresh import refresh_proposals
    from ingest.store import DocumentStore

    institutions = read_institutions(_corpus_dir(args))
    if args.institution and args.institution not in {i.id for i in institutions}:
        raise ReviewError(f"no record with id {args.institution!r} in the corpus")
    with DocumentStore(_store_path()) as store:
        report = refresh_proposals(
            store,
            institutions,
            only=args.institution,
            include_professional=args.include_professional,
        )
    sync = report.sync
    print(
        f"{report.institutions_with_pages} of {report.institutions} institutions have crawled "
        f"pages ({report.pages} pages): {sync.added} new proposals, {sync.seen_again} seen "
        f"again, {sync.withdrawn} withdrawn, {sync.rejected_before} rejected before"
    )
    return 0


def _table(proposals: list[FactProposal]) -> str:
    """One block per proposal: a heading line, then the value, the record's, the source."""
    blocks = []
    for p in proposals:
        dated = f", page dated {p.page_date}" if p.page_date else ""
        lines = [
            f"#{p.id}  {p.institution_id}  {p.field}  {p.status}  [{p.decision}]",
            f"    proposed: {p.value or '(remove it)'}",
            f"    record:   {p.current_value or '(nothing)'}",
            f"    source:   {p.source_url} (seen {p.seen_at:%Y-%m-%d}{dated})",
        ]
        if p.snippet:
            lines.append(f"    snippet:  {p.snippet}")
        if p.decided_by:
            reason = f": {p.reason}" if p.reason else ""
            lines.append(f"    decided by {p.decided_by}{reason}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks) + "\n"


def _run_list(args: argparse.Namespace) -> int:
    from ingest.store import DocumentStore

    decision = None if args.decision == "all" else args.decision
    with DocumentStore(_store_path()) as store:
        proposals = store.proposals(
            decision=decision, institution_id=args.institution, status=args.status
        )
    if args.field:
        proposals = [p for p in proposals if p.field == args.field]
    if args.json:
        print(json.dumps([p.as_json() for p in proposals], ensure_ascii=False, indent=2))
        return 0
    if not proposals:
        print(f"no {args.decision if decision else ''} proposals".replace("  ", " "))
        return 0
    print(_table(proposals), end="")
    return 0


def _run_accept(args: argparse.Namespace) -> int:
    from ingest.facts.review import accept_proposal
    from ingest.store import DocumentStore

    with DocumentStore(_store_path()) as store:
        outcome = accept_proposal(
            store, args.id, by=args.by, corpus_dir=_corpus_dir(args), sync_store=not args.no_sync
        )
    p = outcome.proposal
    print(f"accepted {p.id}: {p.institution_id} {p.field} = {p.value or '(removed)'}")
    print(f"written to {outcome.record_path} (assured_by {p.decided_by})")
    if outcome.store_synced:
        print("document store reloaded; run `permanence index` to update the search index")
    elif outcome.sync_problem:
        print(f"the store was NOT reloaded: {outcome.sync_problem}")
        print("fix the corpus, then run `permanence ingest` and `permanence index`")
    else:
        print("next: `permanence ingest`, then `permanence index`")
    return 0


def _run_reject(args: argparse.Namespace) -> int:
    from ingest.facts.review import reject_proposal
    from ingest.store import DocumentStore

    with DocumentStore(_store_path()) as store:
        outcome = reject_proposal(store, args.id, by=args.by, reason=args.reason)
    p = outcome.proposal
    print(f"rejected {p.id}: {p.institution_id} {p.field} = {p.value or '(removed)'}")
    return 0
