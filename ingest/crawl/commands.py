"""``permanence crawl`` and ``permanence docs``: crawl sources, look at what was stored.

Output discipline: progress and tables go to stderr through rich, JSON goes to stdout alone,
so ``permanence docs --json | jq`` works. The crawl exits non-zero only when nothing at all
could be crawled; partial failures are in the summary and in the JSON report of each run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.crawl.config import SourceConfig
    from ingest.crawl.report import CrawlReport
    from ingest.extract import InstitutionLinker
    from ingest.store import DocumentStore

__all__ = ["register"]

logger = logging.getLogger(__name__)

#: Sources crawled at the same time (each keeps its own per-host politeness).
PARALLEL_SOURCES = 4


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``crawl`` and ``docs`` to the ``permanence`` command."""
    crawl = subparsers.add_parser(
        "crawl",
        help="Crawl the configured sources (or one URL) into the document store.",
        description="Crawl sources from corpora/sources.yaml (or --config), or one URL ad hoc.",
    )
    crawl.add_argument("url", nargs="?", help="Crawl this URL ad hoc instead of the sources file.")
    crawl.add_argument("--config", type=Path, help="Sources file (default corpora/sources.yaml).")
    crawl.add_argument("--source", help="Crawl only the source with this name.")
    crawl.add_argument("--kind", choices=["web", "gsr", "intranet"], default="web")
    crawl.add_argument("--max-pages", type=int, default=100, help="Ad hoc crawl page limit.")
    crawl.add_argument("--max-depth", type=int, default=3, help="Ad hoc crawl link depth.")
    crawl.add_argument("--audience", choices=["public", "professional"], default=None)
    crawl.add_argument("--delay", type=float, default=1.0, help="Ad hoc pause per host (s).")
    crawl.add_argument("--no-progress", action="store_true", help="No progress bar.")
    crawl.add_argument(
        "--mirror",
        metavar="SITE",
        default=None,
        help="Serve a site of the local mirror (corpora/sites/SITE, e.g. 'intranet') on "
        "127.0.0.1 and crawl it, logging in with a one-time password (what make demo does).",
    )
    crawl.add_argument(
        "--mirror-port", type=int, default=None, help="Port for --mirror (default 8010)."
    )
    crawl.set_defaults(handler=_run_crawl)

    docs = subparsers.add_parser(
        "docs",
        help="List stored documents, or show one with its text.",
        description="`permanence docs [--json]` lists; `permanence docs show URL` shows one.",
    )
    docs.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    docs.add_argument("url", nargs="?", help="The document URL (for show).")
    docs.add_argument("--json", action="store_true", help="Print JSON on stdout.")
    docs.add_argument("--status", choices=["active", "gone", "all"], default="active")
    docs.add_argument("--kind", choices=["gsr", "web", "intranet", "file"], default=None)
    docs.add_argument("--audience", choices=["public", "professional"], default=None)
    docs.add_argument("--source", default=None)
    docs.set_defaults(handler=_run_docs)


# -- crawl ----------------------------------------------------------------------------------


def _adhoc_source(args: argparse.Namespace) -> SourceConfig:
    from pydantic import ValidationError

    from ingest.crawl.config import SourceConfig
    from ingest.errors import SourceConfigError

    host = urlsplit(args.url).netloc.lower()
    name = "adhoc-" + (re.sub(r"[^a-z0-9]+", "-", host).strip("-") or "site")
    try:
        return SourceConfig.model_validate(
            {
                "name": name,
                "kind": args.kind,
                "start_urls": [args.url],
                "max_pages": args.max_pages,
                "max_depth": args.max_depth,
                "audience": args.audience,
                "rate": {"concurrency": 2, "delay_s": args.delay},
            }
        )
    except ValidationError as exc:
        raise SourceConfigError(f"cannot crawl {args.url!r}: {exc}") from exc


def _sources(args: argparse.Namespace) -> list[SourceConfig]:
    from ingest.crawl.config import load_sources
    from permanence.settings import PROJECT_ROOT

    if args.url:
        return [_adhoc_source(args)]
    path = args.config or PROJECT_ROOT / "corpora" / "sources.yaml"
    return load_sources(path).select(args.source)


def _linker(corpus_dir: Path) -> InstitutionLinker | None:
    from ingest.errors import CorpusError
    from ingest.extract import InstitutionLinker, load_institutions

    try:
        return InstitutionLinker.from_institutions(load_institutions(corpus_dir))
    except CorpusError as exc:
        logger.warning("documents will not be linked to institutions by domain: %s", exc)
        return None


