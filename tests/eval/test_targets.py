"""HttpTarget edge cases (rate limit, errors, malformed answers, token) with httpx.MockTransport.

The normal path runs against the real API in test_eval_run.py; here the server's odd answers
are scripted, which a real server would not produce on demand.
"""

from __future__ import annotations

import json

import httpx
import pytest

from eval.errors import TargetError
from eval.gold import GoldQuestion
from eval.targets import HttpTarget, request_for

pytestmark = pytest.mark.unit

ANSWER = {
    "kind": "orientation",
    "language": "fr",
    "answer": "Le GSR de Neuchâtel [1].",
    "institutions": [{"id": "gsr-neuchatel", "name": "GSR", "why": "w", "citations": [1]}],
    "citations": [
        {
            "n": 1,
            "title": "GSR",
            "url": "/v1/institutions/gsr-neuchatel",
            "kind": "gsr",
            "snippet": "Le GSR reçoit.",
            "fetched_at": "2026-11-01",
            "institution_id": "gsr-neuchatel",
        }
    ],
}

PUBLIC = GoldQuestion(id="q1", question="loyer impayé", language="fr", kind="orientation")
PRO = GoldQuestion(
    id="q2", question="procédure F-12", language="fr", kind="orientation", audience="professional"
)


def _target(
    responses: list[httpx.Response], seen: list[httpx.Request], sleeps: list[float]
) -> HttpTarget:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses.pop(0)

    return HttpTarget(
        "http://127.0.0.1:9",
        pro_token="pro-token-0123456789",
        transport=httpx.MockTransport(handler),
        sleep=sleeps.append,
    )


def test_rate_limited_question_is_retried_after_retry_after() -> None:
    seen: list[httpx.Request] = []
    sleeps: list[float] = []
    target = _target(
        [httpx.Response(429, headers={"Retry-After": "2"}), httpx.Response(200, json=ANSWER)],
        seen,
        sleeps,
    )
    outcome = target.answer(PUBLIC)
    assert outcome.error is None
    assert outcome.ranked == ("gsr-neuchatel",)
    assert outcome.context_ids == ("gsr-neuchatel",)
    assert outcome.citation_valid is True
    assert sleeps == [2.0]
    assert len(seen) == 2
    assert "authorization" not in seen[0].headers


@pytest.mark.parametrize(
    ("response", "error"),
    [
        pytest.param(httpx.Response(500, text="boom"), "HTTP 500: boom", id="server-error"),
        pytest.param(
            httpx.Response(422, json={"detail": "x"}), 'HTTP 422: {"detail":"x"}', id="422"
        ),
        pytest.param(
            httpx.Response(200, json={"kind": "nope"}), "not an answer contract", id="shape"
        ),
        pytest.param(httpx.Response(200, text="<html>"), "not an answer contract", id="not-json"),
    ],
)
def test_bad_answers_become_errors_not_crashes(response: httpx.Response, error: str) -> None:
    target = _target([response], [], [])
    outcome = target.answer(PUBLIC)
    assert outcome.error is not None
    assert outcome.error.startswith(error)
    assert outcome.ranked == ()


def test_professional_question_carries_the_bearer_token() -> None:
    seen: list[httpx.Request] = []
    target = _target([httpx.Response(200, json=ANSWER)], seen, [])
    target.answer(PRO)
    assert seen[0].headers["authorization"] == "Bearer pro-token-0123456789"
    assert json.loads(seen[0].read()) == {"question": "procédure F-12", "audience": "professional"}


def test_request_sends_neither_gold_language_nor_commune() -> None:
    question = PUBLIC.model_copy(update={"commune": "Val-de-Ruz"})
    request = request_for(question)
    assert request.language is None
    assert request.commune is None
    assert request.audience == "public"


def test_url_must_be_http() -> None:
    with pytest.raises(TargetError, match="must start with http"):
        HttpTarget("127.0.0.1:8000")


def test_unreachable_server_is_a_target_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    target = HttpTarget("http://127.0.0.1:9", transport=httpx.MockTransport(refuse))
    with pytest.raises(TargetError, match=r"cannot reach http://127\.0\.0\.1:9/v1/ask"):
        target.answer(PUBLIC)
