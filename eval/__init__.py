"""Evaluation: gold questions through the public interface → metrics, baselines, reports, gate.

Entry points: ``permanence eval`` (``eval/cli.py``) and ``python -m eval.bench``; definitions
in docs/evaluation.md.
"""

from __future__ import annotations

from eval.errors import EvalError, GateError, GoldSetError, ReportError, TargetError
from eval.gold import GoldQuestion, gold_digest, load_gold, select_subset
from eval.records import SYSTEM, Outcome
from eval.report import Report, read_report, write_report

__all__ = [
    "SYSTEM",
    "EvalError",
    "GateError",
    "GoldQuestion",
    "GoldSetError",
    "Outcome",
    "Report",
    "ReportError",
    "TargetError",
    "gold_digest",
    "load_gold",
    "read_report",
    "select_subset",
    "write_report",
]
