"""``permanence eval`` end to end on the tiny corpus: real models, real index, real HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.errors import TargetError
from eval.gold import GoldQuestion
from eval.targets import HttpTarget, InProcessTarget

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PRO_TOKEN = "pro-token-for-tests-0123456789"

GOLD = [
    {
        "id": "t-1",
        "question": "J'habite à Cernier et je n'arrive plus à payer mes factures",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["gsr-val-de-ruz"],
        "category": "aide_sociale",
        "commune": "Val-de-Ruz",
        "audience": "public",
        "reference_contexts": ["Le Guichet social régional du Val-de-Ruz reçoit les demandes."],
        "commune_dependent": True,
    },
    {
        "id": "t-2",
        "question": "Mon mari me frappe, qui peut m'aider en toute confidentialité ?",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["savi-aide-aux-victimes"],
        "category": "violence_victimes",
        "commune": None,
        "audience": "public",
        "reference_contexts": [],
    },
    {
        "id": "t-3",
        "question": "Quel temps fera-t-il demain à Neuchâtel ?",
        "language": "fr",
        "kind": "out_of_scope",
        "acceptable": [],
        "category": None,
        "commune": None,
        "audience": "public",
        "reference_contexts": [],
    },
    {
        "id": "t-4",
        "question": "Welche Stelle hilft bei Schulden?",
        "language": "de",
        "kind": "orientation",
        "acceptable": ["caritas-neuchatel"],
        "category": "dettes_budget",
        "commune": None,
        "audience": "professional",
        "reference_contexts": [],
    },
]


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in GOLD), encoding="utf-8")
    return path


def test_http_target_answers_and_sends_the_token(live_server: str) -> None:
    question = GoldQuestion.model_validate(GOLD[3])
    assert question.audience == "professional"
    with_token = HttpTarget(live_server, pro_token=PRO_TOKEN)
    without = HttpTarget(live_server)
    wrong = HttpTarget(live_server, pro_token="a-wrong-token-of-enough-length")
    try:
        ok = with_token.answer(question)
        # A 401 is not a miss: the run stops and says why (session.py leaves professional
        # questions out beforehand when no token is given).
        with pytest.raises(TargetError, match="only with a token"):
            without.answer(question)
        with pytest.raises(TargetError, match="refused the professional token"):
            wrong.answer(question)
    finally:
        for target in (with_token, without, wrong):
            target.close()
    assert ok.error is None
    assert ok.kind in {"orientation", "no_answer"}
    assert ok.latency_ms > 0


def test_http_and_in_process_agree(live_server: str, tiny_runtime: object) -> None:
    question = GoldQuestion.model_validate(GOLD[0])
    http = HttpTarget(live_server)
    try:
        over_http = http.answer(question)
    finally:
        http.close()
    in_process = InProcessTarget(tiny_runtime.service).answer(question)  # type: ignore[attr-defined]
    # The same code behind both interfaces: the same answer (not judged here).
    assert over_http.ranked == in_process.ranked
    assert over_http.kind == in_process.kind
    assert over_http.language == in_process.language == "fr"
    assert over_http.citation_valid == in_process.citation_valid


def test_cli_in_process_with_baselines_then_compare(
    eval_tiny_data_dir: Path, gold_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from permanence.cli import main
    from permanence.settings import get_settings

    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(eval_tiny_data_dir))
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use")
    get_settings.cache_clear()
    first, second = tmp_path / "run1", tmp_path / "run2"
    argv = ["eval", "--gold", str(gold_file), "--in-process", "--no-ragas"]
    assert main([*argv, "--out", str(first), "--baselines"]) == 0
    report = json.loads((first / "report.json").read_text(encoding="utf-8"))
    assert list(report["systems"]) == ["system", "bm25", "dense:use-m3", "llama-index"]
    assert report["gold"]["questions"] == 4
    system = report["systems"]["system"]["overall"]
    assert system["questions"] == 4
    assert system["errors"] == 0
    # One out-of-scope question: the rate is 0 or 1. How good the system is, is not judged here.
    assert system["out_of_scope_accuracy"] in (0.0, 1.0)
    assert system["retrieval_questions"] == 3
    assert isinstance(system["citation_validity"], float)
    llama = report["systems"]["llama-index"]
    assert llama["notes"]["nodes"] >= 14
    assert llama["overall"]["retrieval_questions"] == 3
    html = (first / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html and "llama-index" in html

    assert main([*argv, "--out", str(second), "--compare", str(first / "report.json")]) == 0
    html = (second / "report.html").read_text(encoding="utf-8")
    assert "Changes since" in html


def test_cli_languages_and_limit(
    eval_tiny_data_dir: Path, gold_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from permanence.cli import main
    from permanence.settings import get_settings

    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(eval_tiny_data_dir))
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use")
    get_settings.cache_clear()
    out = tmp_path / "run"
    code = main(
        ["eval", "--gold", str(gold_file), "--languages", "fr", "--limit", "2", "--out", str(out)]
    )
    assert code == 0
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [q["id"] for q in report["questions"]] == ["t-1", "t-2"]
