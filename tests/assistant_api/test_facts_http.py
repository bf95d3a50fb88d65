"""The data steward's review over HTTP: list, accept, reject, the stewardship view.

The API of :mod:`tests.assistant_api.facts_server` (two test sites crawled and refreshed, a
corpus copy the accepts write into) is served once for this module.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest

from assistant_api.analytics.store import AnswerRecord
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from tests.assistant_api.facts_server import ADMIN, AVS, LIGUE, PRO, STEWARD, Api, steward_api

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(
    tmp_path_factory: pytest.TempPathFactory,
    api_settings: Settings,
    tiny_runtime: AssistantRuntime,
) -> Iterator[Api]:
    with steward_api(tmp_path_factory.mktemp("facts-http"), api_settings, tiny_runtime) as api:
        yield api


def _pending(api: Api, **filters: str) -> dict[tuple[str, str, str], dict[str, Any]]:
    response = api.get("/v1/facts/proposals", **filters)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == len(body["proposals"])
    return {(p["institution_id"], p["field"], p["status"]): p for p in body["proposals"]}


@pytest.mark.parametrize(
    ("token", "code"),
    [
        pytest.param(None, 401, id="no-token"),
        pytest.param(PRO, 401, id="professional-token"),
        pytest.param("x" * 32, 401, id="unknown-token"),
        pytest.param(STEWARD, 200, id="steward-token"),
        pytest.param(ADMIN, 200, id="admin-token"),
    ],
)
def test_only_stewards_and_the_admin_may_review(api: Api, token: str | None, code: int) -> None:
    assert api.get("/v1/facts/proposals", token=token).status_code == code
    assert api.get("/v1/facts/stewardship", token=token).status_code == code


def test_list_and_filters(api: Api) -> None:
    assert set(_pending(api)) >= {
        (LIGUE, "email", "new"),
        (LIGUE, "hours", "new"),
        (AVS, "phone", "contradicted"),
        (AVS, "address", "changed"),
    }
    assert set(_pending(api, field="address")) == {(AVS, "address", "changed")}
    assert set(_pending(api, status="contradicted")) == {(AVS, "phone", "contradicted")}
    assert {k[0] for k in _pending(api, institution=AVS)} == {AVS}
    assert api.get("/v1/facts/proposals", field="fax").status_code == 422


def test_accept_writes_the_record_and_its_date_then_refuses_a_second_decision(api: Api) -> None:
    email = _pending(api)[(LIGUE, "email", "new")]

    response = api.post(f"/v1/facts/proposals/{email['id']}/accept", {"reviewer": "A. Steward"})

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["proposal"]["decision"], body["proposal"]["decided_by"]) == (
        "accepted",
        "A. Steward",
    )
    assert (body["record_updated"], body["store_synced"]) == (True, True)
    record = api.record(LIGUE)
    assert record["emails"] == ["LNCC@ne.ch"]
    assert record["assured"]["emails"] == {
        "assured_date": date.today(),
        "assured_by": "A. Steward",
        "source": api.ligue + "/contact.html",
    }
    card = httpx.get(f"{api.url}/v1/institutions/{LIGUE}", timeout=10).json()
    assert card["emails"] == ["LNCC@ne.ch"]
    assert card["assured"]["emails"]["assured_date"] == date.today().isoformat()

    view = api.get("/v1/facts/stewardship", limit=200).json()
    ligue = [r for r in [*view["oldest_or_missing"], *view["most_used"]] if r["id"] == LIGUE]
    assert ligue, "the Ligue still lacks hours, so it is listed"
    assert {"field": "emails", "status": "current", "assured_date": date.today().isoformat()} in (
        ligue[0]["facts"]
    )

    again = api.post(f"/v1/facts/proposals/{email['id']}/accept", {"reviewer": "B. Other"})
    assert again.status_code == 409
    assert api.record(LIGUE)["assured"]["emails"]["assured_by"] == "A. Steward"


def test_reject_keeps_the_reason(api: Api) -> None:
    phone = _pending(api)[(AVS, "phone", "contradicted")]
    before = (api.corpus / f"{AVS}.yaml").read_text("utf-8")

    response = api.post(
        f"/v1/facts/proposals/{phone['id']}/reject",
        {"reviewer": "A. Steward", "reason": "le fax est un autre service"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["proposal"]["reason"] == "le fax est un autre service"
    assert response.json()["record_updated"] is False
    assert (api.corpus / f"{AVS}.yaml").read_text("utf-8") == before
    rejected = _pending(api, decision="rejected")
    assert rejected[(AVS, "phone", "contradicted")]["decided_by"] == "A. Steward"


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        pytest.param("/v1/facts/proposals/999999/accept", {"reviewer": "A"}, 404, id="unknown"),
        pytest.param("/v1/facts/proposals/999999/reject", {"reviewer": "A"}, 404, id="unknown-r"),
        pytest.param("/v1/facts/proposals/1/accept", {"reviewer": ""}, 422, id="no-reviewer"),
        pytest.param("/v1/facts/proposals/1/accept", {"reviewer": "   "}, 422, id="blank"),
        pytest.param("/v1/facts/proposals/1/accept", {}, 422, id="no-body"),
        pytest.param("/v1/facts/proposals/0/accept", {"reviewer": "A"}, 422, id="bad-id"),
    ],
)
def test_errors(api: Api, path: str, body: object, code: int) -> None:
    assert api.post(path, body).status_code == code


def test_a_record_that_refuses_the_value_is_422_and_unchanged(api: Api) -> None:
    address = _pending(api)[(AVS, "address", "changed")]
    path = api.corpus / f"{AVS}.yaml"
    original = path.read_text("utf-8")
    path.write_text("- not a record mapping\n", "utf-8")
    try:
        response = api.post(f"/v1/facts/proposals/{address['id']}/accept", {"reviewer": "A"})
        assert response.status_code == 422
        assert "nothing changed" in response.json()["detail"]
        assert path.read_text("utf-8") == "- not a record mapping\n"
    finally:
        path.write_text(original, "utf-8")
    assert (AVS, "address", "changed") in _pending(api)


def test_stewardship_view(api: Api) -> None:
    api.services.analytics.add_answer(
        AnswerRecord(
            answer_id="facts-http-1",
            question="[redacted]",
            kind="orientation",
            language="fr",
            commune=None,
            theme="sante",
            confidence=0.9,
            institutions=(AVS,),
            created_at=datetime.now(UTC),
        )
    )

    response = api.get("/v1/facts/stewardship", days=30)

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["current_days"], body["ageing_days"]) == (183, 548)
    worst = {row["id"]: row for row in body["oldest_or_missing"]}
    # The AVS record has no hours and none of its facts is dated.
    assert "hours" in worst[AVS]["missing"]
    assert {f["status"] for f in worst[AVS]["facts"]} == {"unknown"}
    assert body["pending_count"] == len(_pending(api))
    assert [(r["id"], r["answers"]) for r in body["most_used"]] == [(AVS, 1)]
    assert "institution" in body["usage_note"]


def test_the_console_page_is_served_with_a_strict_policy(api: Api) -> None:
    response = httpx.get(f"{api.url}/pro/facts", timeout=10)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert 'src="/static/pro-facts.js"' in response.text
