"""Render a report as one self-contained HTML page that a person reads without the source.

Order of the page: headline metrics side by side with the baselines, per-language chart,
latency histogram, confusion of kinds, breakdown tables, then every miss with what was expected
and what came back, and last the definition of every metric shown. With a previous report, what
changed comes right after the headline. Every figure carries its n (the questions it was
computed over), every metric its human label from :mod:`eval.metric_definitions`, and the page
fits a 1,280 px screen and an A4 page: wide tables scroll on screen and wrap in print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from eval.compare import MetricChange, QuestionChange, question_ok
from eval.metric_definitions import (
    BREAKDOWN_DESCRIPTIONS,
    METRIC_DEFINITIONS,
    N_DEFINITION,
    metric_label,
)
from eval.metrics import MetricSet, count_key, is_count_key
from eval.records import SYSTEM, Outcome
from eval.report import Report
from eval.svg import grouped_bars, histogram
from eval.voice import VOICE_CHANNEL, text_id

__all__ = ["BASELINES_NOT_RUN", "HEADLINE_METRICS", "format_value", "render_html"]

HEADLINE_METRICS = (
    "hit@1",
    "hit@3",
    "mrr",
    "citation_validity",
    "kind_accuracy",
    "emergency_recall",
    "emergency_precision",
    "out_of_scope_accuracy",
    "no_answer_rate",
    "no_answer_recall",
    "language_match",
    "context_precision",
    "context_recall",
    "id_context_precision",
    "id_context_recall",
    "string_similarity",
    "faithfulness",
    "answer_relevancy",
    "latency_p50_ms",
    "latency_p95_ms",
    "errors",
    "questions",
)

#: Metrics of the spoken-vs-typed table, each shown for both channels.
_VOICE_PAIRED = ("hit@3", "kind_accuracy", "language_match")
#: Metrics of the spoken-vs-typed table shown for the spoken questions only.
_VOICE_ONLY = ("heard_language_match", "wer", "latency_p50_ms", "latency_p95_ms")

#: Shown under the headline when a run had spoken questions.
_TYPED_ONLY = (
    '<p class="muted">Headline and breakdowns: typed questions. Spoken questions: '
    '"System by channel" and "Voice channel" below.</p>'
)

#: Shown under the headline when the report has no baseline system to compare with.
BASELINES_NOT_RUN = (
    '<p class="note">Baselines not run in this report: <code>permanence eval --baselines</code></p>'
)

#: Under the headline next to baselines: why their columns have gaps.
_BASELINES_RANK_ONLY = (
    '<p class="muted">Baselines only rank institutions: answer kinds, citations, languages and '
    "answer texts are the system's alone (— in their columns).</p>"
)

_STYLE = """
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

#: Sections the navigation links to: (id, title), in page order; absent ones are skipped.
_NAV = (
    ("headline", "Headline"),
    ("changes", "Changes"),
    ("charts", "Charts"),
    ("kinds", "Kinds"),
    ("breakdowns", "Breakdowns"),
    ("voice", "Voice channel"),
    ("misses", "Every miss"),
    ("not-measured", "Not measured"),
    ("notes", "Baseline notes"),
    ("definitions", "Definitions"),
)


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


def _metric_value(metric: str, value: object) -> str:
    """:func:`format_value`, except that a word error rate above 1 stays a rate (3 places)
    and a latency below 1 ms stays milliseconds (1 place), not a rate."""
    if metric == "wer" and isinstance(value, float):
        return f"{value:.3f}"
    if metric.endswith("_ms") and isinstance(value, float):
        return f"{value:.1f}"
    return format_value(value)


def _anchor(metric: str) -> str:
    """The id of a metric's definition: ``def-hit-3`` for ``hit@3``."""
    return "def-" + re.sub(r"[^a-z0-9]+", "-", metric.lower()).strip("-")


def _metric_link(metric: str, *, header: bool = False) -> str:
    """The metric's label (its short form in a column ``header``), linking to its definition,
    with the code name and the definition as a tooltip."""
    found = METRIC_DEFINITIONS.get(metric)
    if found is None:
        return escape(metric)
    return (
        f'<a href="#{_anchor(metric)}" title="{escape(metric)}: {escape(found.definition)}">'
        f"{escape(found.header if header else found.label)}</a>"
    )


def _figure(values: MetricSet, metric: str, *, muted: bool = False) -> str:
    """One table cell: the value and, under it, the n it was computed over (when known)."""
    n = values.get(count_key(metric))
    of = f'<span class="of">n={n}</span>' if n is not None else ""
    css = "n muted" if muted else "n"
    return f'<td class="{css}">{_metric_value(metric, values.get(metric))}{of}</td>'


