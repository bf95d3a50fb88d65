"""A crawl killed mid-way (SIGKILL, no cleanup) leaves a consistent store and resumes.

The first crawl runs in a child process that the test kills once some pages are done; the
second crawl, in the test process, must find the unfinished run, keep what was done, fetch
only what was pending, and finish the run.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ingest.crawl import Crawler
from ingest.extract import Extractor
from ingest.store import DocumentStore
from permanence.settings import PROJECT_ROOT
from tests.ingest.crawl.conftest import FaultSite, fast_source

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from ingest.crawl import Crawler, SourceConfig
    from ingest.extract import Extractor
    from ingest.store import DocumentStore

    origin, db = sys.argv[1], Path(sys.argv[2])
    source = SourceConfig.model_validate({
        "name": "clean", "kind": "web", "start_urls": [origin + "/clean/"],
        "allowed_prefixes": ["/clean"], "rate": {"concurrency": 1, "delay_s": 0.4},
    })
    with DocumentStore(db) as store:
        extractor = Extractor(identify_language=False)  # the pages declare theirs
        crawler = Crawler(store, reports_dir=db.parent / "reports", extractor=extractor)
        asyncio.run(crawler.crawl(source))
    """
)


def _done_urls(db: Path) -> list[str]:
    with DocumentStore(db) as store:
        runs = store.runs("clean")
        if not runs:
            return []
        return [e.url for e in store.frontier(int(str(runs[0]["id"]))) if e.state == "done"]


def test_killed_crawl_resumes_where_it_stopped(fault_site: FaultSite, tmp_path: Path) -> None:
    db = tmp_path / "documents.db"
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, fault_site.origin, str(db)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
    )
    deadline = time.monotonic() + 30
    done: list[str] = []
    while time.monotonic() < deadline and child.poll() is None:
        if db.exists():
            done = _done_urls(db)
            if len(done) >= 2:
                break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert 2 <= len(done) < 6, f"the child finished or never started: {done}"

    hits_before = dict(fault_site.state.hits)
    with DocumentStore(db) as store:
        assert [run["status"] for run in store.runs("clean")] == ["running"]
        source = fast_source("clean", [fault_site.url("/clean/")], allowed_prefixes=["/clean"])
        crawler = Crawler(
            store,
            reports_dir=tmp_path / "reports",
            extractor=Extractor(identify_language=False),
        )
        report = asyncio.run(crawler.crawl(source))
        assert report.resumed is True
        assert report.run_id == 1
        assert [run["status"] for run in store.runs("clean")] == ["finished"]
        assert store.count() == 6
        assert len(report.urls) == 6
    for url in done:
        path = url.removeprefix(fault_site.origin)
        assert fault_site.state.hits[path] == hits_before[path], f"{path} was fetched again"
    assert sum(fault_site.state.hits.get(p, 0) for p in ("/clean", "/clean/logement")) >= 1
