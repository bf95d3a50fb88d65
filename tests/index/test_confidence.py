"""The calibrated answer confidence: bounds, direction of each signal, bad input."""

from __future__ import annotations

import pytest

from index.confidence import answer_confidence

pytestmark = pytest.mark.unit


def test_a_close_question_that_names_a_need_and_agrees_is_trusted() -> None:
    assert answer_confidence(similarity=0.6, agreeing=3, names_need=True) == pytest.approx(
        0.9946, abs=1e-4
    )


def test_a_far_question_naming_nothing_is_not() -> None:
    assert answer_confidence(similarity=0.1, agreeing=0, names_need=False) == pytest.approx(
        0.1205, abs=1e-4
    )


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ({"similarity": 0.2, "agreeing": 1, "names_need": True}, {"similarity": 0.4}),
        ({"similarity": 0.3, "agreeing": 0, "names_need": True}, {"agreeing": 2}),
        ({"similarity": 0.3, "agreeing": 1, "names_need": False}, {"names_need": True}),
    ],
)
def test_each_signal_raises_the_confidence(
    weaker: dict[str, object], stronger: dict[str, object]
) -> None:
    assert answer_confidence(**weaker) < answer_confidence(**{**weaker, **stronger})


def test_negative_agreement_is_refused() -> None:
    with pytest.raises(ValueError, match="agreeing=-1"):
        answer_confidence(similarity=0.3, agreeing=-1, names_need=False)
