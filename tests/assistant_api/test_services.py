"""The composition root: one lifespan builds one frozen Services, closed in order at shutdown."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import httpx
import pytest

from assistant_api import AssistantRuntime, Services, create_app, services_of
from assistant_api.voice.calls import CallBook, CallState
from permanence.settings import Settings
from permanence.testing.servers import run_uvicorn
from tests.assistant_api.conftest import settings_for


def _state(text: str) -> CallState:
    return CallState(language="fr", text=text, audio_id=None, sms_body=text)


@pytest.mark.unit
def test_a_call_is_remembered_until_it_expires() -> None:
    book = CallBook(ttl_s=0.2)
    book.put("CA1", _state("first"))
    assert book.get("CA1") == _state("first")
    book.put("CA1", _state("second"))  # a later answer replaces the earlier one
    assert book.get("CA1") == _state("second")
    assert book.get("CA-unknown") is None
    time.sleep(0.3)
    assert book.get("CA1") is None
    assert len(book) == 0


@pytest.mark.unit
def test_the_call_book_forgets_the_oldest_call_past_its_bound() -> None:
    book = CallBook(max_calls=2)
    for sid in ("CA1", "CA2", "CA3"):
        book.put(sid, _state(sid))
    assert book.get("CA1") is None
    assert book.get("CA2") == _state("CA2") and book.get("CA3") == _state("CA3")
    with pytest.raises(ValueError, match="max_calls"):
        CallBook(max_calls=0)


@pytest.mark.integration
def test_services_exist_only_inside_the_lifespan(
    api_settings: Settings, tiny_runtime: AssistantRuntime, tmp_path: Path
) -> None:
    settings = settings_for(api_settings, data_dir=tmp_path)  # its own analytics.db
    app = create_app(settings, runtime=tiny_runtime)
    with pytest.raises(RuntimeError, match="not running"):
        services_of(app)
    with run_uvicorn(app) as base_url:
        services = services_of(app)
        assert isinstance(services, Services)
        assert services.runtime is tiny_runtime and services.settings is settings
        assert not services.owns_runtime  # given by the caller: not closed at shutdown
        with pytest.raises(dataclasses.FrozenInstanceError):
            services.runtime = tiny_runtime  # type: ignore[misc]
        health = httpx.get(f"{base_url}/health", timeout=10).json()
        assert health["status"] == "ok"
        assert health["components"]["redactor"] == "regex"
        assert health["components"]["composer"] == "extractive"
        assert health["components"]["voice"] == "unavailable: disabled (PERMANENCE_VOICE_ENABLED)"
        services.issued.add("a" * 32)  # feedback names an answer this server issued
        feedback = httpx.post(
            f"{base_url}/v1/feedback",
            json={"answer_id": "a" * 32, "rating": "helpful"},
            timeout=10,
        )
        assert feedback.status_code == 202
        assert services.recorder.flush(10)
    with pytest.raises(RuntimeError, match="not running"):
        services_of(app)
    # The runtime it was given still answers; the analytics store it opened is closed.
    assert tiny_runtime.service.institutions
    assert (tmp_path / "analytics.db").exists()
    with pytest.raises(Exception, match="closed"):
        services.analytics.blind_spots(days=1)
