"""Render a report as one self-contained HTML page that a person reads without the source.

Order of the page: headline metrics side by side with the baselines, per-language chart,
latency histogram, confusion of kinds, breakdown tables, the multi-turn figures beside their
standalone baseline (with ``--conversations``), then every miss with what was expected
and what came back, and last the definition of every metric shown. With a previous report, what
changed comes right after the headline. Every figure carries its n (the questions it was
computed over), every metric its human label from :mod:`eval.metric_definitions`, and the page
fits a 1,280 px screen and an A4 page: wide tables scroll on screen and wrap in print.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from eval.compare import MetricChange, QuestionChange, question_ok
from eval.html_conversations import conversations_section
from eval.html_parts import (
    PAGE_STYLE,
    anchor,
    confusion_table,
    figure,
    format_value,
    metric_link,
    metric_value,
    section,
    table,
)
from eval.metric_definitions import (
    BREAKDOWN_DESCRIPTIONS,
    METRIC_DEFINITIONS,
    N_DEFINITION,
    metric_label,
)
from eval.metrics import MetricSet, count_key, is_count_key
from eval.records import SYSTEM, Outcome
from eval.report import Report
from eval.speaking import SPEAKING_CONDITIONS
from eval.svg import grouped_bars, histogram
from eval.voice import VOICE_CHANNEL, text_id

__all__ = ["BASELINES_NOT_RUN", "HEADLINE_METRICS", "format_value", "render_html"]

HEADLINE_METRICS = (
    "hit@1",
    "hit@3",
    "mrr",
    "harmful_referrals",
    "citation_validity",
    "kind_accuracy",
    "emergency_recall",
    "emergency_precision",
    "emergency_false_alarm_rate",
    "emergency_follow_up",
    "out_of_scope_accuracy",
    "no_answer_rate",
    "no_answer_recall",
    "language_match",
    "language_purity",
    "answer_words_p50",
    "actionable_rate",
    "first_right_without_phone",
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

#: Sections the navigation links to: (id, title), in page order; absent ones are skipped.
_NAV = (
    ("headline", "Headline"),
    ("changes", "Changes"),
    ("charts", "Charts"),
    ("kinds", "Kinds"),
    ("breakdowns", "Breakdowns"),
    ("voice", "Voice channel"),
    ("conversations", "Conversations"),
    ("misses", "Every miss"),
    ("not-measured", "Not measured"),
    ("notes", "Baseline notes"),
    ("definitions", "Definitions"),
)


def _got(outcome: Outcome) -> str:
    """What came back: the error, or the answer kind and the ranked institutions."""
    return outcome.error or f"{outcome.kind}: {', '.join(outcome.ranked) or '—'}"


def _metrics_table(systems: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    names = list(systems)
    rows = []
    for metric in metrics:
        if all(metric not in systems[n] for n in names):
            continue
        cells = "".join(figure(systems[n], metric) for n in names)
        rows.append(
            f'<tr><th scope="row">{metric_link(metric)} <code>{escape(metric)}</code></th>'
            f"{cells}</tr>"
        )
    return table(["metric", *(escape(n) for n in names)], rows)


def _breakdown_table(groups: dict[str, MetricSet], metrics: Sequence[str]) -> str:
    rows = [
        f'<tr><th scope="row">{escape(group)}</th>'
        + "".join(figure(values, m) for m in metrics)
        + "</tr>"
        for group, values in groups.items()
    ]
    return table(["group", *(metric_link(m, header=True) for m in metrics)], rows)


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
    return f"<p>{len(rows)} of {len(report.questions)} questions.</p>" + table(header, rows)


def _voice_conditions(report: Report) -> str:
    """Spoken hit@3 and WER per speaking condition and language, typed hit@3 last: where the
    typed question is found and the spoken one is not, espeak-ng's voice or the line lost it."""
    by_condition = report.system.breakdowns.get("voice_condition", {})
    if not by_condition:
        return ""
    typed = report.system.breakdowns.get("voice_language_typed", {})
    order = list(SPEAKING_CONDITIONS)
    conditions = sorted(
        dict.fromkeys(key.split("/", 1)[0] for key in by_condition),
        key=lambda c: order.index(c) if c in order else len(order),
    )
    languages = [*sorted({key.split("/", 1)[1] for key in by_condition} - {"all"}), "all"]
    header = [
        "language",
        *(f"{escape(c)}: {metric_link('hit@3', header=True)} · WER" for c in conditions),
        f"typed {metric_link('hit@3', header=True)}",
    ]
    rows = []
    for language in languages:
        cells = []
        for condition in conditions:
            values = by_condition.get(f"{condition}/{language}", {})
            cells.append(
                f'<td class="n">{metric_value("hit@3", values.get("hit@3"))} · '
                f"{metric_value('wer', values.get('wer'))}</td>"
            )
        rows.append(
            f'<tr><th scope="row">{escape(language)}</th>{"".join(cells)}'
            f"{figure(typed.get(language, {}), 'hit@3', muted=True)}</tr>"
        )
    return (
        "<h3>By speaking condition</h3><p>The same questions read by espeak-ng under each "
        "condition (16k: browser WAV; phone: 8 kHz mu-law; -noise: pink noise about 17 dB "
        "below the speech and the telephone band; f3/m3: other voices; fast/slow: 175/130 "
        "words a minute).</p>" + table(header, rows)
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
    ]
    header = [
        "language",
        metric_link("questions", header=True),
        *(h for m in _VOICE_PAIRED for h in (f"{metric_link(m, header=True)} spoken", "typed")),
        *(metric_link(m, header=True) for m in _VOICE_ONLY),
    ]
    rows = []
    for language, values in spoken.items():
        same = typed.get(language, {})
        rows.append(
            f'<tr><th scope="row">{escape(language)}</th>'
            f'<td class="n">{format_value(values.get("questions"))}</td>'
            + "".join(figure(values, m) + figure(same, m, muted=True) for m in _VOICE_PAIRED)
            + "".join(figure(values, m) for m in _VOICE_ONLY)
            + "</tr>"
        )
    parts.append(table(header, rows))
    parts.append(_voice_conditions(report))
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
            f'<td class="n">{metric_value("wer", outcome.wer)}</td>'
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
    parts.append(table(miss_header, misses))
    return "".join(parts)


