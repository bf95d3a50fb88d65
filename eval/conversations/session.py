"""Both conversation runs of ``permanence eval --conversations``, on the eval's target.

The same target as the questions: the API of the settings served in this process, or a
running server's URL (with the eval's professional token, if any). Over HTTP without a token,
professional conversations are left out and the report says so, as for the questions.
"""

from __future__ import annotations

from pathlib import Path

from eval.conversations.run import ask_conversations, http_client, in_process_client
from eval.conversations.summary import ConversationsReport, Split, conversations_report
from ingest.corpus import GoldConversation, load_conversations
from permanence.settings import PROJECT_ROOT, Settings

__all__ = ["DEFAULT_CONVERSATIONS", "run_conversations", "select_conversations"]

#: The multi-turn gold set.
DEFAULT_CONVERSATIONS = PROJECT_ROOT / "corpora" / "gold" / "conversations.jsonl"


def select_conversations(gold: Path, split: Split) -> list[GoldConversation]:
    """The conversations of ``split`` (``all``: both), in file order."""
    return [c for c in load_conversations(gold) if split in ("all", c.split)]


def run_conversations(
    settings: Settings,
    *,
    split: Split,
    gold: Path = DEFAULT_CONVERSATIONS,
    url: str | None = None,
    pro_token: str | None = None,
) -> ConversationsReport:
    """Ask every conversation of ``split`` turn by turn, then every turn alone, and score."""
    conversations = select_conversations(gold, split)
    notes: list[str] = []
    if url is not None and not pro_token:
        professional = [c for c in conversations if c.audience == "professional"]
        if professional:
            conversations = [c for c in conversations if c.audience != "professional"]
            notes.append(
                f"{len(professional)} professional conversations left out "
                f"(no professional token for {url}; set PERMANENCE_EVAL_PRO_TOKEN)"
            )
    if not conversations:
        raise ValueError(f"no conversation of split {split!r} to ask in {gold}")
    if url is None:
        with in_process_client(settings) as (client, token):
            turns = ask_conversations(client, conversations, pro_token=token)
            alone = ask_conversations(client, conversations, pro_token=token, standalone=True)
    else:
        with http_client(url) as client:
            turns = ask_conversations(client, conversations, pro_token=pro_token)
            alone = ask_conversations(client, conversations, pro_token=pro_token, standalone=True)
    return conversations_report(turns, alone, split=split, gold=str(gold), notes=notes)
