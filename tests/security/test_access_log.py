"""Issue 22: the access log kept the query string ("?q=<name phone AVS>") and the client IP.

``permanence serve`` now logs each request's path without its query and the client as a
pseudonym (``assistant_api/http/access_log.py``). The unit tests pin the rewriting; the slow
test starts the real command, sends what the probe sent, and reads the log it wrote.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from assistant_api.http.access_log import ACCESS_LOGGER, PrivateAccessFilter, client_pseudonym
from eval.bench.server import serve_subprocess
from tests.conftest import TINY_CORPUS
from tests.security.conftest import ADMIN_TOKEN
from tests.security.test_privacy_at_rest import leaked

_FORMAT = '%s - "%s %s HTTP/%s" %d'  # uvicorn's access record: client, method, path, version


def _access(client: str, path: str, status: int = 200) -> logging.LogRecord:
    return logging.LogRecord(
        ACCESS_LOGGER,
        logging.INFO,
        __file__,
        1,
        _FORMAT,
        (client, "GET", path, "1.1", status),
        None,
    )


def _line(record: logging.LogRecord, key: bytes = b"test-key") -> str:
    assert PrivateAccessFilter(key=key).filter(record)
    return record.getMessage()


@pytest.mark.unit
@pytest.mark.parametrize(
    ("path", "logged"),
    [
        pytest.param(
            "/v1/institutions?q=Marie%20Dupont%20079%20123%2045%2067",
            "/v1/institutions",
            id="query",
        ),
        pytest.param("/v1/voice?commune=Cernier&language=ar", "/v1/voice", id="voice-commune"),
        pytest.param(
            "/v1/institutions/caritas-neuchatel", "/v1/institutions/caritas-neuchatel", id="plain"
        ),
        pytest.param(
            "/Marie%20Dupont%20%2B33%206%2012%2034%2056%2078", "/<PERSON>%20<PHONE>", id="path"
        ),
        pytest.param("/756.1234.5678.97?x=1", "/<AVS>", id="avs-in-path"),
    ],
)
def test_path_is_logged_without_query_or_identifier(path: str, logged: str) -> None:
    line = _line(_access("203.0.113.7:50432", path))
    assert (
        line == f'{client_pseudonym("203.0.113.7", key=b"test-key")} - "GET {logged} HTTP/1.1" 200'
    )


@pytest.mark.unit
def test_client_is_a_pseudonym_that_hides_the_address() -> None:
    first = _line(_access("203.0.113.7:50432", "/health"))
    same_client = _line(_access("203.0.113.7:61000", "/health"))
    other_client = _line(_access("203.0.113.8:50432", "/health"))
    next_start = _line(_access("203.0.113.7:50432", "/health"), key=b"another-run")
    assert "203.0.113" not in first + other_client
    assert re.fullmatch(r'client-[0-9a-f]{8} - "GET /health HTTP/1.1" 200', first)
    assert first == same_client  # one client is one pseudonym while the process runs
    assert first != other_client
    assert first != next_start  # a new key at each start: not linkable across restarts


@pytest.mark.unit
def test_ipv6_clients_are_pseudonymised_too() -> None:
    line = _line(_access("[2001:db8::1]:443", "/health"))
    assert "2001" not in line and "db8" not in line
    assert line.startswith(client_pseudonym("2001:db8::1", key=b"test-key"))


@pytest.mark.unit
def test_other_records_pass_unchanged() -> None:
    record = logging.LogRecord(
        "uvicorn.error", logging.INFO, __file__, 1, "Started %s", ("x",), None
    )
    assert _line(record) == "Started x"


#: What the probe sent in query strings and paths (and what must not reach the log).
SENT = ("Marie", "Dupont", "079 123 45 67", "756.1234.5678.97", "+33 6 12 34 56 78", "Cernier")


@pytest.mark.slow
@pytest.mark.integration
def test_permanence_serve_logs_no_query_no_ip_and_no_identifier(
    tiny_data_dir: Path, tmp_path: Path
) -> None:
    # the index only: other tests' servers store their analytics in the tiny data dir
    shutil.copytree(tiny_data_dir, tmp_path / "data", ignore=shutil.ignore_patterns("analytics*"))
    log = tmp_path / "serve.log"
    environment = {
        "PERMANENCE_CORPUS_DIR": str(TINY_CORPUS),
        "PERMANENCE_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    with (
        serve_subprocess(tmp_path / "data", "use", "regex", log, environment=environment) as api,
        httpx.Client(base_url=api.url, timeout=60) as client,
    ):
        query = "Marie Dupont 079 123 45 67 756.1234.5678.97"
        assert client.get("/v1/institutions", params={"q": query}).status_code == 200
        client.post("/v1/voice", params={"commune": "Cernier"}, content=b"not audio")
        client.get("/Marie Dupont +33 6 12 34 56 78")
        question = "Je m'appelle Marie Dupont, tél. 079 123 45 67, AVS 756.1234.5678.97"
        assert client.post("/v1/ask", json={"question": question}).status_code == 200
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        assert client.get("/v1/admin/blind-spots", headers=headers).status_code == 200
    text = log.read_text(encoding="utf-8")
    requests = [line for line in text.splitlines() if '"GET ' in line or '"POST ' in line]
    assert len([line for line in requests if "/health" not in line]) == 5, text
    assert any('"GET /v1/institutions HTTP/1.1" 200' in line for line in requests), text
    assert any('"POST /v1/voice HTTP/1.1"' in line for line in requests), text
    assert all(re.search(r"client-[0-9a-f]{8} - ", line) for line in requests), text
    assert not [line for line in requests if "127.0.0.1" in line or "?" in line]
    assert leaked([text], SENT) == []
    with sqlite3.connect(tmp_path / "data" / "analytics.db") as conn:
        stored = [str(row[0]) for row in conn.execute("SELECT question FROM answers")]
    assert stored == ["Je m'appelle <PERSON>, tél. <PHONE>, AVS <AVS>"]
