"""The settings object: groups read from their variables, lists, copies, refused old names."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from permanence.errors import ConfigurationError
from permanence.settings import (
    RENAMED_VARIABLES,
    LLMSettings,
    Settings,
    get_settings,
    refuse_renamed_variables,
)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("variable", "value", "read"),
    [
        pytest.param(
            "PERMANENCE_LLM_BASE_URL", "http://127.0.0.1:9/v1", lambda s: s.llm.base_url, id="llm"
        ),
        pytest.param(
            "PERMANENCE_LLM_EMBEDDED_MAX_SOURCES",
            "4",
            lambda s: s.llm.embedded_max_sources,
            id="llm-embedded",
        ),
        pytest.param("PERMANENCE_VOICE_ENABLED", "false", lambda s: s.voice.enabled, id="voice"),
        pytest.param(
            "PERMANENCE_VOICE_WHISPER_THREADS",
            "3",
            lambda s: s.voice.whisper_threads,
            id="voice-whisper",
        ),
        pytest.param(
            "PERMANENCE_TELEPHONY_HANDOFF_NUMBER",
            "+41000000000",
            lambda s: s.telephony.handoff_number,
            id="telephony",
        ),
        pytest.param(
            "PERMANENCE_LIMITS_REQUESTS_PER_MINUTE",
            "7",
            lambda s: s.limits.requests_per_minute,
            id="limits",
        ),
        pytest.param(
            "PERMANENCE_CRAWL_IDENTIFY_LANGUAGE",
            "false",
            lambda s: s.crawl.identify_language,
            id="crawl",
        ),
        pytest.param("PERMANENCE_DATA_DIR", "/tmp/p-data", lambda s: str(s.data_dir), id="flat"),
    ],
)
def test_each_group_reads_its_own_variables(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, read: object
) -> None:
    monkeypatch.setenv(variable, value)
    settings = get_settings()
    expected: object = {"false": False, "4": 4, "3": 3, "7": 7}.get(value, value)
    assert callable(read)
    assert read(settings) == expected


@pytest.mark.unit
def test_lists_are_written_with_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use, e5,,")
    monkeypatch.setenv("PERMANENCE_CORS_ORIGINS", "https://a.example.ch,https://b.example.ch")
    monkeypatch.setenv("PERMANENCE_TELEPHONY_MEDIA_HOSTS", "api.twilio.com,*.example.ch")
    settings = get_settings()
    assert settings.embed_models == ["use", "e5"]
    assert settings.cors_origins == ["https://a.example.ch", "https://b.example.ch"]
    assert settings.telephony.media_hosts == ["api.twilio.com", "*.example.ch"]
    monkeypatch.delenv("PERMANENCE_EMBED_MODELS")
    monkeypatch.delenv("PERMANENCE_CORS_ORIGINS")
    assert Settings().embed_models == ["use", "e5"]  # the defaults
    assert Settings().cors_origins == []


@pytest.mark.unit
@pytest.mark.parametrize("old", sorted(RENAMED_VARIABLES), ids=str)
def test_a_renamed_variable_is_refused_with_its_new_name(
    monkeypatch: pytest.MonkeyPatch, old: str
) -> None:
    monkeypatch.setenv(old, "x")
    monkeypatch.setenv("PERMANENCE_ADMIN_TOKEN", "a-secret-admin-token-never-shown")
    with pytest.raises(ConfigurationError) as caught:
        get_settings()
    message = str(caught.value)
    assert old in message and RENAMED_VARIABLES[old] in message
    assert "a-secret-admin-token-never-shown" not in message


@pytest.mark.unit
def test_the_renamed_check_passes_a_clean_environment() -> None:
    refuse_renamed_variables({"PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN": "x", "PATH": "/bin"})


@pytest.mark.unit
def test_updated_merges_into_a_group_and_validates(tmp_path: Path) -> None:
    base = Settings(
        data_dir=tmp_path,
        llm=LLMSettings(base_url="http://127.0.0.1:9/v1", api_key=SecretStr("k")),
        admin_token=SecretStr("admin-token-for-tests-0123456789"),
    )
    changed = base.updated({"llm": {"model": "m"}, "port": 0})
    assert changed.llm.base_url == "http://127.0.0.1:9/v1"  # kept
    assert changed.llm.model == "m"
    assert changed.llm.api_key is not None and changed.llm.api_key.get_secret_value() == "k"
    assert changed.port == 0 and changed.data_dir == tmp_path
    assert base.llm.model is None  # the original is untouched
    with pytest.raises(ValidationError, match="backend"):
        base.updated({"llm": {"backend": "telepathy"}})
    with pytest.raises(ValidationError, match="extra"):
        base.updated({"voice": {"enabld": True}})  # a typo is refused, not ignored


@pytest.mark.unit
def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]
    with pytest.raises(ValidationError):
        settings.voice.enabled = False  # type: ignore[misc]


@pytest.mark.unit
def test_the_whisper_model_lives_under_the_data_dir_unless_configured(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).whisper_model_dir == tmp_path / "models" / "whisper-base"
    configured = Settings(data_dir=tmp_path, voice={"whisper_model_dir": tmp_path / "w"})
    assert configured.whisper_model_dir == tmp_path / "w"
