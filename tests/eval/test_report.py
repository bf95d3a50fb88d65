"""Report assembly, JSON round trip, HTML rendering and comparison of two runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.compare import compare_reports, question_ok
from eval.context_metrics import FuzzScorer
from eval.errors import ReportError
from eval.gold import GoldQuestion
from eval.html_report import render_html
from eval.records import Outcome
from eval.report import Report, read_report, write_report
from eval.runner import evaluate
from tests.eval.scripted import Scripted

pytestmark = pytest.mark.unit

QUESTIONS = [
    GoldQuestion(
        id="q1",
        question="Je n'arrive plus à payer mon loyer",
        language="fr",
        kind="orientation",
        acceptable=("gsr-neuchatel",),
        category="aide_sociale",
        reference_contexts=("Le GSR de Neuchâtel reçoit les demandes d'aide sociale.",),
    ),
    GoldQuestion(
        id="q2",
        question="Mein Mann schlägt mich",
        language="de",
        kind="emergency",
        acceptable=("urgence-117",),
        category="violence_victimes",
    ),
    GoldQuestion(
        id="q3", question="Quel temps fera-t-il? <script>", language="fr", kind="out_of_scope"
    ),
]


def _system(good: bool) -> Scripted:
    first = "gsr-neuchatel" if good else "caritas-neuchatel"
    return Scripted(
        "system",
        {
            "q1": Outcome(
                id="q1",
                ranked=(first,),
                kind="orientation",
                language="fr",
                answer="Le GSR de Neuchâtel [1].",
                contexts=("Le GSR de Neuchâtel reçoit les demandes d'aide sociale.",),
                context_ids=(first,),
                citation_valid=True,
                latency_ms=12.0,
            ),
            "q2": Outcome(
                id="q2", ranked=("urgence-117",), kind="emergency", language="de", latency_ms=8.0
            ),
            "q3": Outcome(id="q3", kind="orientation", language="fr", latency_ms=5.0),
        },
    )


BM25 = Scripted(
    "bm25",
    {
        "q1": Outcome(id="q1", ranked=("caritas-neuchatel", "gsr-neuchatel"), latency_ms=1.0),
        "q2": Outcome(id="q2", ranked=(), latency_ms=1.0),
        "q3": Outcome(id="q3", ranked=("x",), latency_ms=1.0),
    },
)


def _report(good: bool = True) -> Report:
    return evaluate(
        QUESTIONS,
        system=_system(good),
        baselines=[BM25],
        scorer=FuzzScorer(),
        gold_path="gold.jsonl",
        target="in-process",
    )


def test_evaluate_builds_every_section() -> None:
    report = _report()
    assert list(report.systems) == ["system", "bm25"]
    overall = report.system.overall
    assert overall["hit@1"] == 1.0
    assert overall["out_of_scope_accuracy"] == 0.0
    assert overall["context_recall"] == 1.0
    assert overall["id_context_precision"] == 0.5  # q2 cited nothing: 0
    assert report.systems["bm25"].overall["mrr"] == 0.25
    assert set(report.system.breakdowns) == {
        "language",
        "language_group",
        "category",
        "kind",
        "channel",
        "role",
    }
    assert set(report.system.breakdowns["role"]) == {"none"}  # no question asked in a role
    assert report.system.breakdowns["language_group"]["other"]["hit@1"] == 1.0
    assert report.system.breakdowns["language"]["de"]["emergency_recall"] == 1.0
    assert report.system.breakdowns["channel"]["text"]["questions"] == 3
    assert report.confusion == {
        "orientation": {"orientation": 1},
        "emergency": {"emergency": 1},
        "out_of_scope": {"orientation": 1},
    }
    assert "faithfulness, answer_relevancy (LLM-judged)" in report.skipped


def test_report_json_round_trip(tmp_path: Path) -> None:
    report = _report()
    path = tmp_path / "run" / "report.json"
    write_report(report, path)
    again = read_report(path)
    assert again == report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("not json", "not readable JSON", id="not-json"),
        pytest.param('{"version": 99}', "has version 99", id="other-version"),
        pytest.param('{"version": 1}', "does not have the report shape", id="wrong-shape"),
    ],
)
def test_read_report_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "report.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportError, match=message):
        read_report(path)


def test_html_is_self_contained_and_lists_misses() -> None:
    html = render_html(_report())
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)=["']https?://""", html)
    assert html.count("<svg") == 2
    assert "hit@3 by language" in html
    assert "Every miss" in html
    # q3 is the only miss: out_of_scope answered as orientation
    assert "<p>1 of 3 questions.</p>" in html
    assert "Quel temps fera-t-il? &lt;script&gt;" in html
    assert "wrong kind" in html


def test_compare_reports_metrics_and_questions() -> None:
    old, new = _report(good=False), _report(good=True)
    metrics, questions = compare_reports(old, new)
    verdicts = {(c.system, c.metric): c.verdict for c in metrics}
    assert verdicts[("system", "hit@1")] == "better"
    assert verdicts[("system", "latency_p50_ms")] == "same"
    assert verdicts[("bm25", "mrr")] == "same"
    assert verdicts[("system", "emergency_precision")] == "same"
    assert [(q.id, q.verdict) for q in questions] == [("q1", "better")]
    back_metrics, back_questions = compare_reports(new, old)
    assert {(c.system, c.metric): c.verdict for c in back_metrics}[("system", "hit@1")] == "worse"
    assert [(q.id, q.verdict) for q in back_questions] == [("q1", "worse")]
    html = render_html(new, changes=(metrics, questions), compared_with="old/report.json")
    assert "Changes since <code>old/report.json</code>" in html
    assert '<td class="better">better</td>' in html


def test_question_ok_rules() -> None:
    q1 = QUESTIONS[0]
    assert question_ok(q1, Outcome(id="q1", ranked=("x", "y", "gsr-neuchatel"), kind="orientation"))
    assert not question_ok(q1, Outcome(id="q1", ranked=("gsr-neuchatel",), kind="no_answer"))
    assert not question_ok(q1, Outcome(id="q1", error="HTTP 500"))
    assert question_ok(q1, Outcome(id="q1", ranked=("gsr-neuchatel",)))  # baseline: no kind


def test_report_json_is_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(_report(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["gold"]["questions"] == 3
    assert data["systems"]["system"]["overall"]["hit@3"] == 1.0
