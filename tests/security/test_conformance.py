"""Small defects of issue 22: a 500 on a lone surrogate, loose types, made-up answer ids, and
the responses the OpenAPI schema did not document (found by schemathesis).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from assistant_api.app import create_app
from assistant_api.http.issued import IssuedAnswers
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from permanence.testing.servers import run_uvicorn
from tests.assistant_api.conftest import settings_for

QUESTION = "J'ai des dettes, qui peut m'aider ?"


@pytest.fixture(scope="module")
def server(
    tiny_settings: Settings,
    tiny_runtime: AssistantRuntime,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    settings = settings_for(
        tiny_settings,
        data_dir=tmp_path_factory.mktemp("conformance-analytics"),
        redactor="regex",
        limits={"requests_per_minute": 1_000_000, "client_in_flight": 64},
    )
    with run_uvicorn(create_app(settings, runtime=tiny_runtime)) as url:
        yield url


def _post_raw(url: str, path: str, body: str) -> httpx.Response:
    """``body`` is JSON text sent as is: ``\\ud800`` stays an escape, as a client sends it."""
    return httpx.post(
        f"{url}{path}",
        content=body.encode("ascii"),
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


LONE = "\\ud800"


@pytest.mark.integration
@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"messages": [{"role": "user", "content": f"aide {LONE}"}]}, id="user"),
        pytest.param(
            {"messages": [{"role": "system", "content": LONE}, {"role": "user", "content": "x"}]},
            id="system",
        ),
        pytest.param(
            {"messages": [{"role": "user", "content": [{"type": "text", "text": LONE}]}]},
            id="part",
        ),
        pytest.param(
            {"model": LONE, "messages": [{"role": "user", "content": QUESTION}]}, id="model"
        ),
        pytest.param(
            {"commune": LONE, "messages": [{"role": "user", "content": QUESTION}]}, id="commune"
        ),
        pytest.param(
            {"stream": True, "messages": [{"role": "user", "content": f"a{LONE}"}]}, id="stream"
        ),
        pytest.param(
            {"user": LONE, "messages": [{"role": "user", "content": QUESTION}]}, id="extra"
        ),
    ],
)
def test_a_lone_surrogate_in_chat_completions_is_a_4xx(
    server: str, body: dict[str, object]
) -> None:
    text = json.dumps(body).replace("\\\\ud800", "\\ud800")
    assert "\\ud800" in text and "\\\\" not in text
    response = _post_raw(server, "/v1/chat/completions", text)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]


@pytest.mark.integration
@pytest.mark.parametrize("path", ["/v1/ask", "/v1/ask/stream"])
def test_a_lone_surrogate_in_a_question_is_a_4xx(server: str, path: str) -> None:
    response = _post_raw(server, path, f'{{"question": "aide {LONE}", "commune": "{LONE}"}}')
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.integration
@pytest.mark.parametrize("top_k", [True, "3", 2.5])
def test_top_k_must_be_an_integer(server: str, top_k: object) -> None:
    response = httpx.post(
        f"{server}/v1/ask", json={"question": QUESTION, "top_k": top_k}, timeout=60
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["loc"] == ["body", "top_k"]


@pytest.mark.integration
def test_top_k_integer_is_accepted(server: str) -> None:
    response = httpx.post(f"{server}/v1/ask", json={"question": QUESTION, "top_k": 1}, timeout=60)
    assert response.status_code == 200
    assert len(response.json()["institutions"]) <= 1


@pytest.mark.integration
def test_feedback_on_an_answer_never_issued_is_refused(server: str) -> None:
    made_up = {"answer_id": "0123456789abcdef" * 2, "rating": "helpful"}
    refused = httpx.post(f"{server}/v1/feedback", json=made_up, timeout=10)
    assert refused.status_code == 422
    assert "answer" in refused.json()["detail"]
    answer = httpx.post(f"{server}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    for rating in ("helpful", "not_helpful"):
        real = {"answer_id": answer["answer_id"], "rating": rating}
        accepted = httpx.post(f"{server}/v1/feedback", json=real, timeout=10)
        assert accepted.status_code == 202, accepted.text


@pytest.mark.integration
def test_answers_of_every_channel_can_be_rated(server: str) -> None:
    chat = {"messages": [{"role": "user", "content": QUESTION}]}
    completion = httpx.post(f"{server}/v1/chat/completions", json=chat, timeout=60).json()
    stream = httpx.post(f"{server}/v1/ask/stream", json={"question": QUESTION}, timeout=60)
    (result,) = [
        json.loads(line.removeprefix("data: "))
        for event in stream.text.split("\n\n")
        if event.startswith("event: result")
        for line in event.splitlines()
        if line.startswith("data: ")
    ]
    for answer_id in (completion["permanence"]["answer_id"], result["answer_id"]):
        rating = {"answer_id": answer_id, "rating": "helpful"}
        assert httpx.post(f"{server}/v1/feedback", json=rating, timeout=10).status_code == 202


def test_issued_answers_forget_after_the_ttl_and_beyond_the_bound() -> None:
    now = [0.0]
    issued = IssuedAnswers(ttl_s=60, max_ids=2, clock=lambda: now[0])
    issued.add("a")
    now[0] = 30
    issued.add("b")
    assert issued.issued("a") and issued.issued("b")
    now[0] = 61
    assert not issued.issued("a") and issued.issued("b")
    issued.add("c")
    issued.add("d")
    assert len(issued) == 2 and not issued.issued("b")
    with pytest.raises(ValueError, match="max_ids=0"):
        IssuedAnswers(max_ids=0)


# --- the OpenAPI schema --------------------------------------------------------------------

#: The error responses each API operation can give and must document.
DOCUMENTED = {
    ("post", "/v1/ask"): {"400", "401", "413", "422", "429", "503"},
    ("post", "/v1/ask/stream"): {"400", "401", "413", "422", "429", "503"},
    ("post", "/v1/chat/completions"): {"400", "413", "422", "429", "503"},
    ("post", "/v1/feedback"): {"400", "413", "422", "429", "503"},
    ("get", "/v1/institutions"): {"422", "429", "503"},
    ("get", "/v1/institutions/{institution_id}"): {"404", "429", "503"},
}


@pytest.mark.integration
def test_the_schema_documents_the_error_responses(server: str) -> None:
    schema = httpx.get(f"{server}/openapi.json", timeout=10).json()
    missing = {
        f"{method.upper()} {path}": sorted(codes - set(schema["paths"][path][method]["responses"]))
        for (method, path), codes in DOCUMENTED.items()
    }
    assert {op: codes for op, codes in missing.items() if codes} == {}


# --- schemathesis, against the real app -----------------------------------------------------

#: Uploads and the platform's webhooks have their own tests; reindexing would rebuild the index.
CONFORMANCE_EXCLUDED = ("/v1/voice", "/v1/telephony", "/v1/admin/reindex")
#: Examples per operation and mode: bounded so the run stays near a minute on 2 cores.
CONFORMANCE_EXAMPLES = {"positive": 15, "negative": 15}


@pytest.mark.slow
@pytest.mark.integration
def test_schemathesis_finds_no_conformance_failure(server: str) -> None:
    """Every response is documented (status, content type, schema), invalid data is refused
    and valid data is not: schemathesis's checks, collected over all API operations."""
    import requests
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import (
        content_type_conformance,
        negative_data_rejection,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.core.result import Ok
    from schemathesis.generation.modes import GenerationMode

    schema = schemathesis.openapi.from_url(f"{server}/openapi.json")
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
        negative_data_rejection,
    ]
    failures: dict[str, str] = {}
    calls = 0
    with requests.Session() as session:
        for result in schema.get_all_operations():
            assert isinstance(result, Ok), result  # the schema itself is valid
            operation = result.ok()
            if not operation.path.startswith("/v1/") or operation.path.startswith(
                CONFORMANCE_EXCLUDED
            ):
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=CONFORMANCE_EXAMPLES[mode.value],
                    deadline=None,
                    database=None,
                    derandomize=True,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case: schemathesis.Case[Any]) -> None:
                    nonlocal calls
                    calls += 1
                    response = case.call(base_url=server, session=session, timeout=60)
                    case.validate_response(response, checks=checks)

                name = f"{operation.method.upper()} {operation.path} ({mode.value})"
                try:
                    run()
                except Unsatisfiable:
                    assert mode is GenerationMode.NEGATIVE, name  # nothing to make invalid
                except (Exception, BaseExceptionGroup) as exc:  # keep the first lines, go on
                    failures[name] = "\n".join(str(exc).splitlines()[:12])
    assert calls >= 100
    assert failures == {}
