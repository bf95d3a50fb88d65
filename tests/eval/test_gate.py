"""The eval gate: the CI subset of the dev gold set must stay above eval/floors.json.

Runs in-process on the real corpus (indexed once per session in a tmp data dir), exactly what
``permanence eval --gate`` runs. A failure here means retrieval or triage got worse — or the
gold subset changed, in which case re-measure with ``permanence eval --gate --update-floors``
and review the floors in the same commit (docs/evaluation.md, "Eval gate").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.gate import DEFAULT_FLOORS_PATH, check_gate, read_floors
from eval.session import EvalOptions, run_eval
from permanence.settings import PROJECT_ROOT, Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_ci_subset_stays_above_floors(real_corpus_data_dir: Path) -> None:
    floors = read_floors(DEFAULT_FLOORS_PATH)
    settings = Settings(data_dir=real_corpus_data_dir, embed_models=floors.embed_models or "use")
    options = EvalOptions(
        gold=PROJECT_ROOT / floors.gold, subset=floors.subset_size, prefer_ragas=False
    )
    report = run_eval(settings, options)
    assert report.gold.questions == floors.subset_size
    result = check_gate(floors, report.system.overall, report.gold.sha256)
    assert result.failures == ()
    assert result.passed is True
