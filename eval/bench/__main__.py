"""``python -m eval.bench --out DIR [--quick] [--readme README.md]``: run the bench, print and
write ``DIR/bench.json``; with ``--readme``, also render the figures into the README's
performance section (between ``<!-- bench:start -->`` and ``<!-- bench:end -->``)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from permanence.runtime import configure_process


def _flatten(prefix: str, value: object, rows: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, rows)
    else:
        rows.append((prefix, json.dumps(value, ensure_ascii=False)))


def main(argv: Sequence[str] | None = None) -> int:
    configure_process()
    parser = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("data/bench"))
    parser.add_argument("--quick", action="store_true", help="Small sizes (for tests, < 60 s).")
    parser.add_argument(
        "--embed-models", default=None, help="Dense models (default: PERMANENCE_EMBED_MODELS)."
    )
    parser.add_argument(
        "--readme",
        type=Path,
        default=None,
        help="Render the figures into this README's bench section (refused with --quick).",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from rich.console import Console
    from rich.table import Table

    from eval.bench.run import BenchConfig, run_bench
    from permanence.settings import get_settings

    if args.readme is not None and args.quick:
        parser.error("--readme takes the figures of a full run only; drop --quick")
    if args.readme is not None and not args.readme.is_file():
        parser.error(f"--readme {args.readme}: no such file")
    models = args.embed_models or ",".join(get_settings().embed_models)
    config = BenchConfig.quick(models) if args.quick else BenchConfig(embed_models=models)
    figures = run_bench(args.out, config, mode="quick" if args.quick else "full")
    path = args.out / "bench.json"
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    table = Table(title=f"Permanence bench ({'quick' if args.quick else 'full'})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows: list[tuple[str, str]] = []
    _flatten("", figures, rows)
    for name, value in rows:
        table.add_row(name, value)
    Console().print(table)
    print(f"wrote {path}", file=sys.stderr)
    if args.readme is not None:
        from eval.bench.readme import update_readme_file

        update_readme_file(args.readme, figures)
        print(f"updated the bench section of {args.readme}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
