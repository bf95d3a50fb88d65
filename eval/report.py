"""The report of one evaluation run, as written to ``report.json`` and read back by ``--compare``.

One model for both directions, so that an old report that no longer validates is refused with
a clear message instead of producing a half-empty comparison.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eval.conversations.summary import ConversationsReport
from eval.errors import ReportError
from eval.gold import GoldQuestion
from eval.metrics import MetricSet
from eval.records import SYSTEM, Outcome

__all__ = ["REPORT_VERSION", "GoldInfo", "Report", "SystemResult", "read_report", "write_report"]

REPORT_VERSION = 1

#: Groupings of the metric breakdowns, with the question attribute they use.
BREAKDOWNS = ("language", "language_group", "category", "kind", "channel", "role")


class GoldInfo(BaseModel):
    path: str
    sha256: str
    questions: int


class SystemResult(BaseModel):
    """Metrics of one system (the assistant or a baseline), overall and broken down."""

    overall: MetricSet
    breakdowns: dict[str, dict[str, MetricSet]] = Field(default_factory=dict)
    outcomes: list[Outcome] = Field(default_factory=list)
    notes: dict[str, str | int | float] = Field(default_factory=dict)


class Report(BaseModel):
    """Everything a run measured, enough to render the HTML and to compare runs."""

    model_config = ConfigDict(extra="ignore")

    version: int = REPORT_VERSION
    created_at: str
    target: str
    gold: GoldInfo
    context_metrics: str = Field(description="Which implementation scored the ragas metrics.")
    skipped: dict[str, str] = Field(default_factory=dict, description="Metric → why skipped.")
    environment: dict[str, str] = Field(default_factory=dict)
    questions: list[GoldQuestion]
    systems: dict[str, SystemResult]
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)
    #: The multi-turn figures and their standalone baseline (``--conversations``); absent
    #: from report.json when the run had none.
    conversations: ConversationsReport | None = None

    @property
    def system(self) -> SystemResult:
        return self.systems[SYSTEM]


def write_report(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    leave_out = {"conversations"} if report.conversations is None else None
    data = report.model_dump(mode="json", exclude=leave_out)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def read_report(path: Path) -> Report:
    """Read a ``report.json``; raises ReportError naming the file when it cannot be used."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReportError(f"report {path} does not exist; pass a DIR/report.json of a run") from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"report {path} is not readable JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != REPORT_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise ReportError(
            f"report {path} has version {found!r}, this suite reads version {REPORT_VERSION}; "
            "re-run the old revision's eval to compare"
        )
    try:
        report = Report.model_validate(data)
    except ValidationError as exc:
        raise ReportError(f"report {path} does not have the report shape: {exc}") from exc
    if SYSTEM not in report.systems:
        raise ReportError(f"report {path} holds no '{SYSTEM}' results")
    return report
