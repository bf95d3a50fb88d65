"""``permanence eval --conversations``: its options, checks, run and console summary.

The conversation evaluation (:mod:`eval.conversations`) on the target of the question run,
added to the same report. Off by default, so the CI gate measures what it always measured.
Light at import (the dispatcher builds every parser at start-up): the run's modules load in
the functions.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from eval.conversations.summary import ConversationsReport, Split
    from permanence.settings import Settings

__all__ = [
    "CONVERSATIONS_GOLD",
    "add_conversation_arguments",
    "conversation_split",
    "conversations_problem",
    "print_conversations",
    "run_for_report",
]

#: The multi-turn gold set ``--conversations`` asks.
CONVERSATIONS_GOLD = Path("corpora/gold/conversations.jsonl")
#: Conversation figures of the console summary (the report has them all).
_SUMMARY = (
    "last_turn_hit@1",
    "last_turn_hit@3",
    "clarification_precision",
    "clarification_recall",
    "clarification_all_precision",
    "clarification_all_recall",
    "language_kept",
    "kind_accuracy",
)


def add_conversation_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "multi-turn conversations (each asked turn by turn, then each turn alone)"
    )
    group.add_argument(
        "--conversations",
        nargs="?",
        const=True,
        default=None,
        choices=("dev", "test", "all"),
        help="Also ask the conversations of this split on the same target and add their "
        "figures, beside the standalone baseline, to the report. Without a value: the split "
        "of --gold (test.jsonl → test; dev otherwise). Default: not run.",
    )
    group.add_argument(
        "--conversations-gold",
        type=Path,
        default=CONVERSATIONS_GOLD,
        metavar="PATH",
        help=f"The multi-turn gold set (default {CONVERSATIONS_GOLD}).",
    )


def conversation_split(args: argparse.Namespace) -> Split | None:
    """The split ``--conversations`` asks for: None when not given; the split of ``--gold``
    when given without a value (the same convention: test is held out, dev for the rest)."""
    chosen: object = args.conversations
    if chosen is None:
        return None
    if chosen is True:
        return "test" if Path(args.gold).stem == "test" else "dev"
    if chosen == "dev" or chosen == "test" or chosen == "all":
        return chosen
    raise ValueError(f"--conversations {chosen!r}: dev, test or all")


def conversations_problem(gold: Path, split: Split) -> str | None:
    """Why the conversations cannot be asked, said before the (long) question run."""
    from eval.conversations.session import select_conversations
    from ingest.corpus import ConversationError

    try:
        chosen = select_conversations(gold, split)
    except FileNotFoundError:
        return f"--conversations-gold {gold} does not exist"
    except ConversationError as exc:
        return f"--conversations-gold {gold}: {exc}"
    return None if chosen else f"{gold} has no conversation of split {split!r}"


def run_for_report(
    settings: Settings, split: Split, pro_token: str | None, args: argparse.Namespace
) -> ConversationsReport:
    """Both runs (turn by turn, each turn alone) on the target of ``args`` (``--url`` or in
    process)."""
    from eval.conversations.session import run_conversations

    return run_conversations(
        settings, split=split, gold=args.conversations_gold, url=args.url, pro_token=pro_token
    )


def print_conversations(console: Console, conversations: ConversationsReport) -> None:
    from rich.table import Table

    from eval.html_parts import format_value

    table = Table(
        title=f"conversations ({conversations.split}): {conversations.conversations} "
        f"conversations, {conversations.turns} turns"
    )
    for column in ("figure", "conversation", "standalone"):
        table.add_column(column, justify="left" if column == "figure" else "right")
    for name in _SUMMARY:
        table.add_row(
            name,
            format_value(conversations.figures.get(name)),
            format_value(conversations.standalone.figures.get(name)),
        )
    console.print(table)
    for note in conversations.notes:
        console.print(f"note: {note}", markup=False)
