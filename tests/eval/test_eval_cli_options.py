"""`permanence eval` says what it needs before it asks anything, and picks baselines sensibly."""

from __future__ import annotations

import argparse
import importlib.util
from importlib.machinery import ModuleSpec

import pytest

from eval.cli import _baseline_choice
from permanence.cli import main

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("url", "flag", "expected"),
    [
        (None, None, "cheap"),
        ("http://127.0.0.1:8000", None, "none"),
        (None, True, "all"),
        ("http://127.0.0.1:8000", True, "all"),
        (None, False, "none"),
    ],
)
def test_baselines_by_default_only_where_they_are_cheap(
    url: str | None, flag: bool | None, expected: str
) -> None:
    assert _baseline_choice(argparse.Namespace(url=url, baselines=flag)) == expected


def test_a_missing_extra_is_named_with_its_install_command_before_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = importlib.util.find_spec

    def without_llama_index(name: str, package: str | None = None) -> ModuleSpec | None:
        return None if name == "llama_index" else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", without_llama_index)
    assert main(["eval", "--baselines", "--url", "http://127.0.0.1:9"]) == 2
    out = " ".join(capsys.readouterr().out.split())
    assert "--baselines needs the evaluation extra (llama-index)" in out
    assert "pip install -c requirements/lock.txt -e '.[eval]'" in out