def _changes(
    metric_changes: Sequence[MetricChange], question_changes: Sequence[QuestionChange]
) -> str:
    rows = [
        f"<tr><td>{escape(change.system)}</td>"
        f"<td>{metric_link(change.metric)} <code>{escape(change.metric)}</code></td>"
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
    return table(["system", "metric", "before", "now", ""], rows) + table(
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
            f'<div><dt id="{anchor(metric)}">{escape(metric_label(metric))} '
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
    sections = {"headline": section("headline", headline)}
    if changes is not None:
        sections["changes"] = section(
            "changes",
            [
                f"<h2>Changes since <code>{escape(compared_with or 'previous run')}</code></h2>",
                _changes(*changes),
            ],
        )
    sections["charts"] = section("charts", [_charts(report)])
    sections["kinds"] = section(
        "kinds", ["<h2>Kinds: expected vs answered</h2>", confusion_table(report.confusion)]
    )
    detail = [
        "hit@1",
        "hit@3",
        "mrr",
        "kind_accuracy",
        "emergency_recall",
        "out_of_scope_accuracy",
        "language_purity",
        "citation_validity",
        "latency_p95_ms",
        "questions",
    ]
    if "faithfulness" in report.system.overall:
        detail[-2:-2] = ["faithfulness", "answer_relevancy"]
    breakdowns = []
    for breakdown, groups in report.system.breakdowns.items():
        if breakdown in ("voice_language", "voice_language_typed", "voice_condition"):
            continue  # in the voice section, side by side
        columns = detail
        if breakdown == "role":  # harm is counted by role; latency says nothing there
            columns = ["harmful_referrals" if c == "latency_p95_ms" else c for c in detail]
        if any("wer" in values for values in groups.values()):
            columns = [*detail[:-2], "heard_language_match", "wer", *detail[-2:]]
        breakdowns.append(f"<h2>System by {escape(breakdown)}</h2>")
        if breakdown in BREAKDOWN_DESCRIPTIONS:
            breakdowns.append(f'<p class="muted">{escape(BREAKDOWN_DESCRIPTIONS[breakdown])}</p>')
        breakdowns.append(_breakdown_table(groups, columns))
    sections["breakdowns"] = section("breakdowns", breakdowns)
    if "voice_language" in report.system.breakdowns:
        sections["voice"] = section("voice", [_voice_section(report)])
    if report.conversations is not None:
        sections["conversations"] = section(
            "conversations", [conversations_section(report.conversations)]
        )
    sections["misses"] = section("misses", ["<h2>Every miss</h2>", _misses(report)])
    if report.skipped:
        sections["not-measured"] = section(
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
        sections["notes"] = section("notes", ["<h2>Baseline notes</h2><ul>", *items, "</ul>"])
    sections["definitions"] = section("definitions", [_definitions(report)])
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Permanence evaluation — {escape(report.created_at)}</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
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
