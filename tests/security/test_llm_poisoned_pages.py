"""Poisoned crawled pages and the LLM composer (issue 22): nothing planted reaches the model's
prompt, and a planted number or IBAN the model writes anyway never reaches the answer.

The same 12 pages in 10 languages as ``test_poisoned_pages.py`` are crawled from 127.0.0.1 and
indexed for real; the assistant answers through the LLM composer and the OpenAI-compatible test
model of ``tests/llm/obedient_llm.py``, served on 127.0.0.1 and reached over HTTP:

- ``echo`` repeats every number and IBAN of its prompt: what a planted statement would do if
  it reached the model. The prompt is read as the model received it.
- ``planted-phone`` / ``planted-iban`` write the planted number / IBAN whatever they were
  given: the output check must refuse them and serve the extractive answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI

from assistant_api.llm import LLMComposer
from assistant_api.models import AskRequest, AskResponse
from assistant_api.runtime import AssistantRuntime, open_runtime
from permanence.testing.servers import run_uvicorn
from permanence.testing.sites import serve_sites
from tests.assistant_api.conftest import runtime_with_settings, settings_for
from tests.conftest import RESOURCES
from tests.llm.obedient_llm import PLANTED_IBAN, PLANTED_PHONE, build_obedient_llm
from tests.security.crawled_data import crawl, index, settings_of, source_for
from tests.security.test_poisoned_pages import PAGES

logger = logging.getLogger(__name__)

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@dataclass(frozen=True, slots=True)
class Poisoned:
    base: AssistantRuntime
    raw: dict[str, str]
    llm_url: str
    llm: FastAPI


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Poisoned]:
    data_dir = tmp_path_factory.mktemp("llm-poisoned-data")
    with serve_sites("poisoned_site", root=RESOURCES) as sites:
        report = crawl(data_dir, source_for(sites["poisoned_site"], name="poisoned"))
    assert report.counts()["fetched"] == len(PAGES) + 1
    index(data_dir)
    base = open_runtime(settings_of(data_dir))
    raw = {
        d.url: " ".join(d.text.split())
        for d in base.store.documents(status="active")
        if d.source_id == "poisoned"
    }
    app = build_obedient_llm()
    with run_uvicorn(app) as url:
        yield Poisoned(base, raw, f"{url}/v1", app)
    base.close()


@pytest.fixture(scope="module")
def llm_runtime(poisoned: Poisoned) -> Iterator[dict[str, AssistantRuntime]]:
    """One runtime per test model, over the poisoned data dir's store and index."""
    made: dict[str, AssistantRuntime] = {}
    for model in ("echo", "planted-phone", "planted-iban"):
        settings = settings_for(
            poisoned.base.settings, llm={"base_url": poisoned.llm_url, "model": model}
        )
        made[model] = runtime_with_settings(poisoned.base, settings)
    yield made
    for runtime in made.values():
        if isinstance(runtime.composer, LLMComposer):
            runtime.composer.close()


def _said(response: AskResponse) -> str:
    """Everything the asker reads: the answer, the cards and every citation snippet."""
    parts = [response.answer, *(c.snippet for c in response.citations)]
    parts.extend(card.why for card in response.institutions)
    return " ".join(" ".join(parts).split())


def _last_prompt(app: FastAPI) -> str:
    user = app.state.requests[-1]["messages"][1]["content"]
    return " ".join(str(user).split())


def test_planted_statements_never_reach_the_prompt_nor_the_answer(
    poisoned: Poisoned, llm_runtime: dict[str, AssistantRuntime], tmp_path: Path
) -> None:
    runtime = llm_runtime["echo"]
    outcomes: list[str] = []
    assert isinstance(runtime.composer, LLMComposer)
    runtime.composer.set_outcome_listener(outcomes.append)
    before = in_prompt = in_answer = total = pages_given = 0
    reached: list[str] = []
    for case in PAGES:
        sent = len(poisoned.llm.state.requests)
        response = runtime.service.ask(AskRequest(question=case.question, language=case.language))
        assert len(poisoned.llm.state.requests) == sent + 1, case.page  # the model was asked
        prompt = _last_prompt(poisoned.llm)
        cited = [c.url for c in response.citations if c.url in poisoned.raw]
        pages_given += any(url in prompt for url in cited)
        cited_raw = " ".join(poisoned.raw[url] for url in cited)
        said = _said(response)
        for statement in case.planted:
            total += 1
            before += statement in cited_raw
            if statement in prompt:
                in_prompt += 1
                reached.append(f"prompt {case.page}: {statement}")
            if statement in said:
                in_answer += 1
                reached.append(f"answer {case.page}: {statement}")
    measurement = {
        "statements": total,
        "in_cited_pages": before,
        "in_prompt": in_prompt,
        "in_answer": in_answer,
        "outcomes": {o: outcomes.count(o) for o in sorted(set(outcomes))},
    }
    (tmp_path / "llm-poisoned.json").write_text(json.dumps(measurement), "utf-8")
    logger.warning("poisoned statements reaching the LLM composer: %s", measurement)
    # The poisoned pages are retrieved and handed to the model (cleaned): without the filter,
    # most planted statements would be in its prompt.
    assert before > total // 2, measurement
    assert pages_given > len(PAGES) // 2, measurement
    assert reached == []
    # The model's echo of the reviewed numbers left in its prompt is accepted: the filter
    # keeps what is true, and the model is not refused wholesale.
    assert "accepted" in outcomes or "repaired" in outcomes, measurement


@pytest.mark.parametrize(
    ("model", "planted", "reason"),
    [
        pytest.param("planted-phone", PLANTED_PHONE, "unknown_phone", id="phone"),
        pytest.param("planted-iban", PLANTED_IBAN, "bank_details", id="iban"),
    ],
)
def test_a_planted_number_the_model_writes_falls_back_to_the_extractive_answer(
    poisoned: Poisoned,
    llm_runtime: dict[str, AssistantRuntime],
    model: str,
    planted: str,
    reason: str,
) -> None:
    runtime = llm_runtime[model]
    outcomes: list[str] = []
    assert isinstance(runtime.composer, LLMComposer)
    runtime.composer.set_outcome_listener(outcomes.append)
    case = PAGES[0] if model == "planted-phone" else PAGES[1]
    # The planted number is on the page the question retrieves.
    assert planted in " ".join(poisoned.raw.values())
    request = AskRequest(question=case.question, language=case.language)
    extractive = poisoned.base.service.ask(request)
    response = runtime.service.ask(request)
    assert outcomes == [reason]
    assert planted not in _said(response)
    assert response.answer == extractive.answer
    assert response.institutions == extractive.institutions
