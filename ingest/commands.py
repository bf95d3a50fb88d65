"""``permanence ingest``: load the curated corpus into the document store."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "ingest", help="Load the curated institution records into the document store."
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="Folder of institution YAML files."
    )
    parser.set_defaults(handler=_run_ingest)


def _run_ingest(args: argparse.Namespace) -> int:
    from ingest.corpus_sync import read_institutions, sync_corpus
    from ingest.store import DocumentStore
    from permanence.settings import get_settings

    settings = get_settings()
    corpus_dir = args.corpus.resolve() if args.corpus else settings.corpus_dir
    institutions = read_institutions(corpus_dir)
    with DocumentStore(settings.store_path) as store:
        report = sync_corpus(store, institutions)
    print(
        f"{report.institutions} institutions: {report.new} new, {report.changed} changed, "
        f"{report.unchanged} unchanged, {report.gone} gone"
    )
    return 0
