"""The building blocks of the evaluation page: its style sheet, cells, tables and sections.

:mod:`eval.html_report` composes the page's sections from these; keeping them apart leaves
that module to say what the page contains, and this one how a figure, a metric name and a
table look (a figure with its n, a metric label linking to its definition, a table that
scrolls sideways on a narrow screen instead of the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from eval.metric_definitions import METRIC_DEFINITIONS
from eval.metrics import MetricSet, count_key

__all__ = [
    "PAGE_STYLE",
    "anchor",
    "confusion_table",
    "figure",
    "format_value",
    "metric_link",
    "metric_value",
    "section",
    "table",
]

PAGE_STYLE = """
*,*::before,*::after{box-sizing:border-box}
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1.5rem 2rem;max-width:1200px;
color:#222;line-height:1.4}
h2{margin-top:2rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em;
overflow-wrap:anywhere}
nav{font-size:.9rem}
a{color:#1a4f8b}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1.5rem}
table{border-collapse:collapse;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
thead th{background:#f2f2f2;overflow-wrap:normal;font-size:.9em}
tbody th,td.id{overflow-wrap:normal}
tbody th{font-weight:normal;background:#fafafa}
tbody th code{display:block;color:#666}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;
overflow-wrap:normal}
.of{display:block;font-size:.8em;color:#666}
.better{color:#17692c;font-weight:600}.worse{color:#b01c2e;font-weight:600}
.muted{color:#666}
.note{border-left:4px solid #e0a21f;background:#fff8e6;padding:.4rem .8rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure{margin:0;min-width:0;max-width:100%}
svg{max-width:100%;height:auto}
dl div{margin:0 0 .6rem}
dt{font-weight:600}dt code{font-weight:normal;color:#666}
dd{margin:0 0 0 1.5rem}
@page{size:A4 landscape;margin:12mm}
@media print{
body{max-width:none;padding:0;font-size:10pt}
nav{display:none}
a{color:#000;text-decoration:underline}
.scroll{overflow:visible}
table{width:100%;font-size:8pt}
th,td{padding:.15rem .3rem}
table,figure,tr,dl div,.note{break-inside:avoid}
thead{display:table-header-group}
h2,h3{break-after:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def format_value(value: object) -> str:
    """Metrics as people read them: rates with 3 decimals, milliseconds with 1."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) <= 1.0 else f"{value:.1f}"
    return str(value)


def metric_value(metric: str, value: object) -> str:
    """:func:`format_value`, except that a word error rate above 1 stays a rate (3 places)
    and a latency below 1 ms stays milliseconds (1 place), not a rate."""
    if metric == "wer" and isinstance(value, float):
        return f"{value:.3f}"
    if metric.endswith("_ms") and isinstance(value, float):
        return f"{value:.1f}"
    return format_value(value)


def anchor(metric: str) -> str:
    """The id of a metric's definition: ``def-hit-3`` for ``hit@3``."""
    return "def-" + re.sub(r"[^a-z0-9]+", "-", metric.lower()).strip("-")


def metric_link(metric: str, *, header: bool = False) -> str:
    """The metric's label (its short form in a column ``header``), linking to its definition,
    with the code name and the definition as a tooltip."""
    found = METRIC_DEFINITIONS.get(metric)
    if found is None:
        return escape(metric)
    return (
        f'<a href="#{anchor(metric)}" title="{escape(metric)}: {escape(found.definition)}">'
        f"{escape(found.header if header else found.label)}</a>"
    )


def figure(values: MetricSet, metric: str, *, muted: bool = False) -> str:
    """One table cell: the value and, under it, the n it was computed over (when known)."""
    n = values.get(count_key(metric))
    of = f'<span class="of">n={n}</span>' if n is not None else ""
    css = "n muted" if muted else "n"
    return f'<td class="{css}">{metric_value(metric, values.get(metric))}{of}</td>'


def table(header: Iterable[str], rows: Iterable[str]) -> str:
    """A table in a wrapper that scrolls sideways on a narrow screen instead of the page.

    ``header`` holds the header cells' HTML, ``rows`` whole ``<tr>`` elements.
    """
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header)
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def section(section_id: str, body: Iterable[str]) -> str:
    return f'<section id="{section_id}">' + "".join(body) + "</section>"


def confusion_table(confusion: dict[str, dict[str, int]]) -> str:
    """The answer-kind confusion matrix: expected kinds as rows, returned kinds as columns."""
    kinds = ["orientation", "emergency", "out_of_scope", "no_answer", "error"]
    got_kinds = [k for k in kinds if any(k in row for row in confusion.values())]
    peak = max((c for row in confusion.values() for c in row.values()), default=1)
    rows = []
    for expected in kinds:
        if expected not in confusion:
            continue
        cells = []
        for got in got_kinds:
            count = confusion[expected].get(got, 0)
            base = "23,105,44" if expected == got else "176,28,46"
            style = (
                f' style="background:rgba({base},{0.1 + 0.5 * count / peak:.2f})"' if count else ""
            )
            cells.append(f'<td class="n"{style}>{count}</td>')
        total = sum(confusion[expected].values())
        rows.append(
            f'<tr><th scope="row">{escape(expected)}</th>{"".join(cells)}'
            f'<td class="n">{total}</td></tr>'
        )
    header = ["expected ↓ / got →", *(escape(k) for k in got_kinds), "total (n)"]
    return (
        "<p>Rows: the answer kind the gold expects; columns: the kind that came back "
        "(<code>error</code>: no answer came back). The diagonal, in green, is right; each "
        "row's total is the number of answered-or-failed questions of that kind.</p>"
        + table(header, rows)
    )
