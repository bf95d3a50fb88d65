"""Fixtures of the LLM composer tests: the obedient test model on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from permanence.testing.servers import run_uvicorn
from tests.llm.obedient_llm import build_obedient_llm


@pytest.fixture(scope="session")
def obedient_llm() -> Iterator[tuple[str, FastAPI]]:
    """(base URL ending in /v1, app) of the OpenAI-compatible test server."""
    app = build_obedient_llm()
    with run_uvicorn(app) as url:
        yield f"{url}/v1", app
