"""The multi-turn gold set (issue 20): the real file loads and passes the check, bad lines are
refused with a message naming the line."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from ingest.corpus import (
    CONVERSATIONS_FILE,
    ConversationError,
    GoldConversation,
    check_corpus,
    load_communes,
    load_conversations,
    read_conversations,
    read_gold_dir,
)
from ingest.corpus.loader import iter_record_files
from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

GOLD_DIR = PROJECT_ROOT / "corpora" / "gold"
REAL_FILE = GOLD_DIR / CONVERSATIONS_FILE
REQUIRED_LANGUAGES = {"fr", "de", "en", "ar", "uk", "fa", "pt", "ti"}


def _real_ids() -> set[str]:
    return {path.stem for path in iter_record_files(PROJECT_ROOT / "corpora" / "neuchatel")}


def _real_communes() -> list[str]:
    return load_communes(PROJECT_ROOT / "corpora" / "communes.yaml").names()


# ------------------------------------------------------------------ the real file


def test_real_file_loads_with_its_references() -> None:
    conversations = load_conversations(
        REAL_FILE, institution_ids=_real_ids(), commune_names=_real_communes()
    )

    assert len(conversations) >= 64
    assert all(isinstance(c, GoldConversation) for c in conversations)
    assert len({c.id for c in conversations}) == len(conversations)
    languages = Counter(c.language for c in conversations)
    assert set(languages) >= REQUIRED_LANGUAGES
    assert len(languages) >= 8
    splits = Counter(c.split for c in conversations)
    assert splits["dev"] >= 40 and splits["test"] >= 24
    assert all(2 <= len(c.turns) <= 4 for c in conversations)


def test_real_file_mix_of_followups_and_clarifications() -> None:
    conversations = load_conversations(REAL_FILE)
    later = [t for c in conversations for t in c.turns[1:]]
    kinds = Counter(t.followup for t in later)

    assert set(kinds) == {"commune", "fact", "refine", "new_need", "after_emergency"}
    assert 0.3 <= kinds["commune"] / len(later) <= 0.5
    assert 0.15 <= kinds["fact"] / len(later) <= 0.3
    # Some first questions already name the commune; some cantonal needs must not ask for it.
    firsts = [c.turns[0] for c in conversations]
    assert sum(t.commune is not None for t in firsts) >= 3
    assert sum(t.clarification is None and t.kind == "orientation" for t in firsts) >= 10
    # A commune follow-up answers an earlier question that asked for the commune, or names one
    # for a need where it did not matter (the door stays cantonal).
    for conversation in conversations:
        for before, turn in zip(conversation.turns, conversation.turns[1:], strict=False):
            if turn.followup == "commune" and before.clarification == "commune":
                assert turn.clarification is None, conversation.id


def test_fact_turns_are_about_the_first_door_of_the_previous_turn() -> None:
    for conversation in load_conversations(REAL_FILE):
        for before, turn in zip(conversation.turns, conversation.turns[1:], strict=False):
            if turn.followup == "fact":
                assert turn.about == before.acceptable[0], conversation.id


def test_corpus_check_validates_the_real_conversations() -> None:
    findings = check_corpus(PROJECT_ROOT / "corpora" / "neuchatel", gold_dir=GOLD_DIR)

    errors = [f for f in findings if f.severity == "error" and CONVERSATIONS_FILE in f.file]
    assert errors == []


def test_single_turn_reader_skips_the_conversations(tmp_path: Path, resources: Path) -> None:
    shutil.copy(resources / "gold" / "set-a.jsonl", tmp_path / "set-a.jsonl")
    shutil.copy(REAL_FILE, tmp_path / CONVERSATIONS_FILE)

    sets, problems = read_gold_dir(tmp_path)

    assert problems == []
    assert [s.name for s in sets] == ["set-a"]


# ------------------------------------------------------------------ malformed lines


def _turn(**fields: Any) -> dict[str, Any]:
    turn: dict[str, Any] = {
        "question": "je n'arrive plus a payer mon loyer",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["alpha-social"],
        "clarification": None,
        "commune": None,
    }
    turn.update(fields)
    return turn


def _conversation(cid: str = "conv-0001", **fields: Any) -> dict[str, Any]:
    conversation: dict[str, Any] = {
        "id": cid,
        "split": "dev",
        "language": "fr",
        "audience": "public",
        "turns": [
            _turn(clarification="commune"),
            _turn(question="j'habite a Cernier", followup="commune", commune="Val-de-Ruz"),
        ],
        "notes": "fixture",
        "translation_checked": False,
    }
    conversation.update(fields)
    return conversation


def _write(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    lines = [row if isinstance(row, str) else json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _fact_turn(**fields: Any) -> dict[str, Any]:
    return _turn(question="ils parlent arabe ?", followup="fact", commune="Val-de-Ruz", **fields)


MALFORMED: list[tuple[str, dict[str, Any] | str, str]] = [
    ("bad id", _conversation("conv-12"), "field 'id': String should match pattern"),
    (
        "fact without about",
        _conversation(
            "conv-0003",
            turns=[_turn(acceptable=["nobody-here"]), _fact_turn(acceptable=["alpha-social"])],
        ),
        "field 'turns.1': a fact follow-up needs fact_field and about",
    ),
    (
        "unknown institution",
        _conversation(
            "conv-0004", turns=[_turn(acceptable=["nobody-here"]), _turn(followup="refine")]
        ),
        "conv-0004: institution ids ['nobody-here'] have no record",
    ),
    (
        "one turn",
        _conversation("conv-0005", turns=[_turn()]),
        "field 'conversation': a conversation has 2 to 4 turns, found 1",
    ),
    (
        "five turns",
        _conversation("conv-0006", turns=[_turn()] + [_turn(followup="refine")] * 4),
        "field 'conversation': a conversation has 2 to 4 turns, found 5",
    ),
    (
        "missing followup",
        _conversation("conv-0007", turns=[_turn(), _turn()]),
        "field 'conversation': turn 2 needs a followup",
    ),
    (
        "followup on the first turn",
        _conversation("conv-0008", turns=[_turn(followup="refine"), _turn(followup="refine")]),
        "the first turn has no followup",
    ),
    (
        "unknown followup kind",
        _conversation("conv-0009", turns=[_turn(), _turn(followup="other")]),
        "field 'turns.1.followup': Input should be",
    ),
    (
        "extra field",
        _conversation("conv-0010", turns=[_turn(), _turn(followup="refine", category="logement")]),
        "field 'turns.1.category': Extra inputs are not permitted",
    ),
    (
        "commune forgotten",
        _conversation(
            "conv-0011",
            turns=[_turn(commune="Le Locle"), _turn(followup="refine")],
        ),
        "turn 2 forgets the commune 'Le Locle' known earlier",
    ),
    (
        "unknown commune",
        _conversation(
            "conv-0012",
            turns=[_turn(clarification="commune"), _turn(followup="commune", commune="Bern")],
        ),
        "conv-0012: turn 2: commune 'Bern' is not in the commune table",
    ),
    (
        "about not acceptable",
        _conversation(
            "conv-0013",
            turns=[_turn(), _fact_turn(fact_field="hours", about="beta-emploi")],
        ),
        "about 'beta-emploi' is not among the acceptable institutions",
    ),
    ("not JSON", '{"id": "conv-0014",', "not valid JSON"),
]


@pytest.mark.parametrize(
    ("row", "message"),
    [(row, message) for _, row, message in MALFORMED],
    ids=[m[0] for m in MALFORMED],
)
def test_malformed_line_is_refused_naming_the_line(
    tmp_path: Path, fixture_communes: Path, row: dict[str, Any] | str, message: str
) -> None:
    path = _write(tmp_path / CONVERSATIONS_FILE, [_conversation(), "", row])
    ids = {"alpha-social", "beta-emploi", "gamma-ligne"}
    communes = load_communes(fixture_communes).names()

    conversations, problems = read_conversations(path, institution_ids=ids, commune_names=communes)

    assert conversations[0].id == "conv-0001"
    assert problems, "the bad line was accepted"
    assert all(p.line == 3 for p in problems), [str(p) for p in problems]
    assert any(message in p.message for p in problems), [str(p) for p in problems]
    with pytest.raises(ConversationError) as raised:
        load_conversations(path, institution_ids=ids, commune_names=communes)
    assert f"{path}:3: " in str(raised.value)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / CONVERSATIONS_FILE, [_conversation(), _conversation()])

    _, problems = read_conversations(path)

    assert [str(p) for p in problems] == [f"{path}:2: id 'conv-0001' already used on line 1"]


def test_corpus_check_reports_bad_conversations(
    tmp_path: Path, resources: Path, fixture_communes: Path
) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(resources / "gold" / "set-a.jsonl", gold / "set-a.jsonl")
    path = _write(
        gold / CONVERSATIONS_FILE,
        [
            _conversation(),
            _conversation("conv-0002", turns=[_turn(acceptable=["nobody-here"])]),
            _conversation(
                "conv-0003", turns=[_turn(acceptable=["nobody-here"]), _turn(followup="refine")]
            ),
        ],
    )

    findings = check_corpus(
        resources / "valid", communes_path=fixture_communes, gold_dir=gold, today=date(2026, 11, 22)
    )

    errors = sorted((f.file, f.message) for f in findings if f.severity == "error")
    assert errors == [
        (f"{path}:2", "conv-0002: field 'conversation': a conversation has 2 to 4 turns, found 1"),
        (f"{path}:3", "conv-0003: institution ids ['nobody-here'] have no record"),
    ]
