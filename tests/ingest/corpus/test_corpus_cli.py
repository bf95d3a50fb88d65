"""``permanence corpus …`` run as a real subprocess, on fixtures and on the real corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.corpus import load_corpus
from permanence.settings import PROJECT_ROOT

#: Each run starts the full CLI (every package's parser), a few seconds each.
pytestmark = [pytest.mark.integration, pytest.mark.slow]

_SCRIPT = PROJECT_ROOT / ".venv" / "bin" / "permanence"
_STATS_KEYS = {
    "institutions",
    "with_phone",
    "with_address",
    "with_hours",
    "communes",
    "by_category",
    "gold",
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    command = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "permanence.cli"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
        check=False,
    )


def test_check_on_valid_fixtures_exits_0(resources: Path) -> None:
    result = _run(
        "corpus",
        "check",
        "--corpus",
        str(resources / "valid"),
        "--communes",
        str(resources / "communes.yaml"),
        "--gold",
        str(resources / "gold"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"WARNING {resources / 'communes.yaml'}: Neuchâtel: no office id for ope",
        f"WARNING {resources / 'communes.yaml'}: Le Locle: no office id for "
        "social_counter, orp, ope",
        f"corpus check OK: 0 error(s), 2 warning(s) in {resources / 'valid'}",
    ]


def test_check_on_broken_fixtures_exits_1(resources: Path) -> None:
    result = _run(
        "corpus",
        "check",
        "--errors-only",
        "--corpus",
        str(resources / "broken"),
        "--communes",
        str(resources / "communes.yaml"),
        "--gold",
        str(resources / "broken-gold"),
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == 30
    assert all(line.startswith("ERROR   ") for line in lines[:-1])
    assert lines[-1] == (
        f"corpus check FAILED: 29 error(s), 7 warning(s) in {resources / 'broken'}"
    )


def test_stats_json_on_fixtures(resources: Path) -> None:
    result = _run(
        "corpus",
        "stats",
        "--json",
        "--corpus",
        str(resources / "valid"),
        "--communes",
        str(resources / "communes.yaml"),
        "--gold",
        str(resources / "gold"),
    )

    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert set(stats) >= _STATS_KEYS
    assert (stats["institutions"], stats["with_phone"], stats["communes"]) == (3, 2, 3)
    assert stats["gold"]["per_set"] == {"set-a": 3}


def test_export_then_import_through_the_cli(resources: Path, tmp_path: Path) -> None:
    hsds, out = tmp_path / "hsds", tmp_path / "out"

    exported = _run("corpus", "export", "--corpus", str(resources / "valid"), "--hsds", str(hsds))
    imported = _run("corpus", "import", "--hsds", str(hsds), "--out", str(out))
    compared = _run("corpus", "import", "--hsds", str(hsds), "--corpus", str(resources / "valid"))

    assert exported.returncode == 0, exported.stderr
    assert imported.stdout == f"wrote 3 records to {out}\n"
    assert load_corpus(out) == load_corpus(resources / "valid")
    assert compared.stdout == (
        f"read 3 records from {hsds}; 0 differ from or are missing in {resources / 'valid'}\n"
    )


def test_check_and_stats_on_the_real_corpus() -> None:
    check = _run("corpus", "check")
    stats = _run("corpus", "stats", "--json")

    summary = check.stdout.splitlines()[-1]
    has_errors = any(line.startswith("ERROR") for line in check.stdout.splitlines())
    assert summary.startswith("corpus check FAILED" if has_errors else "corpus check OK")
    assert check.returncode == (1 if has_errors else 0)
    assert stats.returncode == 0, stats.stderr
    assert stats.stdout.count("\n") == 1
    data = json.loads(stats.stdout)
    assert set(data) >= _STATS_KEYS
    assert data["communes"] == 24
    records = len(list((PROJECT_ROOT / "corpora" / "neuchatel").glob("*.yaml")))
    assert data["institutions"] + data["skipped_invalid"] == records


def test_missing_corpus_directory_is_reported(tmp_path: Path) -> None:
    result = _run("corpus", "check", "--corpus", str(tmp_path / "absent"))

    assert result.returncode == 1
    assert result.stderr == (
        f"error: {tmp_path / 'absent'}: corpus directory not found; set PERMANENCE_CORPUS_DIR\n"
    )
