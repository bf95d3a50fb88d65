"""The HTML report as an evaluator reads it: labels and definitions, every figure's n, visible
zero bars, the baselines note, and a real browser showing the page without sideways scrolling
at 1,280 px and on an A4 page.

The wide report below has what makes the page wide in a real run: five systems with long
names, thirteen languages, spoken questions, LLM-judged columns and long questions and ids.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.compare import compare_reports
from eval.context_metrics import FuzzScorer
from eval.gold import GoldQuestion
from eval.html_report import BASELINES_NOT_RUN, HEADLINE_METRICS, render_html
from eval.metric_definitions import METRIC_DEFINITIONS
from eval.metrics import JUDGED_METRICS, compute_metrics, count_key, is_count_key
from eval.records import Outcome
from eval.report import Report
from eval.runner import JUDGED_SKIP_KEY, evaluate
from eval.svg import ZERO_BAR_HEIGHT, grouped_bars, histogram
from eval.voice import select_voice_questions
from tests.eval.scripted import Scripted

LANGUAGES = ("fr", "de", "en", "it", "es", "pt", "sq", "tr", "ar", "fa", "ru", "uk", "ti")
LONG_ID = "guichet-social-regional-des-montagnes-neuchateloises-la-chaux-de-fonds"
BASELINES = ("bm25", "dense:use-m3", "dense:e5-small-q4", "llama-index")


def _questions() -> list[GoldQuestion]:
    questions = []
    for lang in LANGUAGES:
        questions += [
            GoldQuestion(
                id=f"{lang}-rent",
                question=(
                    f"[{lang}] Je n'arrive plus à payer mon loyer depuis que j'ai perdu mon "
                    "emploi le mois dernier et la régie menace de résilier le bail, que faire ?"
                ),
                language=lang,
                kind="orientation",
                acceptable=(LONG_ID, "caritas-neuchatel"),
                category="logement_dettes",
                reference_contexts=("Le guichet social régional reçoit les demandes d'aide.",),
            ),
            GoldQuestion(
                id=f"{lang}-hit",
                question=f"[{lang}] Mon mari me frappe",
                language=lang,
                kind="emergency",
                acceptable=("urgence-117",),
                category="violence_victimes",
            ),
            GoldQuestion(
                id=f"{lang}-weather",
                question=f"[{lang}] Quel temps fera-t-il demain ?",
                language=lang,
                kind="out_of_scope",
            ),
        ]
    return questions


def _system_outcome(question: GoldQuestion) -> Outcome:
    """Right everywhere but Tigrinya (hit@3 = 0, a zero bar) and one out-of-scope question."""
    wrong = question.language == "ti"
    if question.kind == "out_of_scope":
        kind = "orientation" if question.language == "de" else "out_of_scope"
        return Outcome(id=question.id, kind=kind, language=question.language, latency_ms=9.0)
    ranked = ("office-protection-enfant", "caritas-jura") if wrong else question.acceptable
    return Outcome(
        id=question.id,
        ranked=(*ranked, "centre-social-protestant-neuchatel"),
        kind="orientation" if wrong else question.kind,
        language=question.language,
        answer="Le guichet social régional reçoit les demandes d'aide [1].",
        contexts=("Le guichet social régional reçoit les demandes d'aide.",),
        context_ids=ranked[:1],
        citation_valid=True,
        latency_ms=20.0 + 7 * len(question.id),
    )


def _baseline_outcome(question: GoldQuestion, index: int) -> Outcome:
    """French right, every other language wrong: zero bars for most languages."""
    ranked = question.acceptable if question.language == "fr" else ("caritas-jura",)
    return Outcome(id=question.id, ranked=ranked, latency_ms=1.0 + index)


def _spoken_outcome(question: GoldQuestion) -> Outcome:
    heard_right = question.language in ("en", "es")
    return Outcome(
        id=question.id,
        ranked=question.acceptable if heard_right else ("caritas-jura",),
        kind=question.kind if heard_right else "no_answer",
        language=question.language if heard_right else "en",
        latency_ms=1800.0,
        transcript="je narrive plus a payer mon loyer" if heard_right else "the nervous loyal pay",
        heard_language=question.language if heard_right else "en",
        audio_s=4.0,
        wer=0.1 if heard_right else 1.25,
    )


def _with_judged(report: Report) -> Report:
    """Judged columns as a run with a judge has them (the judge itself is tested elsewhere)."""
    for values in [
        report.system.overall,
        *(v for groups in report.system.breakdowns.values() for v in groups.values()),
    ]:
        for name in JUDGED_METRICS:
            values[name] = 0.875
            values[count_key(name)] = 8
    del report.skipped[JUDGED_SKIP_KEY]
    return report


def wide_report(*, baselines: bool = True) -> Report:
    questions = _questions()
    spoken = select_voice_questions(questions, 1)
    return _with_judged(
        evaluate(
            questions,
            system=Scripted("system", {q.id: _system_outcome(q) for q in questions}),
            baselines=[
                Scripted(name, {q.id: _baseline_outcome(q, i) for q in questions})
                for i, name in enumerate(BASELINES if baselines else ())
            ],
            voice=Scripted("voice", {q.id: _spoken_outcome(q) for q in spoken}),
            spoken=spoken,
            scorer=FuzzScorer(),
            gold_path="corpora/gold/dev.jsonl",
            target="in-process",
            environment={"voice": "espeak-ng → 16 kHz WAV → POST /v1/voice (Whisper base)"},
        )
    )


def _headline(html: str) -> str:
    start = html.index('<section id="headline">')
    return html[start : html.index("</section>", start)]


def _headline_metrics(html: str) -> list[str]:
    return re.findall(r'<tr><th scope="row">.*?<code>([^<]+)</code></th>', _headline(html))


# ---- definitions ------------------------------------------------------------------------


@pytest.mark.unit
def test_every_metric_the_suite_computes_has_a_label_and_a_definition() -> None:
    questions = _questions()
    spoken = select_voice_questions(questions, 1)
    outcomes = {q.id: _system_outcome(q) for q in questions}
    outcomes |= {q.id: _spoken_outcome(q) for q in spoken}
    scores: dict[str, dict[str, float | None]] = {
        q.id: dict.fromkeys(("context_precision", *JUDGED_METRICS), 0.5) for q in questions
    }
    computed = compute_metrics([*questions, *spoken], outcomes, context_scores=scores)
    names = {k for k in computed if not is_count_key(k)} | set(HEADLINE_METRICS)
    assert names - set(METRIC_DEFINITIONS) == set()
    for name in names:
        definition = METRIC_DEFINITIONS[name]
        assert definition.label and definition.label != name
        assert definition.definition.endswith(".") and len(definition.definition) > 40


@pytest.mark.unit
def test_headline_shows_labels_code_names_and_links_to_definitions() -> None:
    html = render_html(wide_report())
    shown = _headline_metrics(html)
    assert shown[:3] == ["hit@1", "hit@3", "mrr"]
    assert {"faithfulness", "answer_relevancy", "errors", "questions"} <= set(shown)
    assert '<section id="definitions"><h2>Definitions</h2><dl>' in html
    for metric in shown:
        entry = METRIC_DEFINITIONS[metric]
        anchor = "def-" + re.sub(r"[^a-z0-9]+", "-", metric).strip("-")
        assert f'<a href="#{anchor}" title="{metric}: ' in _headline(html)
        assert f">{entry.label}</a> <code>{metric}</code></th>" in _headline(html)
        dt = f'<dt id="{anchor}">{entry.label} <code>{metric}</code></dt>'
        assert f"{dt}<dd>{entry.definition}</dd>" in html.replace("&#x27;", "'")
    assert "share of retrieval questions with an acceptable institution among the first " in (
        html.lower()
    )


@pytest.mark.unit
def test_breakdowns_and_voice_tables_use_labels_too() -> None:
    html = render_html(wide_report())
    assert "<h2>System by language_group</h2>" in html
    assert "French questions and all other languages" in html
    for metric in ("kind_accuracy", "wer", "heard_language_match", "latency_p95_ms"):
        entry = METRIC_DEFINITIONS[metric]
        assert f'title="{metric}: ' in html  # the code name and definition as a tooltip
        assert f">{entry.header}</a></th>" in html  # a short header where columns are many
    assert ">Kind accuracy</a></th>" in html and ">WER</a></th>" in html
    assert "<dt>n</dt>" in html


# ---- n ------------------------------------------------------------------------------------


@pytest.mark.unit
def test_every_figure_shows_the_questions_it_was_computed_over() -> None:
    report = wide_report()
    html = render_html(report)
    headline = _headline(html)
    # 13 languages x 2 retrieval questions; 39 typed questions, all answered
    assert '<td class="n">0.923<span class="of">n=26</span></td>' in headline  # hit@3
    assert '<td class="n">0.949<span class="of">n=39</span></td>' in headline  # kind accuracy
    assert 'emergency_recall</code></th><td class="n">0.923<span class="of">n=13<' in headline
    assert 'emergency_precision</code></th><td class="n">1.000<span class="of">n=12<' in (headline)
    assert report.systems["bm25"].overall["n:hit@3"] == 26
    rows = re.findall(r'<tr><th scope="row">.*?</tr>', headline)
    assert len(rows) == len(_headline_metrics(html))
    for row in rows:
        if "<code>questions</code>" in row:
            continue  # a count: it is its own n
        figures = re.findall(r'<td class="n">([^<]+)(<span class="of">n=\d+</span>)?</td>', row)
        assert figures and all(n for value, n in figures if value != "—"), row
        assert figures[0][1], row  # the system measures every headline metric
    de = '<tr><th scope="row">de</th><td class="n">1.000<span class="of">n=2</span></td>'
    assert de in html  # System by language: hit@1 of the two German retrieval questions
    assert "n=0</span>" in html  # no_answer: no question expects it, shown as — with n=0
    assert "hit@3 by language (n = retrieval questions)" in html
    assert "System latency per question (n=39," in html


@pytest.mark.unit
def test_a_report_without_counts_still_renders() -> None:
    """A report.json written before the counts existed shows its figures without n."""
    report = wide_report()
    for result in report.systems.values():
        for values in [
            result.overall,
            *(v for g in result.breakdowns.values() for v in g.values()),
        ]:
            for key in [k for k in values if is_count_key(k)]:
                del values[key]
    html = render_html(report)
    assert '<span class="of">' not in html
    assert '<td class="n">0.923</td>' in _headline(html)


@pytest.mark.unit
def test_counts_are_not_compared_as_metrics() -> None:
    old, new = wide_report(), wide_report()
    new.system.overall["n:hit@3"] = 99
    metrics, _ = compare_reports(old, new)
    assert not [c for c in metrics if is_count_key(c.metric)]
    assert {c.metric for c in metrics} >= {"hit@3", "errors", "questions"}


# ---- charts -------------------------------------------------------------------------------


def _bars(values: list[float | None]) -> str:
    return grouped_bars(["fr", "de", "ti"], {"system": values}, title="t", notes=["n=3"] * 3)


@pytest.mark.unit
def test_a_zero_bar_is_drawn_and_labelled() -> None:
    svg = _bars([0.5, 0.0, None])
    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)" fill="#1f6f8b">', svg)]
    assert heights == [pytest.approx(72.0), ZERO_BAR_HEIGHT]  # the None draws no bar
    labels = re.findall(r'transform="rotate\(-90[^"]*"[^>]*>([^<]+)</text>', svg)
    assert labels == ["0.50", "0", "n/a"]
    assert svg.count(">n=3</text>") == 3
    assert 'viewBox="0 0 ' in svg


@pytest.mark.unit
def test_report_chart_has_a_zero_bar_for_a_language_with_no_hit() -> None:
    html = render_html(wide_report())
    assert f'height="{ZERO_BAR_HEIGHT:.1f}" fill="#1f6f8b"><title>system ti: 0.000</title>' in html
    assert "<title>bm25 de: 0.000</title>" in html


@pytest.mark.unit
def test_histogram_writes_its_counts_and_scales() -> None:
    svg = histogram([5.0, 5.0, 15.0], title="latency", bins=2)
    assert 'viewBox="0 0 520 210"' in svg
    assert re.findall(
        r'font-size="9" text-anchor="middle" font-family="sans-serif">(\d+)<', svg
    ) == [
        "2",
        "1",
    ]


# ---- baselines ----------------------------------------------------------------------------


@pytest.mark.unit
def test_a_report_without_baselines_says_how_to_run_them() -> None:
    assert BASELINES_NOT_RUN in render_html(wide_report(baselines=False))
    assert BASELINES_NOT_RUN not in render_html(wide_report())
    assert "permanence eval --baselines" in BASELINES_NOT_RUN


@pytest.mark.unit
def test_page_is_self_contained_and_printable() -> None:
    html = render_html(wide_report())
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html
    assert "@media print{" in html and "break-inside:avoid" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


# ---- in a real browser --------------------------------------------------------------------

#: A4 landscape (297 mm, the page's ``@page`` size) less its 12 mm margins, in CSS px (96/inch).
A4_CONTENT_PX = round((297 - 2 * 12) / 25.4 * 96)

_OVERFLOW = """
const root = document.documentElement;
const wide = [...document.querySelectorAll('table, svg, p, h1, h2, dl')]
  .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
  .map(el => el.tagName + ' ' + Math.round(el.getBoundingClientRect().right));