def _table(header: Iterable[str], rows: Iterable[str]) -> str:
    """A table in a wrapper that scrolls sideways on a narrow screen instead of the page.

    ``header`` holds the header cells' HTML, ``rows`` whole ``<tr>`` elements.
    """
    head = "".join(f'<th scope="col">{cell}</th>' for cell in header)
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _section(section_id: str, body: Iterable[str]) -> str:
    return f'<section id="{section_id}">' + "".join(body) + "</section>"


def _got(outcome: Outcome) -> str:
    """What came back: the error, or the answer kind and the ranked institutions."""
    return outcome.error or f"{outcome.kind}: {', '.join(outcome.ranked) or '—'}"


def _metrics_table(systems: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    names = list(systems)
    rows = []
    for metric in metrics:
        if all(metric not in systems[n] for n in names):
            continue
        cells = "".join(_figure(systems[n], metric) for n in names)
        rows.append(
            f'<tr><th scope="row">{_metric_link(metric)} <code>{escape(metric)}</code></th>'
            f"{cells}</tr>"
        )
    return _table(["metric", *(escape(n) for n in names)], rows)


def _breakdown_table(groups: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    rows = [
        f'<tr><th scope="row">{escape(group)}</th>'
        + "".join(_figure(values, m) for m in metrics)
        + "</tr>"
        for group, values in groups.items()
    ]
    return _table(["group", *(_metric_link(m, header=True) for m in metrics)], rows)


def _confusion(confusion: dict[str, dict[str, int]]) -> str:
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
        + _table(header, rows)
    )


def _misses(report: Report) -> str:
    outcomes = {o.id: o for o in report.system.outcomes}
    rows = []
    for question in report.questions:
        outcome = outcomes.get(question.id)
        if outcome is None or (
            question_ok(question, outcome) and outcome.citation_valid is not False
        ):
            continue
        expected = f"{question.kind}: {', '.join(question.acceptable) or '—'}"
        problems = list(outcome.citation_problems)
        if outcome.kind != question.kind:
            problems.insert(0, "wrong kind")
        if question.is_retrieval and not set(outcome.ranked[:3]) & set(question.acceptable):
            problems.insert(0, "no acceptable institution in top 3")
        heard = (
            f'<br><span class="muted">heard: </span><span dir="auto">'
            f"{escape(outcome.transcript)}</span>"
            if outcome.transcript is not None
            else ""
        )
        rows.append(
            f'<tr><td class="id">{escape(question.id)}</td><td>{escape(question.language)}</td>'
            f'<td dir="auto">{escape(question.question)}{heard}</td>'
            f"<td>{escape(expected)}</td><td>{escape(_got(outcome))}</td>"
            f"<td>{escape('; '.join(problems))}</td></tr>"
        )
    header = ["id", "lang", "question", "expected", "got", "problem"]
    return f"<p>{len(rows)} of {len(report.questions)} questions.</p>" + _table(header, rows)


def _voice_section(report: Report) -> str:
    """Spoken vs typed by language, then every spoken miss with what Whisper heard."""
    spoken = report.system.breakdowns.get("voice_language", {})
    typed = report.system.breakdowns.get("voice_language_typed", {})
    parts = [
        "<h2>Voice channel</h2>",
        f"<p>{escape(report.environment.get('voice', ''))}. Each spoken question is also "
        "asked typed; the grey column is the typed answer to the same questions. WER = word "
        "error rate of the transcript against the gold question (case, accents and "
        "punctuation ignored); espeak-ng is robotic speech, so this is a floor check, not a "
        "human-caller figure.</p>",
    ]
    header = [
        "language",
        _metric_link("questions", header=True),
        *(h for m in _VOICE_PAIRED for h in (f"{_metric_link(m, header=True)} spoken", "typed")),
        *(_metric_link(m, header=True) for m in _VOICE_ONLY),
    ]
    rows = []
    for language, values in spoken.items():
        same = typed.get(language, {})
        rows.append(
            f'<tr><th scope="row">{escape(language)}</th>'
            f'<td class="n">{format_value(values.get("questions"))}</td>'
            + "".join(_figure(values, m) + _figure(same, m, muted=True) for m in _VOICE_PAIRED)
            + "".join(_figure(values, m) for m in _VOICE_ONLY)
            + "</tr>"
        )
    parts.append(_table(header, rows))
    outcomes = {o.id: o for o in report.system.outcomes}
    misses = []
    spoken_questions = [q for q in report.questions if q.channel == VOICE_CHANNEL]
    for question in spoken_questions:
        outcome = outcomes.get(question.id)
        if outcome is None or question_ok(question, outcome):
            continue
        typed_outcome = outcomes.get(text_id(question.id))
        typed_verdict = (
            "—"
            if typed_outcome is None
            else ("ok" if question_ok(question, typed_outcome) else "also missed")
        )
        misses.append(
            f'<tr><td class="id">{escape(question.id)}</td><td>{escape(question.language)}</td>'
            f'<td dir="auto">{escape(question.question)}</td>'
            f'<td dir="auto">{escape(outcome.transcript or "—")} '
            f'<span class="muted">({escape(outcome.heard_language or "?")})</span></td>'
            f'<td class="n">{_metric_value("wer", outcome.wer)}</td>'
            f"<td>{escape(question.kind)}: {escape(', '.join(question.acceptable) or '—')}</td>"
            f"<td>{escape(_got(outcome))}</td><td>{escape(typed_verdict)}</td></tr>"
        )
    parts.append(f"<h3>Spoken misses: {len(misses)} of {len(spoken_questions)}</h3>")
    miss_header = [
        "id",
        "lang",
        "gold question",
        "transcript (heard as)",
        "WER",
        "expected",
        "got spoken",
        "typed",
    ]
    parts.append(_table(miss_header, misses))
    return "".join(parts)


def _changes(
    metric_changes: Sequence[MetricChange], question_changes: Sequence[QuestionChange]
) -> str:
    rows = [
        f"<tr><td>{escape(change.system)}</td>"
        f"<td>{_metric_link(change.metric)} <code>{escape(change.metric)}</code></td>"
        f'<td class="n">{format_value(change.old)}</td>'
        f'<td class="n">{format_value(change.new)}</td>'
        f'<td class="{change.verdict}">{change.verdict}</td></tr>'
        for change in metric_changes
        if change.verdict not in ("same", "n/a")
    ]
    question_rows = []
    for q in question_changes:
        before = f"{q.old_kind}: {', '.join(q.old_ranked) or '—'}"
        now = f"{q.new_kind}: {', '.join(q.new_ranked) or '—'}"
        question_rows.append(
            f'<tr><td class="id">{escape(q.id)}</td><td>{escape(q.question)}</td>'
            f"<td>{escape(before)}</td>"
            f'<td>{escape(now)}</td><td class="{q.verdict}">{q.verdict}</td></tr>'
        )
    return _table(["system", "metric", "before", "now", ""], rows) + _table(
        ["id", "question", "before", "now", ""], question_rows
    )


def _shown_metrics(report: Report) -> list[str]:
    """Every metric any table of the page can show, in the order of the definitions table;
    a metric without a definition comes last, under its code name."""
    present: dict[str, None] = {}
    for result in report.systems.values():
        for values in [
            result.overall,
            *(v for g in result.breakdowns.values() for v in g.values()),
        ]:
            present.update((k, None) for k in values if not is_count_key(k))
    return [m for m in METRIC_DEFINITIONS if m in present] + [
        m for m in present if m not in METRIC_DEFINITIONS
    ]


def _definitions(report: Report) -> str:
    items = [f"<div><dt>n</dt><dd>{escape(N_DEFINITION)}</dd></div>"]
    for metric in _shown_metrics(report):
        found = METRIC_DEFINITIONS.get(metric)
        definition = found.definition if found is not None else "(no definition yet)"
        items.append(
            f'<div><dt id="{_anchor(metric)}">{escape(metric_label(metric))} '
            f"<code>{escape(metric)}</code></dt><dd>{escape(definition)}</dd></div>"
        )
    return "<h2>Definitions</h2><dl>" + "".join(items) + "</dl>"


def _charts(report: Report) -> str:
    overall = report.system.overall
    by_language = report.system.breakdowns.get("language", {})
    languages = list(by_language)
    bars_series: dict[str, list[float | None]] = {}
    for name, result in report.systems.items():
        groups = result.breakdowns.get("language", {})
        hits = [groups.get(lang, {}).get("hit@3") for lang in languages]
        bars_series[name] = [float(v) if isinstance(v, int | float) else None for v in hits]
    notes = [
        f"n={n}" if (n := by_language[lang].get(count_key("hit@3"))) is not None else ""
        for lang in languages
    ]
    latencies = [
        o.latency_ms for o in report.system.outcomes if o.error is None and o.transcript is None
    ]
    bars = grouped_bars(
        languages, bars_series, title="hit@3 by language (n = retrieval questions)", notes=notes
    )
    latency = histogram(
        latencies,
        title=f"System latency per question (n={len(latencies)}, p50 "
        f"{format_value(overall.get('latency_p50_ms'))} ms, p95 "
        f"{format_value(overall.get('latency_p95_ms'))} ms)",
    )
    return (
        '<h2>Charts</h2><div class="charts">'
        f"<figure>{bars}</figure><figure>{latency}</figure></div>"
    )


def _nav(present: set[str]) -> str:
    links = [f'<a href="#{i}">{escape(t)}</a>' for i, t in _NAV if i in present]
    return '<nav aria-label="Sections">' + " · ".join(links) + "</nav>"


def render_html(
    report: Report,
    *,
    changes: tuple[Sequence[MetricChange], Sequence[QuestionChange]] | None = None,
    compared_with: str | None = None,
) -> str:
    """The whole page as a string."""
    overall = {name: result.overall for name, result in report.systems.items()}
    headline = [
        "<h2>Headline</h2>",
        "<p>Each figure has under it its n, the number of questions it was computed over; "
        "every metric is defined under “Definitions” at the end (its label links there).</p>",
        _metrics_table(overall, HEADLINE_METRICS),
    ]
    if len(report.systems) == 1:
        headline.append(BASELINES_NOT_RUN)
    else:
        headline.append(_BASELINES_RANK_ONLY)
    if "voice_language" in report.system.breakdowns:
        headline.append(_TYPED_ONLY)
    sections = {"headline": _section("headline", headline)}
    if changes is not None:
        sections["changes"] = _section(
            "changes",
            [
                f"<h2>Changes since <code>{escape(compared_with or 'previous run')}</code></h2>",
                _changes(*changes),
            ],
        )
    sections["charts"] = _section("charts", [_charts(report)])
    sections["kinds"] = _section(
        "kinds", ["<h2>Kinds: expected vs answered</h2>", _confusion(report.confusion)]
    )
    detail = [
        "hit@1",
        "hit@3",
        "mrr",
        "kind_accuracy",
        "emergency_recall",
        "out_of_scope_accuracy",
        "language_match",
        "citation_validity",
        "latency_p95_ms",
        "questions",
    ]
    if "faithfulness" in report.system.overall:
        detail[-2:-2] = ["faithfulness", "answer_relevancy"]
    breakdowns = []
    for breakdown, groups in report.system.breakdowns.items():
        if breakdown in ("voice_language", "voice_language_typed"):
            continue  # in the voice section, side by side
        columns = detail
        if any("wer" in values for values in groups.values()):
            columns = [*detail[:-2], "heard_language_match", "wer", *detail[-2:]]
        breakdowns.append(f"<h2>System by {escape(breakdown)}</h2>")
        if breakdown in BREAKDOWN_DESCRIPTIONS:
            breakdowns.append(f'<p class="muted">{escape(BREAKDOWN_DESCRIPTIONS[breakdown])}</p>')
        breakdowns.append(_breakdown_table(groups, columns))
    sections["breakdowns"] = _section("breakdowns", breakdowns)
    if "voice_language" in report.system.breakdowns:
        sections["voice"] = _section("voice", [_voice_section(report)])
    sections["misses"] = _section("misses", ["<h2>Every miss</h2>", _misses(report)])
    if report.skipped:
        sections["not-measured"] = _section(
            "not-measured",
            [
                "<h2>Not measured</h2><ul>",
                *(f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.skipped.items()),
                "</ul>",
            ],
        )
    notes = {n: r.notes for n, r in report.systems.items() if r.notes}
    if notes:
        items = [
            f"<li>{escape(name)}: {escape(', '.join(f'{k}={v}' for k, v in values.items()))}</li>"
            for name, values in notes.items()
        ]
        sections["notes"] = _section("notes", ["<h2>Baseline notes</h2><ul>", *items, "</ul>"])
    sections["definitions"] = _section("definitions", [_definitions(report)])
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Permanence evaluation — {escape(report.created_at)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<header><h1>Permanence evaluation</h1>",
        f"<p>{escape(report.created_at)} · target <code>{escape(report.target)}</code> · gold "
        f"<code>{escape(report.gold.path)}</code> ({report.gold.questions} questions, sha256 "
        f"<code>{escape(report.gold.sha256[:16])}</code>) · context metrics: "
        f"{escape(report.context_metrics)}</p>",
        _nav(set(sections)),
        "</header><main>",
        *sections.values(),
        "</main><footer>",
        f'<p class="muted">{escape(SYSTEM)} = the assistant through its public interface.</p>',
        "</footer></body></html>",
    ]
    return "\n".join(parts)
