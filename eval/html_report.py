"""Render a report as one self-contained HTML page that a person reads.

Order of the page: headline metrics side by side with the baselines, per-language chart,
latency histogram, confusion of kinds, breakdown tables, then every miss with what was expected
and what came back. With a previous report, what changed comes right after the headline.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from eval.compare import MetricChange, QuestionChange, question_ok
from eval.metrics import MetricSet
from eval.records import SYSTEM
from eval.report import Report
from eval.svg import grouped_bars, histogram
from eval.voice import VOICE_CHANNEL, text_id

__all__ = ["HEADLINE_METRICS", "format_value", "render_html"]

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

#: Shown under the headline when a run had spoken questions.
_TYPED_ONLY = (
    '<p class="muted">Headline and breakdowns: typed questions. Spoken questions: '
    '"System by channel" and "Voice channel" below.</p>'
)

_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222;line-height:1.4}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f2f2} td.n{text-align:right;font-variant-numeric:tabular-nums}
.better{color:#17692c;font-weight:600}.worse{color:#b01c2e;font-weight:600}
.muted{color:#777}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
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


def _metric_value(metric: str, value: object) -> str:
    """:func:`format_value`, except that a word error rate above 1 stays a rate (3 places)."""
    if metric == "wer" and isinstance(value, float):
        return f"{value:.3f}"
    return format_value(value)


def _metrics_table(systems: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    names = list(systems)
    rows = [
        "<table><tr><th>metric</th>" + "".join(f"<th>{escape(n)}</th>" for n in names) + "</tr>"
    ]
    for metric in metrics:
        if all(metric not in systems[n] for n in names):
            continue
        cells = "".join(f'<td class="n">{format_value(systems[n].get(metric))}</td>' for n in names)
        rows.append(f"<tr><td>{escape(metric)}</td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _breakdown_table(groups: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    rows = [
        "<table><tr><th>group</th>" + "".join(f"<th>{escape(m)}</th>" for m in metrics) + "</tr>"
    ]
    for group, values in groups.items():
        cells = "".join(f'<td class="n">{_metric_value(m, values.get(m))}</td>' for m in metrics)
        rows.append(f"<tr><td>{escape(group)}</td>{cells}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _confusion(confusion: dict[str, dict[str, int]]) -> str:
    kinds = ["orientation", "emergency", "out_of_scope", "no_answer", "error"]
    got_kinds = [k for k in kinds if any(k in row for row in confusion.values())]
    peak = max((c for row in confusion.values() for c in row.values()), default=1)
    rows = [
        "<table><tr><th>expected ↓ / got →</th>"
        + "".join(f"<th>{escape(k)}</th>" for k in got_kinds)
        + "</tr>"
    ]
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
        rows.append(f"<tr><th>{escape(expected)}</th>{''.join(cells)}</tr>")
    rows.append("</table>")
    return "".join(rows)


def _misses(report: Report) -> str:
    outcomes = {o.id: o for o in report.system.outcomes}
    rows = [
        "<table><tr><th>id</th><th>lang</th><th>question</th><th>expected</th><th>got</th>"
        "<th>problem</th></tr>"
    ]
    count = 0
    for question in report.questions:
        outcome = outcomes.get(question.id)
        if outcome is None or (
            question_ok(question, outcome) and outcome.citation_valid is not False
        ):
            continue
        count += 1
        expected = f"{question.kind}: {', '.join(question.acceptable) or '—'}"
        got = outcome.error or f"{outcome.kind}: {', '.join(outcome.ranked) or '—'}"
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
            f"<tr><td>{escape(question.id)}</td><td>{escape(question.language)}</td>"
            f'<td dir="auto">{escape(question.question)}{heard}</td>'
            f"<td>{escape(expected)}</td><td>{escape(got)}</td>"
            f"<td>{escape('; '.join(problems))}</td></tr>"
        )
    rows.append("</table>")
    return f"<p>{count} of {len(report.questions)} questions.</p>" + "".join(rows)


def _pair(spoken: MetricSet, typed: MetricSet, metric: str) -> str:
    return (
        f'<td class="n">{format_value(spoken.get(metric))}</td>'
        f'<td class="n muted">{format_value(typed.get(metric))}</td>'
    )


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
        "<table><tr><th>language</th><th>n</th>"
        + "".join(
            f"<th>{m} spoken</th><th>typed</th>"
            for m in ("hit@3", "kind_accuracy", "language_match")
        )
        + "<th>heard language</th><th>WER</th><th>latency p50 ms</th><th>p95 ms</th></tr>",
    ]
    for language, values in spoken.items():
        same = typed.get(language, {})
        parts.append(
            f"<tr><td>{escape(language)}</td>"
            f'<td class="n">{format_value(values.get("questions"))}</td>'
            + "".join(_pair(values, same, m) for m in ("hit@3", "kind_accuracy", "language_match"))
            + "".join(
                f'<td class="n">{_metric_value(m, values.get(m))}</td>'
                for m in ("heard_language_match", "wer", "latency_p50_ms", "latency_p95_ms")
            )
            + "</tr>"
        )
    parts.append("</table>")
    outcomes = {o.id: o for o in report.system.outcomes}
    rows = [
        "<table><tr><th>id</th><th>lang</th><th>gold question</th><th>transcript (heard as)</th>"
        "<th>WER</th><th>expected</th><th>got spoken</th><th>typed</th></tr>"
    ]
    misses = 0
    spoken_questions = [q for q in report.questions if q.channel == VOICE_CHANNEL]
    for question in spoken_questions:
        outcome = outcomes.get(question.id)
        if outcome is None or question_ok(question, outcome):
            continue
        misses += 1
        typed_outcome = outcomes.get(text_id(question.id))
        typed_verdict = (
            "—"
            if typed_outcome is None
            else ("ok" if question_ok(question, typed_outcome) else "also missed")
        )
        got = outcome.error or f"{outcome.kind}: {', '.join(outcome.ranked) or '—'}"
        rows.append(
            f"<tr><td>{escape(question.id)}</td><td>{escape(question.language)}</td>"
            f'<td dir="auto">{escape(question.question)}</td>'
            f'<td dir="auto">{escape(outcome.transcript or "—")} '
            f'<span class="muted">({escape(outcome.heard_language or "?")})</span></td>'
            f'<td class="n">{_metric_value("wer", outcome.wer)}</td>'
            f"<td>{escape(question.kind)}: {escape(', '.join(question.acceptable) or '—')}</td>"
            f"<td>{escape(got)}</td><td>{escape(typed_verdict)}</td></tr>"
        )
    rows.append("</table>")
    parts.append(f"<h3>Spoken misses: {misses} of {len(spoken_questions)}</h3>")
    parts += rows
    return "".join(parts)


def _changes(
    metric_changes: Sequence[MetricChange], question_changes: Sequence[QuestionChange]
) -> str:
    rows = ["<table><tr><th>system</th><th>metric</th><th>before</th><th>now</th><th></th></tr>"]
    for change in metric_changes:
        if change.verdict in ("same", "n/a"):
            continue
        rows.append(
            f"<tr><td>{escape(change.system)}</td><td>{escape(change.metric)}</td>"
            f'<td class="n">{format_value(change.old)}</td>'
            f'<td class="n">{format_value(change.new)}</td>'
            f'<td class="{change.verdict}">{change.verdict}</td></tr>'
        )
    rows.append(
        "</table><table><tr><th>id</th><th>question</th><th>before</th><th>now</th><th></th></tr>"
    )
    for q in question_changes:
        before = f"{q.old_kind}: {', '.join(q.old_ranked) or '—'}"
        now = f"{q.new_kind}: {', '.join(q.new_ranked) or '—'}"
        rows.append(
            f"<tr><td>{escape(q.id)}</td><td>{escape(q.question)}</td><td>{escape(before)}</td>"
            f'<td>{escape(now)}</td><td class="{q.verdict}">{q.verdict}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def render_html(
    report: Report,
    *,
    changes: tuple[Sequence[MetricChange], Sequence[QuestionChange]] | None = None,
    compared_with: str | None = None,
) -> str:
    """The whole page as a string."""
    overall = {name: result.overall for name, result in report.systems.items()}
    by_language = report.system.breakdowns.get("language", {})
    languages = list(by_language)
    bars_series: dict[str, list[float | None]] = {}
    for name, result in report.systems.items():
        groups = result.breakdowns.get("language", {})
        hits = [groups.get(lang, {}).get("hit@3") for lang in languages]
        bars_series[name] = [float(v) if isinstance(v, int | float) else None for v in hits]
    latencies = [
        o.latency_ms for o in report.system.outcomes if o.error is None and o.transcript is None
    ]
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>Permanence evaluation — {escape(report.created_at)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Permanence evaluation</h1>",
        f"<p>{escape(report.created_at)} · target <code>{escape(report.target)}</code> · gold "
        f"<code>{escape(report.gold.path)}</code> ({report.gold.questions} questions, sha256 "
        f"<code>{escape(report.gold.sha256[:16])}</code>) · context metrics: "
        f"{escape(report.context_metrics)}</p>",
        "<h2>Headline</h2>",
        _metrics_table(overall, HEADLINE_METRICS),
    ]
    if "voice_language" in report.system.breakdowns:
        parts.append(_TYPED_ONLY)
    if changes is not None:
        parts.append(
            f"<h2>Changes since <code>{escape(compared_with or 'previous run')}</code></h2>"
        )
        parts.append(_changes(*changes))
    parts += [
        '<h2>Charts</h2><div class="charts">',
        grouped_bars(languages, bars_series, title="hit@3 by language"),
        histogram(
            latencies,
            title="System latency per question (p50 "
            f"{format_value(overall[SYSTEM].get('latency_p50_ms'))} ms, p95 "
            f"{format_value(overall[SYSTEM].get('latency_p95_ms'))} ms)",
        ),
        "</div><h2>Kinds: expected vs answered</h2>",
        _confusion(report.confusion),
    ]
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
    for breakdown, groups in report.system.breakdowns.items():
        if breakdown in ("voice_language", "voice_language_typed"):
            continue  # in the voice section, side by side
        columns = detail
        if any("wer" in values for values in groups.values()):
            columns = [*detail[:-2], "heard_language_match", "wer", *detail[-2:]]
        parts.append(f"<h2>System by {escape(breakdown)}</h2>")
        parts.append(_breakdown_table(groups, columns))
    if "voice_language" in report.system.breakdowns:
        parts.append(_voice_section(report))
    parts.append("<h2>Every miss</h2>")
    parts.append(_misses(report))
    if report.skipped:
        parts.append("<h2>Not measured</h2><ul>")
        parts += [f"<li>{escape(k)}: {escape(v)}</li>" for k, v in report.skipped.items()]
        parts.append("</ul>")
    notes = {n: r.notes for n, r in report.systems.items() if r.notes}
    if notes:
        parts.append("<h2>Baseline notes</h2><ul>")
        for name, values in notes.items():
            text = ", ".join(f"{k}={v}" for k, v in values.items())
            parts.append(f"<li>{escape(name)}: {escape(text)}</li>")
        parts.append("</ul>")
    parts.append(
        f'<p class="muted">{escape(SYSTEM)} = the assistant through its public interface.</p>'
    )
    parts.append("</body></html>")
    return "\n".join(parts)
