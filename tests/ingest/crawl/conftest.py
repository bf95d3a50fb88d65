"""Fixtures of the crawler tests: the fault site on 127.0.0.1, fast sources, a fresh store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ingest.crawl import SourceConfig
from ingest.store import DocumentStore
from tests.ingest.crawl.faultsite import FaultState, build_app, serve


@dataclass
class FaultSite:
    origin: str
    state: FaultState

    def url(self, path: str) -> str:
        return self.origin + path


@pytest.fixture(scope="module")
def _fault_server() -> Iterator[FaultSite]:
    state = FaultState()
    with serve(build_app(state)) as origin:
        yield FaultSite(origin, state)


@pytest.fixture
def fault_site(_fault_server: FaultSite) -> FaultSite:
    """The fault site with every knob and counter back to its default."""
    _fault_server.state.__dict__.update(FaultState().__dict__)
    return _fault_server


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DocumentStore]:
    with DocumentStore(tmp_path / "documents.db") as opened:
        yield opened


def fast_source(name: str, start_urls: list[str], **overrides: Any) -> SourceConfig:
    """A source with test-sized delays, retries and limits (the whole suite runs in seconds)."""
    config: dict[str, Any] = {
        "name": name,
        "kind": "web",
        "start_urls": start_urls,
        "rate": {"concurrency": 4, "delay_s": 0.0},
        "retry": {"max_retries": 2, "backoff_s": 0.01, "retry_after_cap_s": 2.0},
        "limits": {
            "max_bytes": 1_000_000,
            "timeout_s": 0.5,
            "total_timeout_s": 1.0,
            "max_redirects": 4,
        },
    }
    config.update(overrides)
    return SourceConfig.model_validate(config)
