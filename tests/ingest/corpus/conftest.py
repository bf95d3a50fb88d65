"""Fixtures of the corpus-tool tests: fixture paths and the pinned day (the hermetic
environment comes from tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "corpus"

#: The day the fixture findings are pinned to (``last_verified`` in the future is a warning).
TODAY = date(2026, 11, 22)


@pytest.fixture
def resources() -> Path:
    return RESOURCES


@pytest.fixture
def fixture_communes() -> Path:
    return RESOURCES / "communes.yaml"


@pytest.fixture
def today() -> date:
    return TODAY
