"""End-to-end: the real API over real HTTP on the tiny corpus."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


def test_ask_returns_contract_with_resolvable_citations(live_server: str) -> None:
    response = httpx.post(
        f"{live_server}/v1/ask",
        json={"question": "J'habite à Cernier et je n'arrive plus à payer mes factures"},
        timeout=30,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "orientation"
    assert body["language"] == "fr"
    assert body["institutions"][0]["id"] == "gsr-val-de-ruz"
    numbers = {c["n"] for c in body["citations"]}
    assert numbers == set(range(1, len(body["citations"]) + 1))
    for card in body["institutions"]:
        assert set(card["citations"]) <= numbers
    for citation in body["citations"]:
        resolved = httpx.get(f"{live_server}{citation['url']}", timeout=10)
        assert resolved.status_code == 200
        assert resolved.json()["id"] == citation["institution_id"]


def test_health_reports_loaded_models(live_server: str) -> None:
    body = httpx.get(f"{live_server}/health", timeout=10).json()
    assert body["status"] == "ok"
    assert body["models_loaded"] is True
    assert body["institutions"] == 14
    assert body["documents"] == 14
    assert body["chunks"] >= 14
    assert "use-m3" in body["models"]
    assert body["corpus_version"].startswith("14-")


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        pytest.param({"question": "   "}, 422, id="blank"),
        pytest.param({"question": ""}, 422, id="empty"),
        pytest.param({"question": "x" * 5000}, 413, id="oversized"),
        pytest.param({"question": "abc\x00\x01\x02\x03\x04"}, 422, id="binary"),
        pytest.param({"q": "missing field"}, 422, id="missing-field"),
        pytest.param({"question": "loyer", "top_k": 0}, 422, id="top-k-zero"),
    ],
)
def test_bad_input_gets_clear_4xx(
    live_server: str, payload: dict[str, object], status: int
) -> None:
    response = httpx.post(f"{live_server}/v1/ask", json=payload, timeout=10)
    assert response.status_code == status
    assert "detail" in response.json()


def test_professional_audience_needs_token(live_server: str) -> None:
    payload = {"question": "procédure de signalement", "audience": "professional"}
    denied = httpx.post(f"{live_server}/v1/ask", json=payload, timeout=10)
    assert denied.status_code == 401
    allowed = httpx.post(
        f"{live_server}/v1/ask",
        json=payload,
        headers={"Authorization": "Bearer pro-token-for-tests-0123456789"},
        timeout=30,
    )
    assert allowed.status_code == 200


def test_unknown_institution_is_404(live_server: str) -> None:
    assert httpx.get(f"{live_server}/v1/institutions/nope", timeout=10).status_code == 404


@pytest.mark.parametrize(
    "question",
    [
        pytest.param(
            "از وقتی از ایران آمده\u200cام خیلی افسرده هستم. "
            "کجا می\u200cتوانم با یک روانشناس صحبت کنم؟",
            id="persian-zwnj",
        ),
        pytest.param("\u200fأين أجد مساعدة لدفع الإيجار؟", id="arabic-rlm"),
        pytest.param("👨\u200d👩\u200d👧 on n'a plus d'argent pour manger", id="emoji-zwj"),
    ],
)
def test_format_characters_of_real_writing_are_accepted(live_server: str, question: str) -> None:
    response = httpx.post(f"{live_server}/v1/ask", json={"question": question}, timeout=30)
    assert response.status_code == 200
    assert response.json()["kind"] in {"orientation", "no_answer", "emergency"}
