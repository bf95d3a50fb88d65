"""``python -m eval.conversations [--split dev|test|all] [--url URL] [--json]``.

Asks the multi-turn gold set (``corpora/gold/conversations.jsonl``) through the API — in this
process over the data dir of the settings, or a running server — and prints the figures. The
test split is held out: run it for a report, never to tune.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from eval.conversations.run import ask_conversations, http_client, in_process_client
from eval.conversations.score import score_conversations
from ingest.corpus import load_conversations
from permanence.settings import PROJECT_ROOT, get_settings

DEFAULT_GOLD = PROJECT_ROOT / "corpora" / "gold" / "conversations.jsonl"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.conversations", description=__doc__)
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--url", help="a running API; default: served in this process")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="also write the figures and every turn here")
    parser.add_argument(
        "--standalone", action="store_true", help="baseline: every turn asked on its own"
    )
    args = parser.parse_args(argv)
    conversations = [c for c in load_conversations(args.gold) if args.split in ("all", c.split)]
    token = os.environ.get("PERMANENCE_ASK_TOKEN")
    if args.url:
        with http_client(args.url) as client:
            outcomes = ask_conversations(
                client, conversations, pro_token=token, standalone=args.standalone
            )
    else:
        with in_process_client(get_settings()) as (client, served_token):
            outcomes = ask_conversations(
                client, conversations, pro_token=served_token, standalone=args.standalone
            )
    scored = score_conversations(outcomes)
    result = {
        "split": args.split,
        "standalone": args.standalone,
        "conversations": scored.conversations,
        "turns": scored.turns,
        "figures": scored.figures,
        "by_followup": scored.by_followup,
    }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "conversations.json").write_text(
            json.dumps({**result, "outcomes": [asdict(o) for o in outcomes]}, indent=2),
            encoding="utf-8",
        )
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"{scored.conversations} conversations, {scored.turns} turns ({args.split})")
        for name, value in scored.figures.items():
            print(f"  {name:28} {value}")
        for kind, row in scored.by_followup.items():
            print(f"  {kind:16} turns {row['turns']:3}  hit@1 {row['hit@1']}  hit@3 {row['hit@3']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
