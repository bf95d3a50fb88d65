"""Errors of the evaluation suite.

::

    PermanenceError
    └── EvalError
        ├── GoldSetError      the gold file is missing or malformed
        ├── TargetError       the system under test cannot be reached or answered badly
        ├── ReportError       a report to compare with cannot be read
        └── GateError         floors file missing, stale (gold digest changed) or lowered unasked
"""

from __future__ import annotations

from permanence.errors import PermanenceError

__all__ = ["EvalError", "GateError", "GoldSetError", "ReportError", "TargetError"]


class EvalError(PermanenceError):
    """Base of every evaluation error."""


class GoldSetError(EvalError):
    """The gold file cannot be used; the message names the file and line."""


class TargetError(EvalError):
    """The system under test did not answer; the message names the URL or the question."""


class ReportError(EvalError):
    """A report file cannot be read or has an unknown shape."""


class GateError(EvalError):
    """The eval gate cannot be checked or updated as asked."""
