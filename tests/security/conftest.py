"""Fixtures of the security suite: the API on 127.0.0.1 with a data dir of its own.

The privacy tests read everything the server wrote (every column of ``analytics.db``), so the
server they ask keeps its analytics apart from the other tests' servers: its own data dir for
``analytics.db``, the session's tiny runtime (models and index load once) for the answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant_api.app import create_app
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from permanence.testing.servers import run_uvicorn
from tests.assistant_api.conftest import settings_for

ADMIN_TOKEN = "admin-token-for-tests-0123456789"


@dataclass(frozen=True, slots=True)
class PrivateServer:
    """A running API and the data dir it stores its analytics in."""

    url: str
    data_dir: Path

    @property
    def analytics_db(self) -> Path:
        return self.data_dir / "analytics.db"


@pytest.fixture(scope="session")
def private_server(
    tmp_path_factory: pytest.TempPathFactory,
    tiny_settings: Settings,
    tiny_runtime: AssistantRuntime,
) -> Iterator[PrivateServer]:
    """The full API (regex redactor, admin token, generous rate limit), analytics apart."""
    data_dir = tmp_path_factory.mktemp("security-analytics")
    settings = settings_for(
        tiny_settings,
        data_dir=data_dir,
        redactor="regex",
        admin_token=ADMIN_TOKEN,
        limits={"requests_per_minute": 100_000},
    )
    with run_uvicorn(create_app(settings, runtime=tiny_runtime)) as url:
        yield PrivateServer(url=url, data_dir=data_dir)
