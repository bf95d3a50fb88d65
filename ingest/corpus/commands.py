"""``permanence corpus check | stats | export | import``: tools around the curated records.

Imports of the corpus modules stay inside the handlers, so building the parser stays cheap.
Exit codes: 0 success, 1 a reported problem (check found errors, a file could not be read).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``corpus`` and its subcommands to the ``permanence`` parser."""
    parser = subparsers.add_parser("corpus", help="Check, count, export or import the corpus.")
    commands = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--corpus", type=Path, default=None, help="Folder of institution YAML files."
        )
        sub.add_argument(
            "--communes", type=Path, default=None, help="Commune table (corpora/communes.yaml)."
        )
        sub.add_argument(
            "--gold", type=Path, default=None, help="Folder of gold sets (corpora/gold)."
        )

    check = commands.add_parser("check", help="Validate records, commune table and gold sets.")
    common(check)
    check.add_argument("--errors-only", action="store_true", help="Do not print warnings.")
    check.set_defaults(handler=_run_check)

    stats = commands.add_parser("stats", help="Count records, fields, communes, gold questions.")
    common(stats)
    stats.add_argument("--json", action="store_true", help="Print one JSON object.")
    stats.set_defaults(handler=_run_stats)

    export = commands.add_parser("export", help="Export the corpus as HSDS 3 JSON tables.")
    common(export)
    export.add_argument("--hsds", type=Path, required=True, metavar="DIR", help="Output folder.")
    export.set_defaults(handler=_run_export)

    imp = commands.add_parser("import", help="Read HSDS 3 JSON tables back into records.")
    common(imp)
    imp.add_argument("--hsds", type=Path, required=True, metavar="DIR", help="Input folder.")
    imp.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="Write one YAML file per record here; without it, only compare with the corpus.",
    )
    imp.set_defaults(handler=_run_import)


def _paths(args: argparse.Namespace) -> tuple[Path, Path, Path]:
    from ingest.corpus.communes import default_communes_path
    from permanence.settings import PROJECT_ROOT, get_settings

    corpus = args.corpus.resolve() if args.corpus else get_settings().corpus_dir
    communes = args.communes.resolve() if args.communes else default_communes_path()
    gold = args.gold.resolve() if args.gold else PROJECT_ROOT / "corpora" / "gold"
    return corpus, communes, gold


def _run_check(args: argparse.Namespace) -> int:
    from ingest.corpus.check import check_corpus

    corpus, communes, gold = _paths(args)
    findings = check_corpus(corpus, communes_path=communes, gold_dir=gold)
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    for finding in errors + ([] if args.errors_only else warnings):
        print(finding)
    verdict = "FAILED" if errors else "OK"
    print(f"corpus check {verdict}: {len(errors)} error(s), {len(warnings)} warning(s) in {corpus}")
    return 1 if errors else 0


def _run_stats(args: argparse.Namespace) -> int:
    import json

    from ingest.corpus.communes import load_communes
    from ingest.corpus.gold import read_gold_dir
    from ingest.corpus.loader import iter_record_files, read_institution
    from ingest.corpus.stats import corpus_stats

    corpus, communes, gold = _paths(args)
    institutions = []
    skipped = 0
    for path in iter_record_files(corpus):
        institution, problems = read_institution(path)
        if institution is None or problems:
            skipped += 1
            continue
        institutions.append(institution)
    table = load_communes(communes)
    gold_sets, _ = read_gold_dir(gold)
    stats = corpus_stats(institutions, table, gold_sets)
    stats["skipped_invalid"] = skipped
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, sort_keys=False))
        return 0
    _print_tree(stats, indent=0)
    return 0


def _print_tree(mapping: Mapping[str, object], *, indent: int) -> None:
    for key, value in mapping.items():
        if isinstance(value, dict):
            print(f"{' ' * indent}{key}:")
            _print_tree(value, indent=indent + 2)
        else:
            print(f"{' ' * indent}{key}: {value}")


def _run_export(args: argparse.Namespace) -> int:
    from ingest.corpus.hsds_files import export_hsds
    from ingest.corpus.loader import load_corpus

    corpus, _, _ = _paths(args)
    counts = export_hsds(load_corpus(corpus), args.hsds)
    summary = ", ".join(f"{name} {count}" for name, count in counts.items())
    print(f"wrote HSDS tables to {args.hsds}: {summary}")
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from ingest.corpus.hsds_files import import_hsds
    from ingest.corpus.loader import load_corpus, write_institution

    institutions = import_hsds(args.hsds)
    if args.out is not None:
        for institution in institutions:
            write_institution(institution, args.out)
        print(f"wrote {len(institutions)} records to {args.out}")
        return 0
    corpus, _, _ = _paths(args)
    current = {i.id: i for i in load_corpus(corpus)}
    differ = [i.id for i in institutions if current.get(i.id) != i]
    print(
        f"read {len(institutions)} records from {args.hsds}; "
        f"{len(differ)} differ from or are missing in {corpus}"
    )
    for inst_id in differ:
        print(f"  {inst_id}")
    return 0
