"""The shared lexicon loader: a malformed file is an error that says where and what."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from permanence.errors import PermanenceError
from permanence.lexicon import LexiconError, LexiconModel, load_lexicon

pytestmark = pytest.mark.unit


class _Entry(LexiconModel):
    words: tuple[str, ...] = Field(min_length=1)


class _File(LexiconModel):
    entries: dict[str, _Entry]


def _load(tmp_path: Path, text: str | bytes) -> _File:
    path = tmp_path / "lexicon.yaml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return load_lexicon(path, _File)


def test_a_valid_file_becomes_a_frozen_model(tmp_path: Path) -> None:
    data = _load(tmp_path, "entries:\n  a:\n    words: [un, deux]\n")
    assert data.entries["a"].words == ("un", "deux")
    with pytest.raises(ValueError, match="frozen"):
        data.entries["a"].words = ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("entries: [a\n", r"not valid YAML \(line 2, column 1\)", id="yaml"),
        pytest.param("", "expected a mapping of keys at the top, found an empty file", id="empty"),
        pytest.param("- a\n", "found a list", id="list"),
        pytest.param(b"entries: \xff\n", "not UTF-8 text", id="encoding"),
        pytest.param(
            "entries:\n  a:\n    word: [x]\n", r"entries\.a\.word: unknown key", id="typo"
        ),
        pytest.param("entries:\n  a: {}\n", r"entries\.a\.words: missing; add it", id="missing"),
        pytest.param("entries:\n  a:\n    words: [x, 3]\n", r"entries\.a\.words\[1\]", id="type"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_place(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    with pytest.raises(LexiconError, match=message) as raised:
        _load(tmp_path, text)
    assert str(raised.value).startswith(str(tmp_path / "lexicon.yaml"))


def test_every_problem_gets_its_own_line(tmp_path: Path) -> None:
    with pytest.raises(LexiconError) as raised:
        _load(tmp_path, "entries:\n  a: {}\n  b:\n    words: []\n")
    lines = str(raised.value).splitlines()
    assert [line.split(": ")[1] for line in lines] == ["entries.a.words", "entries.b.words"]


def test_a_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="cannot be read") as raised:
        load_lexicon(tmp_path / "absent.yaml", _File)
    assert isinstance(raised.value, PermanenceError)
    assert isinstance(raised.value, ValueError)
