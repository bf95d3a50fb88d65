"""Gold loading, digest and the deterministic gate subset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.errors import GoldSetError
from eval.gold import GoldQuestion, filter_questions, gold_digest, load_gold, select_subset

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def _line(qid: str, language: str = "fr", **extra: object) -> str:
    record = {
        "id": qid,
        "question": f"Question {qid}?",
        "language": language,
        "kind": "orientation",
        "acceptable": ["gsr-neuchatel"],
        "category": "aide_sociale",
        "commune": None,
        "audience": "public",
        "reference_contexts": ["Le GSR reçoit."],
        **extra,
    }
    return json.dumps(record, ensure_ascii=False)


def test_load_tolerates_extra_fields_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        _line("d-1", notes="why", commune_dependent=True)
        + "\n\n"
        + _line("d-2", needs_intranet=True),
        encoding="utf-8",
    )
    questions = load_gold(path)
    assert [q.id for q in questions] == ["d-1", "d-2"]
    assert questions[0].acceptable == ("gsr-neuchatel",)
    assert questions[1].needs_intranet is True
    assert questions[0].channel == "text"
    assert questions[0].is_retrieval is True


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("{not json", r"gold.jsonl:1: not JSON", id="not-json"),
        pytest.param('{"id": "x"}', r"gold.jsonl:1: not a gold question", id="missing-fields"),
        pytest.param(_line("a") + "\n" + _line("a"), r"gold.jsonl:2: duplicate id 'a'", id="dup"),
        pytest.param("\n", r"holds no question", id="empty"),
    ],
)
def test_load_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldSetError, match=message):
        load_gold(path)


def test_missing_file_says_what_to_pass(tmp_path: Path) -> None:
    with pytest.raises(GoldSetError, match=r"does not exist; pass e\.g\. corpora/gold/dev\.jsonl"):
        load_gold(tmp_path / "nope.jsonl")


def test_out_of_scope_is_not_a_retrieval_question() -> None:
    question = GoldQuestion(id="x", question="météo?", language="fr", kind="out_of_scope")
    assert question.is_retrieval is False


def test_digest_depends_on_content_and_order() -> None:
    a = GoldQuestion(id="a", question="q a", language="fr", kind="orientation")
    b = GoldQuestion(id="b", question="q b", language="de", kind="orientation")
    assert gold_digest([a, b]) == gold_digest([a, b])
    assert gold_digest([a, b]) != gold_digest([b, a])
    changed = a.model_copy(update={"question": "q a!"})
    assert gold_digest([changed, b]) != gold_digest([a, b])


def _questions(spec: dict[str, int]) -> list[GoldQuestion]:
    return [
        GoldQuestion(id=f"{lang}-{i}", question="q", language=lang, kind="orientation")
        for lang, count in spec.items()
        for i in range(count)
    ]


def test_subset_takes_languages_in_turn_and_skips_intranet() -> None:
    questions = _questions({"fr": 10, "de": 2, "ti": 1})
    questions.append(
        GoldQuestion(
            id="de-x", question="q", language="de", kind="orientation", needs_intranet=True
        )
    )
    subset = select_subset(questions, 6)
    languages = sorted(q.language for q in subset)
    assert languages == ["de", "de", "fr", "fr", "fr", "ti"]
    assert "de-x" not in {q.id for q in subset}
    assert subset == select_subset(list(reversed(questions)), 6)


def test_subset_of_more_than_available_returns_all() -> None:
    questions = _questions({"fr": 2, "de": 1})
    assert len(select_subset(questions, 10)) == 3


def test_filter_by_language_then_limit() -> None:
    questions = _questions({"fr": 3, "de": 3})
    kept = filter_questions(questions, languages=["de"], limit=2)
    assert [q.id for q in kept] == ["de-0", "de-1"]


def test_real_dev_gold_loads() -> None:
    questions = load_gold(REPO / "corpora" / "gold" / "dev.jsonl")
    assert len(questions) >= 300
    subset = select_subset(questions, 60)
    assert len(subset) == 60
    assert len({q.language for q in subset}) == len({q.language for q in questions})
