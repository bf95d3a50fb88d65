"""Gate rules: digest pinning, floor − noise, and no silent lowering."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.errors import GateError
from eval.gate import (
    CEILINGS,
    DEFAULT_FLOORS_PATH,
    Floors,
    check_gate,
    read_floors,
    updated_floors,
    write_floors,
)

pytestmark = pytest.mark.unit

FLOORS = Floors(
    gold="corpora/gold/dev.jsonl",
    subset_size=60,
    sha256="a" * 64,
    noise=0.02,
    floors={"hit@3": 0.80, "mrr": 0.60},
)


@pytest.mark.parametrize(
    ("hit3", "passed"),
    [
        pytest.param(0.85, True, id="above-floor"),
        pytest.param(0.80, True, id="at-floor"),
        pytest.param(0.785, True, id="within-noise"),
        pytest.param(0.775, False, id="below-noise"),
    ],
)
def test_check_gate_floor_minus_noise(hit3: float, passed: bool) -> None:
    result = check_gate(FLOORS, {"hit@3": hit3, "mrr": 0.7}, "a" * 64)
    assert result.passed is passed
    assert len(result.failures) == (0 if passed else 1)


def test_failure_message_names_metric_value_and_floor() -> None:
    result = check_gate(FLOORS, {"hit@3": 0.5, "mrr": 0.7}, "a" * 64)
    assert result.failures == ("hit@3 = 0.500 is below floor 0.800 − noise 0.020",)


def test_unmeasured_metric_fails() -> None:
    result = check_gate(FLOORS, {"hit@3": 0.9, "mrr": None}, "a" * 64)
    assert result.failures == ("mrr: not measured (floor 0.600)",)


def test_changed_subset_is_refused() -> None:
    with pytest.raises(GateError, match=r"changed .* re-measure"):
        check_gate(FLOORS, {"hit@3": 0.9, "mrr": 0.9}, "b" * 64)


def _update(
    current: Floors | None, metrics: dict[str, float | int | None], allow_lower: bool
) -> Floors:
    return updated_floors(
        current,
        metrics,
        gold="corpora/gold/dev.jsonl",
        subset_size=60,
        sha256="c" * 64,
        embed_models="use",
        allow_lower=allow_lower,
    )


def test_update_sets_floor_below_measured_with_margin() -> None:
    floors = _update(None, {"hit@3": 0.915, "mrr": 0.70, "hit@1": None}, allow_lower=False)
    assert floors.floors == {"hit@3": 0.89, "mrr": 0.68}
    assert floors.measured == {"hit@3": 0.915, "mrr": 0.7}
    assert floors.sha256 == "c" * 64


def test_update_may_raise_floors() -> None:
    floors = _update(FLOORS, {"hit@3": 0.95, "mrr": 0.9}, allow_lower=False)
    assert floors.floors == {"hit@3": 0.93, "mrr": 0.88}
    assert floors.noise == 0.02


def test_lowering_needs_the_flag() -> None:
    with pytest.raises(GateError, match=r"hit@3 0\.80 → 0\.70.*--allow-lower"):
        _update(FLOORS, {"hit@3": 0.72, "mrr": 0.9}, allow_lower=False)
    floors = _update(FLOORS, {"hit@3": 0.72, "mrr": 0.9}, allow_lower=True)
    assert floors.floors["hit@3"] == 0.70


def test_floors_round_trip_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "floors.json"
    write_floors(FLOORS, path)
    assert read_floors(path) == FLOORS
    with pytest.raises(GateError, match="does not exist"):
        read_floors(tmp_path / "missing.json")
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(GateError, match="malformed"):
        read_floors(path)


def test_committed_floors_file_is_valid() -> None:
    floors = read_floors(DEFAULT_FLOORS_PATH)
    assert floors.subset_size == 60
    assert set(floors.floors) >= {"hit@3"}
    for name, floor in floors.floors.items():
        assert floor <= floors.measured[name], name


CEILED = FLOORS.model_copy(update={"ceilings": {"harmful_referrals": 0.0}})


@pytest.mark.parametrize(
    ("harmful", "failures"),
    [
        pytest.param(0, (), id="none"),
        pytest.param(1, ("harmful_referrals = 1 is above ceiling 0",), id="one-has-no-noise"),
        pytest.param(None, ("harmful_referrals: not measured (ceiling 0)",), id="not-measured"),
    ],
)
def test_a_ceiling_fails_above_it_without_noise(
    harmful: int | None, failures: tuple[str, ...]
) -> None:
    result = check_gate(CEILED, {"hit@3": 0.9, "mrr": 0.9, "harmful_referrals": harmful}, "a" * 64)
    assert result.failures == failures


def test_updating_floors_writes_the_ceilings_and_keeps_tighter_ones() -> None:
    metrics = {"hit@3": 0.9, "mrr": 0.7, "harmful_referrals": 0}
    fresh = updated_floors(
        None, metrics, gold="g", subset_size=60, sha256="c" * 64, embed_models="use"
    )
    assert fresh.ceilings == CEILINGS
    assert CEILINGS == {
        "harmful_referrals": 0.0,
        "answer_words_p50": 95.0,
        "emergency_false_alarm_rate": 0.02,
    }
    assert fresh.measured["harmful_referrals"] == 0.0
    looser = FLOORS.model_copy(update={"ceilings": {"harmful_referrals": 5.0, "other": 1.0}})
    kept = updated_floors(
        looser, metrics, gold="g", subset_size=60, sha256="c" * 64, embed_models="use"
    )
    assert kept.ceilings == {**CEILINGS, "other": 1.0}