const scrolled = [...document.querySelectorAll('.scroll')]
  .filter(d => d.scrollWidth > d.clientWidth + 1)
  .map(d => d.closest('section').id + ' ' + d.scrollWidth + ' > ' + d.clientWidth);
return {page: root.scrollWidth, viewport: root.clientWidth, wide: wide.slice(0, 5), scrolled};
"""


@pytest.fixture
def report_page(tmp_path: Path) -> Path:
    from tests.frontend.browser import CHROMEDRIVER, CHROMIUM

    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        pytest.skip(f"{CHROMIUM} or {CHROMEDRIVER} is missing (`make setup` installs them)")
    page = tmp_path / "report.html"
    page.write_text(render_html(wide_report()), encoding="utf-8")
    return page


@pytest.mark.integration
def test_report_fits_1280_px_and_an_a4_page_in_chromium(report_page: Path, tmp_path: Path) -> None:
    """No sideways scrolling of the page or of any table on a 1,280 x 800 laptop screen, no
    serious accessibility problem, and in print (A4 landscape) nothing wider than the page.
    Screenshots: test-artifacts/screenshots/eval-report-{1280,print}.png."""
    from tests.frontend.browser import AXE_PATH, axe_violations, chromium, screenshot

    with chromium(tmp_path / "profile", width=1280, height=800) as driver:
        driver.get(report_page.as_uri())
        screen = driver.execute_script(_OVERFLOW)
        assert screen["viewport"] >= 1200  # the window really is 1,280 px wide
        assert screen["page"] <= screen["viewport"], screen
        assert screen["wide"] == [] and screen["scrolled"] == [], screen
        screenshot(driver, "eval-report-1280", full_page=True)
        if AXE_PATH.exists():
            assert axe_violations(driver) == []
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": A4_CONTENT_PX, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        printed = driver.execute_script(_OVERFLOW)
        assert A4_CONTENT_PX - 20 <= printed["viewport"] <= A4_CONTENT_PX  # less a scrollbar
        assert printed["page"] <= printed["viewport"], printed
        assert printed["wide"] == [], printed
        screenshot(driver, "eval-report-print", full_page=True)
