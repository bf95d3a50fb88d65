"""The crawl report: one JSON file per run with the outcome of every URL.

An operator who wonders why a page is missing from the answers opens the report and sees
"disallowed by robots.txt" or "HTTP 503 after 4 attempts" next to the URL. Outcomes are a
closed vocabulary so that dashboards can count them.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

__all__ = ["GROUPS", "OUTCOME_GROUPS", "CrawlReport", "Outcome", "UrlOutcome", "group_of"]

Outcome = Literal[
    "new",
    "changed",
    "unchanged",
    "not_modified",
    "unchanged_sitemap",
    "gone_strike",
    "gone",
    "not_found",
    "disallowed",
    "unsupported",
    "too_large",
    "out_of_scope",
    "duplicate",
    "noindex",
    "empty",
    "redirect_loop",
    "too_many_redirects",
    "error",
    "auth_error",
    "alias",
]

#: How each outcome is counted on the progress bar and in the summary table.
OUTCOME_GROUPS: dict[str, str] = {
    "new": "fetched",
    "changed": "fetched",
    "unchanged": "unchanged",
    "not_modified": "unchanged",
    "unchanged_sitemap": "unchanged",
    "gone_strike": "gone",
    "gone": "gone",
    "not_found": "skipped",
    "disallowed": "skipped",
    "unsupported": "skipped",
    "too_large": "skipped",
    "out_of_scope": "skipped",
    "duplicate": "skipped",
    "noindex": "skipped",
    "empty": "skipped",
    "redirect_loop": "errors",
    "too_many_redirects": "errors",
    "error": "errors",
    "auth_error": "errors",
    "alias": "aliases",
}


#: The groups shown to operators, in display order.
GROUPS: tuple[str, ...] = ("fetched", "unchanged", "skipped", "gone", "errors")


def group_of(outcome: str) -> str:
    return OUTCOME_GROUPS.get(outcome, "errors")


@dataclass(frozen=True, slots=True)
class UrlOutcome:
    """What happened to one URL in one run."""

    url: str
    outcome: str
    detail: str = ""


@dataclass
class CrawlReport:
    """Outcomes of one source's run, written as JSON under ``data_dir/crawl-reports/``."""

    source_id: str
    run_id: int
    started_at: datetime
    resumed: bool = False
    finished_at: datetime | None = None
    complete: bool = False
    gone_absent: list[str] = field(default_factory=list)
    #: Stored pages whose audience or institution the source's configuration corrected.
    reassigned: int = 0
    fatal: str | None = None
    urls: list[UrlOutcome] = field(default_factory=list)

    def add(self, url: str, outcome: str, detail: str = "") -> None:
        self.urls.append(UrlOutcome(url, outcome, detail))

    def counts(self) -> dict[str, int]:
        """URLs per group: fetched, unchanged, skipped, gone, errors (the progress bar's)."""
        groups = Counter(group_of(u.outcome) for u in self.urls)
        return {g: groups.get(g, 0) for g in GROUPS}

    def outcome_counts(self) -> dict[str, int]:
        """URLs per outcome (``new``, ``not_modified``, ``disallowed`` …), sorted by name."""
        return dict(sorted(Counter(u.outcome for u in self.urls).items()))

    @property
    def crawled(self) -> int:
        """Pages that answered with content (new, changed or unchanged)."""
        counts = self.counts()
        return counts["fetched"] + counts["unchanged"]

    def to_json(self) -> dict[str, object]:
        return {
            "source_id": self.source_id,
            "run_id": self.run_id,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "resumed": self.resumed,
            "complete": self.complete,
            "fatal": self.fatal,
            "counts": self.counts(),
            "outcomes": self.outcome_counts(),
            "gone_absent": self.gone_absent,
            "reassigned": self.reassigned,
            "urls": [asdict(u) for u in self.urls],
        }

    def write(self, folder: Path) -> Path:
        """Write the report; the file name sorts by time and names the source."""
        folder.mkdir(parents=True, exist_ok=True)
        stamp = (self.finished_at or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
        path = folder / f"{stamp}-{self.source_id}-run{self.run_id}.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(path)
        return path
