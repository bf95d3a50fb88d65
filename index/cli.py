"""``permanence index [--rebuild]``: bring the vector index in line with the document store."""

from __future__ import annotations

import argparse

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "index", help="Chunk and embed the stored documents into the vector index."
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Build a new index from scratch; it replaces the live one only once complete.",
    )
    parser.set_defaults(handler=_run_index)


def _run_index(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from index.service import open_search_index
    from ingest import DocumentStore
    from permanence.settings import get_settings

    settings = get_settings()
    console = Console(stderr=True)
    store = DocumentStore(settings.store_path)
    documents = store.documents(status="active")
    api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
    search_index = open_search_index(
        data_dir=settings.data_dir,
        embed_models=settings.embed_models,
        qdrant_url=settings.qdrant_url,
        qdrant_api_key=api_key,
        collection=settings.collection,
        rebuild=args.rebuild,
    )
    try:
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("embedding new chunks", total=None)

            def _update(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = search_index.indexer.run(documents, progress=_update)
    finally:
        search_index.close()
        store.close()
    console.print(
        f"indexed {report.documents} documents → {report.chunks} chunks: "
        f"{report.added} added, {report.deleted} deleted, {report.unchanged} unchanged "
        f"({report.updated} with corrected audience or institution)"
    )
    return 0
