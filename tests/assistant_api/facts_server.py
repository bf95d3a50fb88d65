"""A steward's API over crawled test sites: shared by the HTTP and the browser tests.

The two test institution sites (``tests/resources/facts_sites/``) are crawled and refreshed
with the real CLI (as in ``tests/ingest/facts/test_review_flow.py``) into a data dir of the
caller; the API is then served on 127.0.0.1 over that store, with a corpus copy the accepts
write into, and an assistant service of its own (accepting updates its records, never those
of the session's runtime).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from assistant_api.answer.service import AssistantService
from assistant_api.answer.templates import AnswerTemplates
from assistant_api.app import create_app, services_of
from assistant_api.runtime import AssistantRuntime, build_communes
from assistant_api.services import Services
from assistant_api.triage.language import LanguageDetector
from assistant_api.triage.safety import SafetyLexicon
from ingest.corpus_sync import read_institutions, sync_corpus
from ingest.store import DocumentStore
from permanence.cli import main
from permanence.settings import Settings, get_settings
from permanence.testing.servers import run_uvicorn
from permanence.testing.sites import ServedSites, serve_sites

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
LIGUE = "ligue-neuchateloise-contre-le-cancer"
AVS = "agence-avs-neuchatel"
STEWARD = "steward-token-for-the-tests-0001"
ADMIN = "admin-token-for-the-facts-tests-01"
PRO = "pro-token-for-the-facts-tests-0001"


@dataclass
class Api:
    url: str
    corpus: Path
    ligue: str
    services: Services

    def get(self, path: str, *, token: str | None = STEWARD, **params: str | int) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.url}{path}", headers=headers, params=params, timeout=30)

    def post(self, path: str, body: object, token: str | None = STEWARD) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(f"{self.url}{path}", headers=headers, json=body, timeout=60)

    def record(self, institution_id: str) -> dict[str, Any]:
        loaded = yaml.safe_load((self.corpus / f"{institution_id}.yaml").read_text("utf-8"))
        assert isinstance(loaded, dict)
        return loaded


def _crawl_and_refresh(tmp: Path, sites: ServedSites) -> tuple[Path, Path]:
    corpus = tmp / "corpus"
    corpus.mkdir()
    for path in (RESOURCES / "facts_corpus").glob("*.yaml"):
        text = path.read_text("utf-8").replace("__ORIGIN_LIGUE__", sites["ligue"])
        (corpus / path.name).write_text(text.replace("__ORIGIN_AVS__", sites["agence-avs"]))
    data = tmp / "data"
    config = tmp / "sources.yaml"
    config.write_text(
        "sources:\n"
        + "".join(
            f"  - name: {name}\n    kind: web\n    start_urls: ['{sites[name]}/']\n"
            "    rate: {concurrency: 2, delay_s: 0.0}\n"
            for name in ("ligue", "agence-avs")
        ),
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PERMANENCE_DATA_DIR", str(data))
        env.setenv("PERMANENCE_CORPUS_DIR", str(corpus))
        env.setenv("PERMANENCE_CRAWL_IDENTIFY_LANGUAGE", "false")
        get_settings.cache_clear()
        try:
            assert main(["crawl", "--config", str(config), "--no-progress"]) == 0
            assert main(["facts", "refresh"]) == 0
        finally:
            get_settings.cache_clear()
    return corpus, data


@contextmanager
def steward_api(tmp: Path, base: Settings, tiny_runtime: AssistantRuntime) -> Iterator[Api]:
    """Crawl, refresh and serve; yields the running API."""
    with serve_sites("ligue", "agence-avs", root=RESOURCES / "facts_sites") as sites:
        corpus, data = _crawl_and_refresh(tmp, sites)
        settings = base.updated(
            {
                "redactor": "regex",
                "limits": {"requests_per_minute": 100_000},
                "data_dir": data,
                "corpus_dir": corpus,
                "steward_tokens": STEWARD,
                "admin_token": ADMIN,
                "pro_tokens": PRO,
            }
        )
        store = DocumentStore(data / "documents.db")
        sync_corpus(store, read_institutions(corpus))  # as `permanence ingest` does
        institutions = store.institutions()
        communes = build_communes(institutions)
        # A service of its own: accepting updates its records, never the session's.
        service = AssistantService(
            retriever=tiny_runtime.search_index.retriever,
            institutions=institutions,
            templates=AnswerTemplates(settings.prompts_dir / "answer"),
            safety=SafetyLexicon(settings.prompts_dir / "safety.yaml"),
            detector=LanguageDetector(),
            communes=communes,
        )
        runtime = AssistantRuntime(
            settings=settings,
            store=store,
            search_index=tiny_runtime.search_index,
            service=service,
            communes=communes,
        )
        app = create_app(settings, runtime=runtime)
        try:
            with run_uvicorn(app) as url:
                yield Api(url, corpus, sites["ligue"], services_of(app))
        finally:
            store.close()
