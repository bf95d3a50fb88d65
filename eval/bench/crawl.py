"""Crawl throughput on the local mirror: a full crawl, then an unchanged re-crawl.

``make bench`` calls :func:`run_crawl_benchmark`. The mirror (``corpora/sites``) is served on
127.0.0.1 by ``permanence.testing.sites`` (one origin per site), so the figures
measure the crawler — politeness off, extraction on — not a network. The unchanged re-crawl
is the number that matters day to day: every page should cost one conditional request and no
extraction.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from ingest.crawl.config import SourceConfig
from ingest.crawl.crawler import Crawler
from ingest.crawl.report import CrawlReport
from ingest.extract import Extractor
from ingest.store import DocumentStore
from permanence.settings import PROJECT_ROOT

__all__ = ["run_crawl_benchmark"]

_SITES_ROOT = PROJECT_ROOT / "corpora" / "sites"
_PUBLIC_SITES_EXCLUDED = ("intranet", "intranet-basic")


def _sources(urls: dict[str, str]) -> list[SourceConfig]:
    sources: list[SourceConfig] = []
    for name, origin in sorted(urls.items()):
        config = _site_config(name)
        sources.append(
            SourceConfig.model_validate(
                {
                    "name": "bench-" + name.replace(".", "-").lower(),
                    "kind": "gsr" if name == "gsr" else "web",
                    "start_urls": [origin + "/"],
                    "sitemaps": [origin + "/sitemap.xml"] if name == "gsr" else [],
                    "max_pages": 5000,
                    "max_depth": 6,
                    "institution_id": config.get("institution_id"),
                    "rate": {"concurrency": 4, "delay_s": 0.0},
                    "retry": {"max_retries": 1, "backoff_s": 0.05},
                }
            )
        )
    return sources


def _site_config(name: str) -> dict[str, str]:
    path = _SITES_ROOT / name / "_server.json"
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(v, str)}


async def _crawl_all(crawler: Crawler, sources: list[SourceConfig]) -> list[CrawlReport]:
    return list(await asyncio.gather(*(crawler.crawl(s) for s in sources)))


def _pass(
    store: DocumentStore, sources: list[SourceConfig], reports_dir: Path
) -> tuple[dict[str, float | int], Extractor]:
    extractor = Extractor()
    extractor.warm_up()
    crawler = Crawler(store, reports_dir=reports_dir, extractor=extractor)
    started = time.perf_counter()
    reports = asyncio.run(_crawl_all(crawler, sources))
    seconds = time.perf_counter() - started
    pages = sum(r.crawled for r in reports)
    groups: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    for report in reports:
        for key, value in report.counts().items():
            groups[key] = groups.get(key, 0) + value
        for key, value in report.outcome_counts().items():
            outcomes[key] = outcomes.get(key, 0) + value
    return {
        "pages": pages,
        "requests": crawler.requests,
        "seconds": round(seconds, 3),
        "pages_per_s": round(pages / seconds, 1) if seconds else 0.0,
        "extractions": extractor.extractions,
        "errors": groups.get("errors", 0),
        "skipped": groups.get("skipped", 0),
        "not_modified": outcomes.get("not_modified", 0),
        "unchanged_body": outcomes.get("unchanged", 0),
        "unchanged_sitemap": outcomes.get("unchanged_sitemap", 0),
    }, extractor


def run_crawl_benchmark(data_dir: Path) -> dict[str, object]:
    """Crawl the public mirror sites twice into ``data_dir/bench-crawl`` and time both passes.

    Returns:
        ``{"sites": n, "full": {...}, "unchanged": {...}}`` where each pass reports pages,
        requests, seconds, pages_per_s, extractions and outcome counts.

    Raises:
        FileNotFoundError: the mirror has not been generated (``scripts/mirror/generate.py``).
    """
    from permanence.testing.sites import serve_sites

    if not (_SITES_ROOT / "gsr").is_dir():
        raise FileNotFoundError(
            f"no mirror under {_SITES_ROOT}; run `python scripts/mirror/generate.py` first"
        )
    names = sorted(
        p.name
        for p in _SITES_ROOT.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_")) and p.name not in _PUBLIC_SITES_EXCLUDED
    )
    work = data_dir / "bench-crawl"
    work.mkdir(parents=True, exist_ok=True)
    database = work / "documents.db"
    for stale in work.glob("documents.db*"):
        stale.unlink()
    with serve_sites(*names) as sites, DocumentStore(database) as store:
        sources = _sources(sites.urls)
        full, _ = _pass(store, sources, work / "reports")
        unchanged, _ = _pass(store, sources, work / "reports")
        documents = store.count()
    return {"sites": len(names), "documents": documents, "full": full, "unchanged": unchanged}
