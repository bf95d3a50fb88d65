"""The LLM judge against a real OpenAI-compatible server on 127.0.0.1 (tests/eval/fake_judge.py)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from pydantic import SecretStr

from eval.context_metrics import FuzzScorer
from eval.gold import GoldQuestion
from eval.judge import (
    PROMPT_DIR,
    JudgeConfig,
    LlmJudge,
    judge_config,
    parse_faithfulness,
    parse_relevancy,
)
from eval.judge import JudgeError as _JudgeError
from eval.records import Outcome
from eval.runner import JUDGED_SKIP_KEY, evaluate
from permanence.settings import LLMSettings, Settings
from permanence.testing.servers import free_port, run_uvicorn
from tests.eval.fake_judge import build_fake_judge

SOURCES = ("Le Guichet social régional du Val-de-Ruz reçoit les demandes d'aide.",)
#: Sentence 1: every 5+-letter word is in SOURCES (supported); sentence 2: none is.
ANSWER = "Le Guichet social régional reçoit les demandes [1]. Appelez le numéro gratuit [2]."
QUESTION = "Qui aide pour payer les factures à Cernier ?"
#: payer, factures, cernier → factures and cernier found: round(2/3, 2).
RELEVANT = "Pour vos factures, le guichet de Cernier aide."


@pytest.fixture(scope="module")
def judge_app() -> FastAPI:
    return build_fake_judge()


@pytest.fixture(scope="module")
def judge_url(judge_app: FastAPI) -> Iterator[str]:
    with run_uvicorn(judge_app) as url:
        yield url


def _judge(url: str, model: str, **kwargs: float | int) -> LlmJudge:
    options: dict[str, float | int] = {"timeout_s": 5.0, "retries": 1, "backoff_s": 0.05}
    options.update(kwargs)
    return LlmJudge(
        JudgeConfig(
            base_url=f"{url}/v1",
            model=model,
            api_key="judge-key",
            timeout_s=float(options["timeout_s"]),
            retries=int(options["retries"]),
            backoff_s=float(options["backoff_s"]),
        )
    )


@pytest.mark.integration
def test_rule_judge_scores_and_request_shape(judge_url: str, judge_app: FastAPI) -> None:
    judge = _judge(judge_url, "rule")
    before = len(judge_app.state.requests)
    try:
        assert judge.faithfulness(ANSWER, SOURCES) == 0.5
        assert judge.answer_relevancy(QUESTION, RELEVANT) == 0.67
        assert judge.answer_relevancy(QUESTION, "Il fait beau.") == 0.0
    finally:
        judge.close()
    assert (judge.stats.calls, judge.stats.attempts) == (3, 3)
    assert (judge.stats.errors, judge.stats.malformed) == (0, 0)
    body = judge_app.state.requests[before]
    assert body["model"] == "rule"
    assert body["temperature"] == 0
    system = (PROMPT_DIR / "faithfulness.md").read_text(encoding="utf-8")
    assert body["messages"][0] == {"role": "system", "content": system}
    assert body["messages"][1]["content"] == f"SOURCES:\n[1] {SOURCES[0]}\n\nANSWER:\n{ANSWER}\n"
    assert judge_app.state.headers[before]["authorization"] == "Bearer judge-key"


@pytest.mark.integration
def test_fixed_reply_in_a_code_fence(judge_url: str) -> None:
    judge = _judge(judge_url, "fixed")
    try:
        assert judge.faithfulness(ANSWER, SOURCES) == 2 / 3
        assert judge.answer_relevancy(QUESTION, ANSWER) == 0.75
    finally:
        judge.close()
    assert judge.stats.as_notes() == {
        "judge_calls": 2,
        "judge_attempts": 2,
        "judge_errors": 0,
        "judge_malformed": 0,
        "judge_seconds": pytest.approx(judge.stats.seconds, abs=0.01),
    }


@pytest.mark.integration
@pytest.mark.parametrize("model", ["malformed", "out-of-range"])
def test_malformed_replies_score_none_and_are_counted(judge_url: str, model: str) -> None:
    judge = _judge(judge_url, model)
    try:
        assert judge.faithfulness(ANSWER, SOURCES) is None
        assert judge.answer_relevancy(QUESTION, ANSWER) is None
    finally:
        judge.close()
    assert (judge.stats.calls, judge.stats.attempts) == (2, 2)
    assert (judge.stats.errors, judge.stats.malformed) == (0, 2)
    assert len(judge.stats.problems) == 2


@pytest.mark.integration
def test_slow_judge_times_out_with_bounded_retries(judge_url: str) -> None:
    judge = _judge(judge_url, "slow", timeout_s=0.3, retries=1)
    started = time.perf_counter()
    try:
        assert judge.answer_relevancy(QUESTION, ANSWER) is None
    finally:
        judge.close()
    assert time.perf_counter() - started < 1.5  # two 0.3 s attempts + 0.05 s backoff
    assert (judge.stats.attempts, judge.stats.errors) == (2, 1)
    assert judge.stats.problems[0].startswith("ReadTimeout from ")
    assert judge.stats.problems[0].endswith("after 2 attempts")


@pytest.mark.integration
def test_transient_503_is_retried(judge_url: str, judge_app: FastAPI) -> None:
    judge = _judge(judge_url, "flaky", retries=2)
    # Make the next request odd-numbered, so it gets the 503 and the retry succeeds.
    if len(judge_app.state.requests) % 2 == 1:
        judge_app.state.requests.append({})
    try:
        assert judge.answer_relevancy(QUESTION, ANSWER) == 0.75
    finally:
        judge.close()
    assert (judge.stats.attempts, judge.stats.errors) == (2, 0)


@pytest.mark.integration
@pytest.mark.parametrize(
    ("model", "attempts", "errors", "malformed"),
    [("error", 2, 1, 0), ("unknown-model", 1, 1, 0), ("garbage", 1, 0, 1)],
)
def test_failing_endpoint_never_raises(
    judge_url: str, model: str, attempts: int, errors: int, malformed: int
) -> None:
    judge = _judge(judge_url, model)
    try:
        assert judge.faithfulness(ANSWER, SOURCES) is None
    finally:
        judge.close()
    assert (judge.stats.attempts, judge.stats.errors, judge.stats.malformed) == (
        attempts,
        errors,
        malformed,
    )


@pytest.mark.integration
def test_nothing_listening_is_an_error_not_a_crash() -> None:
    judge = _judge(f"http://127.0.0.1:{free_port()}", "rule", retries=0)
    try:
        assert judge.answer_relevancy(QUESTION, ANSWER) is None
    finally:
        judge.close()
    assert (judge.stats.attempts, judge.stats.errors) == (1, 1)
    assert judge.stats.problems[0].startswith("ConnectError from http://127.0.0.1:")


@pytest.mark.unit
def test_nothing_to_judge_makes_no_call() -> None:
    judge = _judge(f"http://127.0.0.1:{free_port()}", "rule")
    try:
        assert judge.faithfulness(ANSWER, ()) is None
        assert judge.faithfulness("  ", SOURCES) is None
        assert judge.answer_relevancy(QUESTION, "") is None
    finally:
        judge.close()
    assert judge.stats.calls == 0


@pytest.mark.unit
def test_parsers() -> None:
    assert parse_faithfulness('{"claims": []}') is None
    assert parse_faithfulness('Sure: {"claims": [{"claim": "x", "supported": false}]}') == 0.0
    assert parse_relevancy('{"score": 1}') == 1.0
    with pytest.raises(_JudgeError, match="numeric 'score'"):
        parse_relevancy('{"score": true}')
    with pytest.raises(_JudgeError, match="no 'claims' list"):
        parse_faithfulness('{"verdict": "yes"}')


@pytest.mark.unit
def test_judge_config_from_settings_and_options() -> None:
    none = Settings(llm=LLMSettings(base_url=None, model=None))
    assert judge_config(none) is None
    configured = Settings(
        llm=LLMSettings(
            base_url="http://127.0.0.1:9/v1", model="m", api_key=SecretStr("k"), timeout_s=7.0
        )
    )
    config = judge_config(configured)
    assert config == JudgeConfig(
        base_url="http://127.0.0.1:9/v1", model="m", api_key="k", timeout_s=7.0
    )
    assert config.completions_url == "http://127.0.0.1:9/v1/chat/completions"
    explicit = judge_config(configured, url="http://127.0.0.1:8", model="other")
    assert explicit is not None
    assert explicit.completions_url == "http://127.0.0.1:8/v1/chat/completions"
    assert explicit.model == "other"
    with pytest.raises(ValueError, match="has no model; pass --judge-model"):
        judge_config(none, url="http://127.0.0.1:8")
    with pytest.raises(ValueError, match="is not an http"):
        JudgeConfig(base_url="127.0.0.1:8", model="m")


QUESTIONS = [
    GoldQuestion(
        id="f1",
        question=QUESTION,
        language="fr",
        kind="orientation",
        acceptable=("gsr-val-de-ruz",),
    ),
    GoldQuestion(
        id="d1",
        question="Wer hilft bei Schulden?",
        language="de",
        kind="orientation",
        acceptable=("caritas-neuchatel",),
    ),
    GoldQuestion(id="o1", question="Quel temps fera-t-il ?", language="fr", kind="out_of_scope"),
]


class _Scripted:
    name = "system"

    def answer(self, question: GoldQuestion) -> Outcome:
        if question.id == "f1":
            return Outcome(
                id="f1",
                ranked=("gsr-val-de-ruz",),
                kind="orientation",
                language="fr",
                answer=ANSWER,
                contexts=SOURCES,
                context_ids=("gsr-val-de-ruz",),
            )
        if question.id == "d1":
            return Outcome(
                id="d1", kind="no_answer", language="de", answer="Caritas hilft bei Schulden."
            )
        return Outcome(id="o1", kind="out_of_scope", language="fr", answer="Hors sujet.")


@pytest.mark.integration
def test_evaluate_reports_judged_metrics_overall_and_by_language(judge_url: str) -> None:
    judge = _judge(judge_url, "rule")
    try:
        report = evaluate(
            QUESTIONS,
            system=_Scripted(),
            scorer=FuzzScorer(),
            gold_path="g.jsonl",
            target="in-process",
            judge=judge,
        )
    finally:
        judge.close()
    overall = report.system.overall
    # f1: faithfulness 0.5 (d1 cites nothing); relevancy f1 0.0 (no question word in ANSWER),
    # d1 1.0 (hilft, schulden both answered); o1 is out of scope: not judged.
    assert overall["faithfulness"] == 0.5
    assert overall["answer_relevancy"] == 0.5
    by_language = report.system.breakdowns["language"]
    assert by_language["fr"]["faithfulness"] == 0.5
    assert by_language["fr"]["answer_relevancy"] == 0.0
    assert by_language["de"]["faithfulness"] is None
    assert by_language["de"]["answer_relevancy"] == 1.0
    assert JUDGED_SKIP_KEY not in report.skipped
    assert report.system.notes["judge_calls"] == 3
    assert report.system.notes["judge_errors"] == 0
    assert report.system.notes["judge_model"] == "rule"

    without = evaluate(
        QUESTIONS, system=_Scripted(), scorer=FuzzScorer(), gold_path="g.jsonl", target="in-process"
    )
    assert "faithfulness" not in without.system.overall
    assert without.skipped[JUDGED_SKIP_KEY].startswith("no LLM endpoint configured")


@pytest.mark.integration
@pytest.mark.slow
def test_cli_with_judge_on_the_tiny_corpus(
    judge_url: str,
    eval_tiny_data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from permanence.cli import main
    from permanence.settings import get_settings
    from tests.eval.test_eval_run import GOLD

    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in GOLD), encoding="utf-8")
    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(eval_tiny_data_dir))
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use")
    monkeypatch.delenv("PERMANENCE_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("PERMANENCE_LLM_MODEL", raising=False)
    get_settings.cache_clear()
    out = tmp_path / "run"
    argv = ["eval", "--gold", str(gold), "--in-process", "--no-ragas", "--out", str(out)]
    assert main([*argv, "--judge-url", f"{judge_url}/v1", "--judge-model", "fixed"]) == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    system = report["systems"]["system"]
    # Every judged answer gets 2/3 and 0.75 from the fixed judge, whatever the answer says.
    assert system["overall"]["faithfulness"] == pytest.approx(2 / 3, abs=1e-12)
    assert system["overall"]["answer_relevancy"] == 0.75
    assert system["breakdowns"]["language"]["de"]["answer_relevancy"] == 0.75
    assert system["notes"]["judge_errors"] == 0
    assert system["notes"]["judge_malformed"] == 0
    assert JUDGED_SKIP_KEY not in report["skipped"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Faithfulness (LLM-judged)" in html and "<code>faithfulness</code>" in html
    # --judge-model without any endpoint is refused before anything runs.
    assert main([*argv, "--judge-model", "fixed"]) == 2
