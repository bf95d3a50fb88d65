"""Shared fixtures of the corpus-tool tests: fixture paths and a hermetic environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "corpus"
PROJECT_ROOT = Path(__file__).resolve().parents[3]

#: The day the fixture findings are pinned to (``last_verified`` in the future is a warning).
TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No PERMANENCE_* or proxy variable from the developer's shell reaches the code."""
    for name in list(os.environ):
        if name.startswith("PERMANENCE_") or name.lower().endswith("_proxy"):
            monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture
def resources() -> Path:
    return RESOURCES


@pytest.fixture
def fixture_communes() -> Path:
    return RESOURCES / "communes.yaml"


@pytest.fixture
def today() -> date:
    return TODAY
