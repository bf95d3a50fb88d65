"""``python -m eval.bench --quick``: every section present, within a minute; the load guard."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eval.bench.load import check_local
from permanence.settings import PROJECT_ROOT

SECTIONS = {
    "environment",
    "crawl",
    "index_build",
    "query_latency_corpus",
    "question_embedding",
    "query_latency_synthetic",
    "api",
    "voice",
    "spoken_answers",
    "recognition",
    "abuse",
    "memory",
}


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://localhost:8000", id="localhost-name"),
        pytest.param("http://10.0.0.1:8000", id="private-address"),
        pytest.param("https://example.org", id="remote"),
    ],
)
def test_load_generator_refuses_other_hosts(url: str) -> None:
    with pytest.raises(ValueError, match=r"only targets 127\.0\.0\.1"):
        check_local(url)


@pytest.mark.unit
def test_load_generator_accepts_loopback() -> None:
    check_local("http://127.0.0.1:8000")


@pytest.mark.integration
@pytest.mark.slow
def test_quick_bench_writes_every_section(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "eval.bench", "--quick", "--out", str(tmp_path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr[-2000:]
    figures = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert set(figures) == SECTIONS
    for optional in ("crawl", "voice", "spoken_answers", "recognition"):
        assert figures[optional]["skipped"].startswith("not run in --quick mode"), optional
    assert figures["index_build"]["chunks"] >= 12
    assert figures["index_build"]["unchanged_rerun_embedded"] == 0
    assert figures["query_latency_corpus"]["queries"] == 10
    assert figures["query_latency_corpus"]["warmup_queries"] == 2
    assert figures["question_embedding"]["queries"] == 10
    timed_models = figures["question_embedding"]["models"]
    assert set(timed_models) == {"use-m3", "e5-small-q4"}  # the default models, use,e5
    assert all(0 < t["p50_ms"] <= t["p95_ms"] for t in timed_models.values())
    assert figures["query_latency_synthetic"]["warmup_queries"] == 2
    assert figures["query_latency_synthetic"]["chunks"] == 2000
    assert figures["query_latency_synthetic"]["p95_ms"] > 0
    assert figures["api"]["single"]["requests"] == 5
    assert figures["api"]["single"]["errors"] == 0
    assert 1 <= figures["api"]["concurrent"]["requests"] <= 40
    assert figures["memory"]["bench_process_peak_rss_mib"] > 0
    environment = figures["environment"]
    assert "load_average_end" in environment
    assert environment["mode"] == "quick"
    assert environment["cpus"] == os.cpu_count()
    assert isinstance(environment["cpu_model"], str) and environment["cpu_model"]
    assert environment["memory_gib"] > 0
    assert elapsed < 60, f"--quick took {elapsed:.0f} s"
