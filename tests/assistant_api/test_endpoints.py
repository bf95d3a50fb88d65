"""The service endpoints over real HTTP: stream, search, feedback, metrics, admin, chat facade."""

from __future__ import annotations

import json
import time

import httpx
import pytest

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": "Bearer admin-token-for-tests-0123456789"}
JOB_QUESTION = "Je cherche du travail, je suis au chômage"


def _events(text: str) -> list[tuple[str, object]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def test_stream_sends_sentences_then_the_full_answer(api_server: str) -> None:
    with httpx.stream(
        "POST", f"{api_server}/v1/ask/stream", json={"question": JOB_QUESTION}, timeout=30
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = response.read().decode()
    events = _events(body)
    names = [name for name, _ in events]
    assert names[0] == "meta"
    assert names[-1] == "result"
    assert set(names[1:-1]) == {"sentence"}
    result = events[-1][1]
    assert isinstance(result, dict)
    assert result["kind"] == "orientation"
    assert result["institutions"][0]["id"] == "orp-neuchatel"
    sentences = "".join(str(data["text"]) for name, data in events if name == "sentence")  # type: ignore[index]
    assert sentences == result["answer"]
    assert events[0][1] == {
        "kind": "orientation",
        "language": "fr",
        "direction": "ltr",
        "answer_id": result["answer_id"],
    }


def test_stream_refuses_bad_input_like_ask(api_server: str) -> None:
    response = httpx.post(f"{api_server}/v1/ask/stream", json={"question": "  "}, timeout=10)
    assert response.status_code == 422
    assert response.json()["detail"] == "the question is empty"


@pytest.mark.parametrize(
    ("params", "first_id", "total"),
    [
        pytest.param(
            {"q": "subside assurance-maladie"}, "ocab-subsides-lamal-bourses", None, id="q-services"
        ),
        pytest.param({"q": "Caritas"}, "caritas-neuchatel", 1, id="q-name"),
        pytest.param(
            {"category": "violence_victimes"}, "office-protection-enfant", 2, id="category"
        ),
        pytest.param(
            {"q": "victimes", "category": "violence_victimes"},
            "savi-aide-aux-victimes",
            1,
            id="q-and-category",
        ),
    ],
)
def test_institution_search(
    api_server: str, params: dict[str, str], first_id: str, total: int | None
) -> None:
    response = httpx.get(f"{api_server}/v1/institutions", params=params, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["results"][0]["id"] == first_id
    assert body["results"][0]["url"] == f"/v1/institutions/{first_id}"
    if total is not None:
        assert body["total"] == total


def test_institution_search_by_commune_keeps_the_services_of_that_commune(api_server: str) -> None:
    body = httpx.get(
        f"{api_server}/v1/institutions", params={"commune": "Val-de-Ruz", "limit": 100}, timeout=10
    ).json()
    ids = {r["id"] for r in body["results"]}
    assert "gsr-val-de-ruz" in ids
    assert "gsr-la-chaux-de-fonds" not in ids
    assert "gsr-neuchatel" not in ids
    for result in body["results"]:
        assert "Val-de-Ruz" in result["service_area"] or "canton" in result["service_area"]


def test_institution_search_rejects_unknown_category(api_server: str) -> None:
    response = httpx.get(f"{api_server}/v1/institutions", params={"category": "nope"}, timeout=10)
    assert response.status_code == 422
    assert "unknown category 'nope'" in response.json()["detail"]


def test_feedback_and_blind_spots(api_server: str) -> None:
    marker = f"zorglub{int(time.time() * 1000)}"
    answers = [
        httpx.post(
            f"{api_server}/v1/ask",
            json={"question": f"{JOB_QUESTION} ({marker}-{i})", "commune": "Cernier"},
            timeout=30,
        ).json()
        for i in range(3)
    ]
    ratings = ["wrong_institution", "not_helpful", "helpful"]
    for answer, rating in zip(answers, ratings, strict=True):
        receipt = httpx.post(
            f"{api_server}/v1/feedback",
            json={
                "answer_id": answer["answer_id"],
                "rating": rating,
                "institution_id": answer["institutions"][0]["id"],
                "comment": "Mauvais guichet, appelez-moi au 079 123 45 67",
            },
            timeout=10,
        )
        assert receipt.status_code == 202
        assert receipt.json() == {"accepted": True, "answer_id": answer["answer_id"]}

    assert httpx.get(f"{api_server}/v1/admin/blind-spots", timeout=10).status_code == 401
    report = httpx.get(f"{api_server}/v1/admin/blind-spots", headers=ADMIN, timeout=30).json()
    mine = [
        (group, example)
        for group in report["groups"]
        for example in group["examples"]
        if marker in example["question"]
    ]
    assert sorted(example["reason"] for _, example in mine) == ["not_helpful", "wrong_institution"]
    first = answers[0]["institutions"][0]["id"]
    theme = httpx.get(f"{api_server}/v1/institutions/{first}", timeout=10).json()["categories"][0]
    for group, example in mine:
        assert (group["theme"], group["language"], group["commune"]) == (theme, "fr", "Val-de-Ruz")
        assert example["kind"] == "orientation"


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"answer_id": "x", "rating": "helpful"}, id="bad-id"),
        pytest.param({"answer_id": "0" * 32, "rating": "great"}, id="bad-rating"),
        pytest.param(
            {"answer_id": "0" * 32, "rating": "helpful", "comment": "x" * 1001}, id="long-comment"
        ),
    ],
)
def test_feedback_rejects_malformed(api_server: str, payload: dict[str, str]) -> None:
    response = httpx.post(f"{api_server}/v1/feedback", json=payload, timeout=10)
    assert response.status_code == 422


