"""Signing in to the console checks the token; demo mode makes a token for one run only."""

from __future__ import annotations

import httpx
import pytest

from assistant_api.http.demo import demo_access
from permanence.settings import Settings

PRO_TOKEN = "pro-token-for-tests-0123456789"


@pytest.mark.integration
def test_session_says_which_audience_a_token_grants(live_server: str) -> None:
    anonymous = httpx.get(f"{live_server}/v1/session")
    assert anonymous.status_code == 200
    assert anonymous.json() == {"audience": "public"}
    signed = httpx.get(
        f"{live_server}/v1/session", headers={"Authorization": f"Bearer {PRO_TOKEN}"}
    )
    assert signed.json() == {"audience": "professional"}
    for header in ("Bearer made-up-token-of-some-length", "Basic cHJvOnB3", "Token x"):
        refused = httpx.get(f"{live_server}/v1/session", headers={"Authorization": header})
        assert refused.status_code == 401, header
        assert "not a valid professional token" in refused.json()["detail"]
        assert "made-up" not in refused.text


@pytest.mark.unit
def test_demo_mode_makes_a_fresh_token_only_when_none_is_configured() -> None:
    first = demo_access(Settings(demo=True))
    second = demo_access(Settings(demo=True))
    assert first.token is not None and second.token is not None
    assert first.token != second.token
    assert len(first.token) >= 24
    assert first.settings.pro_token_list() == [first.token]
    assert first.token in first.banner("http://127.0.0.1:8000")
    assert "PERMANENCE_EVAL_PRO_TOKEN=" in first.banner("http://127.0.0.1:8000")

    configured = demo_access(Settings(demo=True, pro_tokens="a-configured-token-0123456789"))
    assert configured.token is None
    assert configured.settings.pro_token_list() == ["a-configured-token-0123456789"]
    assert "a-configured-token" not in configured.banner("http://127.0.0.1:8000")

    production = demo_access(Settings())
    assert production.token is None
    assert production.settings.pro_token_list() == []
