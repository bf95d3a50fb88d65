"""Limits and hostile input over real HTTP: sizes, malformed bodies, rate limit, CORS, fuzzing."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from fastapi import FastAPI

from assistant_api.app import create_app
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from tests.assistant_api.conftest import settings_for

pytestmark = pytest.mark.integration


def test_body_over_the_limit_is_413_before_parsing(api_server: str) -> None:
    body = b'{"question": "' + b"a" * 70_000 + b'"}'
    response = httpx.post(
        f"{api_server}/v1/ask",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "the request body is larger than 65536 bytes; send less"}


def test_chunked_body_over_the_limit_is_413(api_server: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "'
        for _ in range(20):
            yield b"b" * 8192
        yield b'"}'

    response = httpx.post(
        f"{api_server}/v1/ask",
        content=chunks(),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        pytest.param(b'{"question": ', "application/json", 422, id="truncated-json"),
        pytest.param(b"\xff\xfe\x00\x01binary", "application/json", 422, id="binary"),
        pytest.param(b"question=loyer", "application/x-www-form-urlencoded", 422, id="form"),
        pytest.param(b"[1, 2, 3]", "application/json", 422, id="array"),
        pytest.param(b'{"question": 42}', "application/json", 422, id="number"),
        pytest.param(
            b'{"question": "loyer", "extra": 1}', "application/json", 422, id="extra-field"
        ),
        pytest.param(
            b'{"question": "\\ud800 lone surrogate"}', "application/json", 422, id="lone-surrogate"
        ),
        pytest.param(
            b'{"question": "loyer", "language": "klingon"}',
            "application/json",
            422,
            id="bad-language",
        ),
    ],
)
def test_malformed_bodies_get_a_clear_4xx(
    api_server: str, body: bytes, content_type: str, status: int
) -> None:
    response = httpx.post(
        f"{api_server}/v1/ask", content=body, headers={"Content-Type": content_type}, timeout=10
    )
    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)


def test_raw_socket_garbage_does_not_crash_the_server(api_server: str) -> None:
    host, port = api_server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"\x16\x03\x01\x02\x00garbage not http\r\n\r\n")
        sock.recv(1024)
    assert httpx.get(f"{api_server}/health", timeout=10).status_code == 200


@pytest.fixture(scope="module")
def limited_server(
    api_settings: Settings, tiny_runtime: AssistantRuntime, serve: Callable[[FastAPI], str]
) -> str:
    settings = settings_for(api_settings, limits={"requests_per_minute": 3})
    return serve(create_app(settings, runtime=tiny_runtime))


def test_rate_limit_answers_429_with_retry_after(limited_server: str) -> None:
    statuses = [
        httpx.get(f"{limited_server}/v1/institutions", params={"q": "aide"}, timeout=10).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    refused = httpx.get(f"{limited_server}/v1/institutions", timeout=10)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 20
    assert refused.json()["detail"].startswith("too many requests; retry in ")
    assert httpx.get(f"{limited_server}/health", timeout=10).status_code == 200
    assert (
        "permanence_rate_limited_total 2.0"
        in httpx.get(f"{limited_server}/metrics", timeout=10).text
    )


@pytest.mark.unit
def test_token_bucket_refills_at_the_configured_rate() -> None:
    from assistant_api.http.ratelimit import TokenBucketLimiter

    now = [0.0]
    limiter = TokenBucketLimiter(rate_per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.check("a").allowed for _ in range(3)] == [True, True, False]
    assert limiter.check("a").retry_after_s == 1
    assert limiter.check("b").allowed is True
    now[0] = 1.0
    assert limiter.check("a").allowed is True
    with pytest.raises(ValueError, match="rate_per_minute=0"):
        TokenBucketLimiter(rate_per_minute=0)


def test_cors_allows_only_configured_origins(api_server: str) -> None:
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = httpx.options(
        f"{api_server}/v1/ask",
        headers={"Origin": "https://widget.example.ch", **preflight},
        timeout=10,
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://widget.example.ch"
    denied = httpx.options(
        f"{api_server}/v1/ask", headers={"Origin": "https://evil.example", **preflight}, timeout=10
    )
    assert denied.status_code == 400
    assert "access-control-allow-origin" not in denied.headers
    simple = httpx.post(
        f"{api_server}/v1/ask",
        json={"question": "Quelle est la météo ?"},
        headers={"Origin": "https://evil.example"},
        timeout=30,
    )
    assert "access-control-allow-origin" not in simple.headers


#: Operations fuzzed, and examples per operation and mode (positive, negative): < 60 s in all.
FUZZ_EXCLUDED_PREFIXES = ("/v1/voice", "/v1/telephony", "/v1/admin/reindex")
FUZZ_EXAMPLES = {"positive": 25, "negative": 15}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(api_server: str) -> None:
    """Bounded property-based run over the live OpenAPI schema: no 500, schema-conformant 2xx."""
    import requests
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import not_a_server_error, response_schema_conformance
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_url(f"{api_server}/openapi.json")
    session = requests.Session()
    started = time.monotonic()
    tested: list[str] = []
    statuses: dict[int, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(FUZZ_EXCLUDED_PREFIXES):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=FUZZ_EXAMPLES[mode.value],
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: schemathesis.Case) -> None:
                response = case.call(base_url=api_server, session=session, timeout=30)
                statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                checks = [not_a_server_error]
                json_body = response.headers.get("content-type", [""])[0].startswith(
                    "application/json"
                )
                positive = mode is GenerationMode.POSITIVE  # noqa: B023  (run() is called in this iteration)
                if positive and response.status_code < 300 and json_body:
                    checks.append(response_schema_conformance)
                case.validate_response(response, checks=checks)

            try:
                run()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE, operation.path  # nothing to make invalid
        tested.append(f"{operation.method.upper()} {operation.path}")
    session.close()
    assert sum(statuses.values()) >= 100
    assert max(statuses) < 500
    assert "POST /v1/ask" in tested
    assert "POST /v1/chat/completions" in tested
    assert "GET /v1/institutions" in tested
    assert time.monotonic() - started < 120