def test_metrics_count_requests_by_route_and_answers_by_kind(api_server: str) -> None:
    httpx.post(
        f"{api_server}/v1/ask", json={"question": "Quelle est la météo demain ?"}, timeout=30
    )
    text = httpx.get(f"{api_server}/metrics", timeout=10).text
    assert 'permanence_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    assert 'permanence_answers_total{channel="ask",kind="out_of_scope",language="fr"}' in text
    assert "permanence_http_request_duration_seconds_bucket" in text
    assert "permanence_analytics_pending " in text


def test_reindex_needs_admin_and_runs_in_background(api_server: str) -> None:
    assert httpx.post(f"{api_server}/v1/admin/reindex", timeout=10).status_code == 401
    wrong = {"Authorization": "Bearer not-the-admin-token-000000"}
    assert (
        httpx.post(f"{api_server}/v1/admin/reindex", headers=wrong, timeout=10).status_code == 401
    )
    started = httpx.post(f"{api_server}/v1/admin/reindex", headers=ADMIN, timeout=10)
    assert started.status_code == 202
    assert started.json()["state"] == "running"
    deadline = time.monotonic() + 120
    status = started.json()
    while status["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        status = httpx.get(f"{api_server}/v1/admin/reindex", headers=ADMIN, timeout=10).json()
    assert status["state"] == "done", status
    assert status["detail"].startswith("14 institutions (0 new, 0 changed, 0 gone)")
    after = httpx.post(f"{api_server}/v1/ask", json={"question": JOB_QUESTION}, timeout=30)
    assert after.json()["institutions"][0]["id"] == "orp-neuchatel"


def test_openai_client_gets_answer_and_sources(api_server: str) -> None:
    import openai

    with openai.OpenAI(base_url=f"{api_server}/v1", api_key="any-key", max_retries=0) as client:
        completion = client.chat.completions.create(
            model="permanence",
            messages=[
                {"role": "system", "content": "You are helpful."},
                {"role": "user", "content": "bonjour"},
                {"role": "assistant", "content": "Bonjour !"},
                {"role": "user", "content": JOB_QUESTION},
            ],
        )
    content = completion.choices[0].message.content or ""
    extra = completion.model_extra or {}
    answer = extra["permanence"]
    assert answer["kind"] == "orientation"
    assert answer["institutions"][0]["id"] == "orp-neuchatel"
    assert content.startswith(answer["answer"])
    for citation in answer["citations"]:
        assert f"[{citation['n']}] {citation['title']} — {citation['url']}" in content
    assert completion.id == f"chatcmpl-{answer['answer_id']}"


def test_openai_client_streams(api_server: str) -> None:
    import openai

    with openai.OpenAI(base_url=f"{api_server}/v1", api_key="any-key", max_retries=0) as client:
        stream = client.chat.completions.create(
            model="permanence",
            messages=[{"role": "user", "content": "I want to kill myself"}],
            stream=True,
        )
        pieces = [chunk.choices[0].delta.content or "" for chunk in stream]
    text = "".join(pieces)
    assert len([p for p in pieces if p]) > 1
    assert text.startswith("**If you or someone else is in danger right now, call immediately:**")
    assert "- **143**" in text


def test_chat_without_user_message_is_422(api_server: str) -> None:
    response = httpx.post(
        f"{api_server}/v1/chat/completions",
        json={"messages": [{"role": "system", "content": "hi"}]},
        timeout=10,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == "no user message with text"
