"""The first-rank analysis: figures per group and the cause of each miss."""

from __future__ import annotations

from eval.ranking_analysis import _cause, _figures


def test_figures_count_first_ranks_and_top_three() -> None:
    # reciprocal ranks of four questions: first, second, third, not shown
    figures = _figures([1.0, 0.5, 1 / 3, 0.0])
    assert figures.n == 4
    assert figures.hit1 == 0.25
    assert figures.hit3 == 0.75
    assert figures.mrr == round((1 + 0.5 + 1 / 3) / 4, 3)


def test_figures_of_no_question_are_unknown() -> None:
    assert _figures([]).hit1 is None


def test_cause_says_where_the_acceptable_one_is() -> None:
    assert _cause(["a", "b", "c"], ["b"]) == "second"
    assert _cause(["a", "b", "c"], ["c", "z"]) == "third"
    assert _cause(["a", "b"], ["z"]) == "not_shown"
