"""``permanence eval --conversations``: the option, the report's ``conversations`` object and
its HTML section, with the scores of known turns, and one real run on the tiny corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.context_metrics import FuzzScorer
from eval.conversation_cli import conversation_split, conversations_problem
from eval.conversations import TurnOutcome
from eval.conversations.summary import ConversationsReport, conversations_report
from eval.gold import GoldQuestion
from eval.html_report import render_html
from eval.records import Outcome
from eval.report import Report, read_report, write_report
from eval.runner import evaluate
from permanence.cli import build_parser
from tests.eval.conversation_gold import CONVERSATION
from tests.eval.scripted import Scripted


def _turn(
    conversation: str,
    turn: int,
    shown: tuple[str, ...],
    *,
    followup: str | None = None,
    asked: str | None = None,
    expected: str | None = None,
    language: str = "fr",
    kind: str = "orientation",
) -> TurnOutcome:
    return TurnOutcome(
        conversation_id=conversation,
        turn=turn,
        followup=followup,
        expected_kind="orientation",
        kind=kind,
        acceptable=("right",),
        shown=shown,
        expected_clarification=expected,
        clarification=asked,
        expected_language="fr",
        language=language,
    )


#: Two conversations: ``a`` asks for the commune, is told it and ends right; ``b`` ends with
#: the right door fourth.
CONVERSATIONAL = [
    _turn("a", 0, ("other", "right"), asked="commune", expected="commune"),
    _turn("a", 1, ("right",), followup="commune"),
    _turn("b", 0, ("other",), asked="commune", language="en"),
    _turn("b", 1, ("x", "y", "z", "right"), followup="fact", expected="commune"),
]
#: The same turns asked alone: the commune answer names no need, so no door at all.
STANDALONE = [
    _turn("a", 0, ("other", "right"), asked="commune", expected="commune"),
    _turn("a", 1, (), followup="commune", kind="no_answer"),
    _turn("b", 0, ("other",), language="en"),
    _turn("b", 1, ("x", "right"), followup="fact", expected="commune"),
]


def _conversations() -> ConversationsReport:
    return conversations_report(CONVERSATIONAL, STANDALONE, split="dev", gold="conv.jsonl")


def _report(conversations: ConversationsReport | None = None) -> Report:
    question = GoldQuestion(
        id="q1",
        question="Je n'arrive plus à payer mon loyer",
        language="fr",
        kind="orientation",
        acceptable=("gsr-neuchatel",),
    )
    outcome = Outcome(id="q1", ranked=("gsr-neuchatel",), kind="orientation", language="fr")
    report = evaluate(
        [question],
        system=Scripted("system", {"q1": outcome}),
        scorer=FuzzScorer(),
        gold_path="gold.jsonl",
        target="in-process",
    )
    return report.model_copy(update={"conversations": conversations})


def _row(html: str, code: str) -> list[str]:
    """The cells (tags stripped) of the conversation figure row of ``code``."""
    match = re.search(
        rf'<tr><th scope="row" id="def-conv-[^"]*">[^<]*<code>{re.escape(code)}'
        r"</code></th>(.*?)</tr>",
        html,
    )
    assert match is not None, code
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


@pytest.mark.unit
def test_report_json_carries_the_figures_and_the_baseline_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    write_report(_report(_conversations()), path)
    data = json.loads(path.read_text(encoding="utf-8"))["conversations"]
    assert (data["split"], data["conversations"], data["turns"]) == ("dev", 2, 4)
    assert data["figures"]["last_turn_hit@1"] == 0.5  # a ends right, b does not
    assert data["figures"]["last_turn_hit@3"] == 0.5  # b's right door is fourth
    assert data["figures"]["clarification_precision"] == 0.5  # asked twice, once rightly
    assert data["figures"]["clarification_recall"] == 0.5
    assert data["figures"]["language_kept"] == 0.75
    assert data["by_followup"]["commune"] == {"turns": 1, "hit@1": 1.0, "hit@3": 1.0}
    alone = data["standalone"]
    assert (alone["conversations"], alone["turns"]) == (2, 4)
    assert alone["figures"]["last_turn_hit@1"] == 0.0  # a ends with nothing, b second
    assert alone["figures"]["last_turn_hit@3"] == 0.5
    assert alone["figures"]["clarification_precision"] == 1.0
    assert alone["figures"]["kind_accuracy"] == 0.75
    assert alone["by_followup"]["commune"]["hit@3"] == 0.0
    assert read_report(path).conversations == _conversations()


@pytest.mark.unit
def test_a_report_without_the_option_has_no_conversations(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    report = _report()
    write_report(report, path)
    assert "conversations" not in json.loads(path.read_text(encoding="utf-8"))
    assert read_report(path).conversations is None
    html = render_html(report)
    assert "Conversations" not in html and 'id="conversations"' not in html


@pytest.mark.unit
def test_html_section_shows_each_figure_beside_its_baseline_with_a_definition() -> None:
    html = render_html(_report(_conversations()))
    assert '<a href="#conversations">Conversations</a>' in html
    assert '<section id="conversations"><h2>Conversations</h2>' in html
    assert "2 conversations, 4 turns" in html
    value, baseline, definition = _row(html, "last_turn_hit@1")
    assert (value, baseline) == ("0.500", "0.000")
    assert definition.startswith("Share of conversations whose last answer")
    assert _row(html, "last_turn_hit@3")[:2] == ["0.500", "0.500"]
    assert _row(html, "clarification_precision")[:2] == ["0.500", "1.000"]
    assert _row(html, "language_kept")[:2] == ["0.750", "0.750"]
    assert _row(html, "clarifications_asked")[:2] == ["2", "1"]
    assert _row(html, "clarification_all_recall")[:2] == ["0.500", "0.500"]
    commune = re.search(r'<tr><th scope="row">commune</th>(.*?)</tr>', html)
    assert commune is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", commune[1])
    assert cells[:5] == ["1", "1.000", "0.000", "1.000", "0.000"]


@pytest.mark.unit
def test_every_figure_and_followup_kind_has_a_definition() -> None:
    from typing import get_args

    from eval.conversation_definitions import CONVERSATION_DEFINITIONS, FOLLOWUP_DEFINITIONS
    from ingest.corpus.conversations import FollowupKind

    assert set(_conversations().figures) == set(CONVERSATION_DEFINITIONS)
    assert {"first", *get_args(FollowupKind)} == set(FOLLOWUP_DEFINITIONS)


def _parse(*argv: str) -> object:
    return conversation_split(build_parser().parse_args(["eval", *argv]))


@pytest.mark.unit
def test_the_option_parses_and_follows_the_gold_split() -> None:
    assert _parse() is None  # off by default: the gate run does not change
    assert _parse("--gate") is None
    assert _parse("--conversations") == "dev"
    assert _parse("--gold", "corpora/gold/test.jsonl", "--conversations") == "test"
    assert _parse("--gold", "corpora/gold/test.jsonl", "--conversations", "dev") == "dev"
    assert _parse("--conversations", "all") == "all"
    with pytest.raises(SystemExit):
        _parse("--conversations", "train")


@pytest.mark.unit
def test_a_bad_conversation_gold_is_refused_before_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "none.jsonl"
    assert "does not exist" in (conversations_problem(missing, "dev") or "")
    gold = tmp_path / "conversations.jsonl"
    gold.write_text(json.dumps(CONVERSATION) + "\n", encoding="utf-8")
    assert conversations_problem(gold, "dev") is None
    assert "no conversation of split 'test'" in (conversations_problem(gold, "test") or "")


@pytest.mark.integration
@pytest.mark.slow
def test_cli_in_process_adds_the_conversations_to_json_and_html(
    eval_tiny_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from permanence.cli import main
    from permanence.settings import get_settings

    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(eval_tiny_data_dir))
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use")
    get_settings.cache_clear()
    gold = tmp_path / "dev.jsonl"
    question = {
        "id": "t-1",
        "question": "Mon mari me frappe, qui peut m'aider en toute confidentialité ?",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["savi-aide-aux-victimes"],
    }
    gold.write_text(json.dumps(question, ensure_ascii=False) + "\n", encoding="utf-8")
    conversations = tmp_path / "conversations.jsonl"
    conversations.write_text(json.dumps(CONVERSATION) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    argv = ["eval", "--gold", str(gold), "--no-ragas", "--no-baselines", "--out", str(out)]
    argv += ["--conversations", "--conversations-gold", str(conversations)]
    assert main(argv) == 0
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))["conversations"]
    assert (data["split"], data["conversations"], data["turns"]) == ("dev", 1, 2)
    assert data["standalone"]["turns"] == 2
    # The second turn only names a commune: asked alone, it names no need and gets no door
    # (tests/eval/test_conversations_eval.py); in the conversation it gets the commune's.
    assert data["figures"]["clarification_recall"] == 1.0
    assert data["standalone"]["figures"]["last_turn_hit@3"] == 0.0
    assert data["standalone"]["by_followup"]["commune"]["hit@3"] == 0.0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<section id="conversations">' in html


@pytest.mark.integration
def test_the_section_fits_1280_px_and_a4_in_chromium(tmp_path: Path) -> None:
    """The page with the section scrolls sideways nowhere (test_html_report.py's check) and
    has no serious accessibility problem. Screenshot: eval-report-conversations-1280.png."""
    from tests.eval.test_html_report import _OVERFLOW, A4_CONTENT_PX, wide_report
    from tests.frontend.browser import (
        AXE_PATH,
        CHROMEDRIVER,
        CHROMIUM,
        axe_violations,
        chromium,
        screenshot,
    )

    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is missing (`make setup` installs them)")
    page = tmp_path / "report.html"
    report = wide_report().model_copy(update={"conversations": _conversations()})
    page.write_text(render_html(report), encoding="utf-8")
    with chromium(tmp_path / "profile", width=1280, height=800) as driver:
        driver.get(page.as_uri())
        screen = driver.execute_script(_OVERFLOW)
        assert screen["page"] <= screen["viewport"], screen
        assert screen["wide"] == [] and screen["scrolled"] == [], screen
        driver.execute_script("document.getElementById('conversations').scrollIntoView()")
        screenshot(driver, "eval-report-conversations-1280")
        if AXE_PATH.exists():
            assert axe_violations(driver) == []
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4_CONTENT_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = driver.execute_script(_OVERFLOW)
        assert printed["page"] <= printed["viewport"] and printed["wide"] == [], printed