def _run_crawl(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ingest.crawl.mirror import DEMO_MIRROR_PORT, serving_mirror
    from ingest.errors import SourceConfigError
    from ingest.store import DocumentStore
    from permanence.settings import get_settings

    settings = get_settings()
    console = Console(stderr=True)
    if args.mirror is not None and (args.url or args.source or args.config):
        raise SourceConfigError(
            "--mirror crawls one mirror site: give no URL, --source or --config"
        )
    with contextlib.ExitStack() as stack:
        env: Mapping[str, str] | None = None
        if args.mirror is not None:
            port = DEMO_MIRROR_PORT if args.mirror_port is None else args.mirror_port
            mirror = stack.enter_context(serving_mirror(args.mirror, port=port))
            sources, env = [mirror.source], mirror.env
        else:
            sources = _sources(args)
        store = stack.enter_context(DocumentStore(settings.store_path))
        reports, failures = asyncio.run(
            _crawl_all(
                sources,
                store=store,
                reports_dir=settings.data_dir / "crawl-reports",
                linker=_linker(settings.corpus_dir),
                identify_language=settings.crawl.identify_language,
                console=console,
                progress=not args.no_progress,
                env=env,
            )
        )
    _print_summary(console, reports, failures)
    crawled = sum(r.crawled for r in reports)
    return 0 if crawled > 0 else 1


async def _crawl_all(
    sources: list[SourceConfig],
    *,
    store: DocumentStore,
    reports_dir: Path,
    linker: InstitutionLinker | None,
    identify_language: bool,
    console: Console,
    progress: bool,
    env: Mapping[str, str] | None = None,
) -> tuple[list[CrawlReport], dict[str, str]]:
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ingest.crawl.crawler import Crawler
    from ingest.crawl.report import group_of
    from ingest.errors import IngestError
    from ingest.extract import Extractor

    counters: dict[str, dict[str, int]] = {
        s.name: {"fetched": 0, "unchanged": 0, "skipped": 0, "gone": 0, "errors": 0}
        for s in sources
    }
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.fields[source]}"),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        disable=not progress,
        transient=False,
    )
    tasks = {s.name: bar.add_task(_counter_text(counters[s.name]), source=s.name) for s in sources}

    def on_outcome(source: str, url: str, outcome: str) -> None:
        group = group_of(outcome)
        if group in counters[source]:
            counters[source][group] += 1
            bar.update(tasks[source], description=_counter_text(counters[source]))

    crawler = Crawler(
        store,
        reports_dir=reports_dir,
        extractor=Extractor(identify_language=identify_language),
        linker=linker,
        on_outcome=on_outcome,
        env=env,
    )
    gate = asyncio.Semaphore(PARALLEL_SOURCES)
    reports: list[CrawlReport] = []
    failures: dict[str, str] = {}

    async def one(source: SourceConfig) -> None:
        async with gate:
            try:
                reports.append(await crawler.crawl(source))
            except IngestError as exc:
                failures[source.name] = str(exc)
            finally:
                bar.stop_task(tasks[source.name])

    with bar:
        await asyncio.gather(*(one(s) for s in sources))
    return reports, failures


def _counter_text(counts: dict[str, int]) -> str:
    return (
        f"fetched {counts['fetched']} · unchanged {counts['unchanged']} · "
        f"skipped {counts['skipped']} · gone {counts['gone']} · errors {counts['errors']}"
    )


def _print_summary(console: Console, reports: list[CrawlReport], failures: dict[str, str]) -> None:
    from rich.table import Table

    table = Table(title="Crawl summary")
    for column in ("source", "fetched", "unchanged", "skipped", "gone", "errors", "complete"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for report in sorted(reports, key=lambda r: r.source_id):
        counts = report.counts()
        table.add_row(
            report.source_id,
            *(str(counts[g]) for g in ("fetched", "unchanged", "skipped", "gone", "errors")),
            "yes" if report.complete else "no",
        )
    for name in sorted(failures):
        table.add_row(name, "-", "-", "-", "-", "-", "[red]failed")
    console.print(table)
    for name, message in sorted(failures.items()):
        console.print(f"[red]source {name} failed:[/red] {message}", markup=True, highlight=False)
    for report in reports:
        errors = [u for u in report.urls if u.outcome in ("error", "auth_error")]
        for item in errors[:5]:
            console.print(f"  {report.source_id}: {item.url}: {item.detail}", highlight=False)


# -- docs -----------------------------------------------------------------------------------


def _run_docs(args: argparse.Namespace) -> int:
    from ingest.store import DocumentStore
    from permanence.settings import get_settings

    settings = get_settings()
    if not settings.store_path.exists():
        print(
            f"error: no document store at {settings.store_path}; run `permanence crawl` first",
            file=sys.stderr,
        )
        return 1
    with DocumentStore(settings.store_path) as store:
        if args.action == "show":
            return _show(store, args)
        status = None if args.status == "all" else args.status
        documents = store.documents(
            status=status, kind=args.kind, audience=args.audience, source_id=args.source
        )
    rows = [
        {
            "url": d.url,
            "kind": d.kind,
            "audience": d.audience,
            "title": d.title,
            "status": d.status,
            "content_hash": d.content_hash,
            "fetched_at": d.fetched_at.isoformat(),
            "chars": len(d.text),
            "language": d.language,
            "institution_id": d.institution_id,
            "source_id": d.source_id,
        }
        for d in documents
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} documents")
    for column in ("url", "kind", "audience", "status", "chars", "title"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            *(str(row[c]) for c in ("url", "kind", "audience", "status", "chars", "title"))
        )
    Console().print(table)
    return 0


def _show(store: DocumentStore, args: argparse.Namespace) -> int:
    from ingest.crawl.urls import normalize_url

    if not args.url:
        print("error: `permanence docs show` needs a URL", file=sys.stderr)
        return 2
    document = store.get(args.url)
    if document is None and args.url.startswith(("http://", "https://")):
        document = store.get(normalize_url(args.url))
    if document is None:
        print(f"error: no stored document for {args.url}; see `permanence docs`", file=sys.stderr)
        return 1
    if args.json:
        print(document.model_dump_json(indent=2))
    else:
        print(f"# {document.title}\n{document.url} ({document.kind}, {document.status})\n")
        print(document.text)
    return 0
