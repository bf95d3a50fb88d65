"""The eval gate (style rule 23): metric floors pinned to the digest of the gold subset.

``eval/floors.json`` says: on these exact questions (sha256 of the subset), the system
reached at least these values. CI fails when a metric falls below floor − noise. Raising a
floor is always allowed; lowering one needs ``allow_lower=True`` (``--allow-lower``), so a
regression cannot be waved through by re-measuring.

Some metrics are counts of harm, where lower is better and the only acceptable value is
known in advance: ``ceilings`` pins them (``harmful_referrals``: 0, a victim sent to the
perpetrators' service). A ceiling has no noise allowance and is never re-measured: updating
the floors writes those of :data:`CEILINGS`, or the file's own where it sets them lower.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from eval.errors import GateError
from eval.metrics import MetricSet

__all__ = [
    "CEILINGS",
    "DEFAULT_FLOORS_PATH",
    "DEFAULT_NOISE",
    "FLOOR_MARGIN",
    "GATED_METRICS",
    "Floors",
    "GateResult",
    "check_gate",
    "read_floors",
    "updated_floors",
    "write_floors",
]

DEFAULT_FLOORS_PATH = Path(__file__).with_name("floors.json")
#: Metrics the gate pins; higher is better for each. Besides finding the door: the answer in
#: the asker's language (language purity) and a first right door the person can reach
#: (actionable rate), issue 17.
GATED_METRICS = (
    "hit@1",
    "hit@3",
    "mrr",
    "emergency_recall",
    "out_of_scope_accuracy",
    "language_purity",
    "actionable_rate",
)
#: One question of ~50 retrieval questions: run-to-run wobble (BLAS threads, float sums) must
#: never fail CI, a lost question or two may.
DEFAULT_NOISE = 0.02
#: Floors are set this far below the measured value (then rounded down to 2 decimals).
FLOOR_MARGIN = 0.02
#: Metrics that must not exceed these values (lower is better, no noise); every floors file
#: written by :func:`updated_floors` holds them (a file may set lower ones).
#: The median answer is read whole (issue 17's target is 90 words for three doors, tracked in the
#: eval report; the gate allows 5 more, since another CPU's ranking may change a few answers);
#: a red banner a person did not need (issue 18: at most 2 % of non-emergency questions).
CEILINGS: dict[str, float] = {
    "harmful_referrals": 0.0,
    "answer_words_p50": 95.0,
    "emergency_false_alarm_rate": 0.02,
}


class Floors(BaseModel):
    """The content of ``floors.json``."""

    gold: str = Field(description="Gold file the subset is drawn from, relative to the repo.")
    subset_size: int = Field(ge=1)
    sha256: str = Field(description="gold_digest() of the subset.")
    noise: float = Field(default=DEFAULT_NOISE, ge=0, le=0.5)
    floors: dict[str, float]
    #: Upper bounds of counts of harm (no noise); see the module docstring.
    ceilings: dict[str, float] = Field(default_factory=dict)
    measured: dict[str, float] = Field(default_factory=dict)
    measured_at: str = ""
    embed_models: str = ""


@dataclass(frozen=True, slots=True)
class GateResult:
    passed: bool
    failures: tuple[str, ...]
    lines: tuple[str, ...]


def read_floors(path: Path = DEFAULT_FLOORS_PATH) -> Floors:
    try:
        return Floors.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise GateError(
            f"floors file {path} does not exist; create it with "
            "`permanence eval --gate --update-floors` after a measured run"
        ) from exc
    except (json.JSONDecodeError, ValidationError) as exc:
        raise GateError(f"floors file {path} is malformed: {exc}") from exc


def write_floors(floors: Floors, path: Path = DEFAULT_FLOORS_PATH) -> None:
    path.write_text(json.dumps(floors.model_dump(), indent=2, ensure_ascii=False) + "\n", "utf-8")


def check_gate(floors: Floors, metrics: MetricSet, sha256: str) -> GateResult:
    """Compare measured metrics with the floors of the same subset.

    Raises:
        GateError: the subset's digest is not the pinned one (the gold set changed: re-measure
            and update the floors deliberately).
    """
    if sha256 != floors.sha256:
        raise GateError(
            f"the gate subset of {floors.gold} changed (sha256 {sha256[:12]}…, floors pinned "
            f"for {floors.sha256[:12]}…); re-measure with `permanence eval --gate --update-floors`"
            " and review the new floors"
        )
    failures: list[str] = []
    lines: list[str] = []
    for name, floor in sorted(floors.floors.items()):
        value = metrics.get(name)
        if not isinstance(value, int | float):
            failures.append(f"{name}: not measured (floor {floor:.3f})")
            continue
        limit = floor - floors.noise
        status = "ok" if value >= limit else "FAIL"
        lines.append(f"{name}: {value:.3f} (floor {floor:.3f} − noise {floors.noise:.3f}) {status}")
        if value < limit:
            failures.append(
                f"{name} = {value:.3f} is below floor {floor:.3f} − noise {floors.noise:.3f}"
            )
    for name, ceiling in sorted(floors.ceilings.items()):
        value = metrics.get(name)
        if not isinstance(value, int | float):
            failures.append(f"{name}: not measured (ceiling {ceiling:g})")
            continue
        status = "ok" if value <= ceiling else "FAIL"
        lines.append(f"{name}: {value:g} (ceiling {ceiling:g}) {status}")
        if value > ceiling:
            failures.append(f"{name} = {value:g} is above ceiling {ceiling:g}")
    return GateResult(passed=not failures, failures=tuple(failures), lines=tuple(lines))


def _ceilings(floors: Floors | None) -> dict[str, float]:
    """:data:`CEILINGS`, tightened (never loosened) by those of the file."""
    ceilings = dict(CEILINGS)
    for name, value in (floors.ceilings if floors is not None else {}).items():
        ceilings[name] = min(value, ceilings.get(name, value))
    return ceilings


def _floor_of(value: float) -> float:
    return max(0.0, math.floor((value - FLOOR_MARGIN) * 100) / 100)


def updated_floors(
    current: Floors | None,
    metrics: MetricSet,
    *,
    gold: str,
    subset_size: int,
    sha256: str,
    embed_models: str,
    allow_lower: bool = False,
) -> Floors:
    """New floors from a measured run (value − margin, rounded down).

    Raises:
        GateError: a floor would go down and ``allow_lower`` is false.
    """
    measured = {
        name: float(value)
        for name in GATED_METRICS
        if isinstance(value := metrics.get(name), int | float)
    }
    proposed = {name: _floor_of(value) for name, value in measured.items()}
    if current is not None and not allow_lower:
        lowered = [
            f"{name} {old:.2f} → {proposed.get(name, 0.0):.2f}"
            for name, old in current.floors.items()
            if proposed.get(name, 0.0) < old
        ]
        if lowered:
            raise GateError(
                "these floors would go down: " + ", ".join(lowered) + "; if this is intended "
                "(the gold set got harder, a documented trade-off), repeat with --allow-lower"
            )
    return Floors(
        gold=gold,
        subset_size=subset_size,
        sha256=sha256,
        noise=current.noise if current is not None else DEFAULT_NOISE,
        floors=proposed,
        ceilings=_ceilings(current),
        measured={
            name: round(float(value), 4)
            for name in (*GATED_METRICS, *_ceilings(current))
            if isinstance(value := metrics.get(name), int | float)
        },
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        embed_models=embed_models,
    )
