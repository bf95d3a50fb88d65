"""``permanence eval``: run the gold questions, write report.json and report.html, print a summary.

Heavy imports stay inside the handler (the dispatcher builds every parser at start-up).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from eval.conversation_cli import (
    add_conversation_arguments,
    conversation_split,
    conversations_problem,
    print_conversations,
    run_for_report,
)
from eval.speaking import DEFAULT_CONDITION, SPEAKING_CONDITIONS, parse_conditions

if TYPE_CHECKING:
    from rich.console import Console

    from eval.compare import MetricChange, QuestionChange
    from eval.report import Report
    from eval.session import BaselineChoice

__all__ = ["register"]

#: Environment variable holding the bearer token for professional questions over HTTP.
PRO_TOKEN_ENV = "PERMANENCE_EVAL_PRO_TOKEN"
#: Questions of the CI gate subset (eval/floors.json records the size it was measured with).
GATE_SUBSET = 60

_SUMMARY = (
    "hit@1",
    "hit@3",
    "mrr",
    "citation_validity",
    "kind_accuracy",
    "emergency_recall",
    "emergency_precision",
    "emergency_false_alarm_rate",
    "emergency_follow_up",
    "out_of_scope_accuracy",
    "no_answer_rate",
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
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="Evaluate the assistant on a gold set (metrics, baselines, HTML report).",
        description="Runs every gold question through the assistant's public interface and "
        "writes DIR/report.json and DIR/report.html. Definitions: docs/evaluation.md.",
    )
    parser.add_argument("--gold", type=Path, default=Path("corpora/gold/dev.jsonl"))
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--url", default=None, help="Evaluate a running API (POST URL/v1/ask).")
    where.add_argument(
        "--in-process", action="store_true", help="Evaluate the code of this checkout (default)."
    )
    parser.add_argument(
        "--pro-token-env",
        default=PRO_TOKEN_ENV,
        help=f"Variable holding the bearer token for professional questions ({PRO_TOKEN_ENV}).",
    )
    parser.add_argument("--out", type=Path, default=Path("data/eval"), help="Report directory.")
    parser.add_argument(
        "--baselines",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="--baselines: also BM25, each dense model alone and llama-index (needs the eval "
        "extra). Default: BM25 and dense alone when the index is in this process (a few "
        "seconds); none against --url. --no-baselines: none.",
    )
    parser.add_argument("--compare", type=Path, default=None, help="A previous report.json.")
    parser.add_argument("--limit", type=int, default=None, help="Only the first N questions.")
    parser.add_argument("--languages", default="", help="Comma-separated, e.g. fr,de.")
    parser.add_argument(
        "--no-ragas", action="store_true", help="Score context metrics with rapidfuzz directly."
    )
    voice = parser.add_argument_group("voice channel (espeak-ng → POST /v1/voice → Whisper)")
    voice.add_argument(
        "--voice",
        type=int,
        default=0,
        metavar="N",
        help="Also ask N questions per language aloud (all languages but Tigrinya; "
        "~3-10 s each on 2 cores). Default 0: text only.",
    )
    voice.add_argument(
        "--voice-audio",
        type=_conditions,
        default=(DEFAULT_CONDITION,),
        metavar="CONDITIONS",
        help="Speaking conditions, comma-separated: "
        + ", ".join(SPEAKING_CONDITIONS)
        + " (16k: browser-like WAV; phone: 8 kHz mu-law; -noise: line noise and the telephone "
        "band; f3/m3: other espeak-ng voices; fast/slow: 175/130 words a minute). Each spoken "
        "question is asked under each. Default 16k.",
    )
    voice.add_argument(
        "--voice-language-hint",
        action="store_true",
        help="Send the gold language with each recording (as a phone menu would) instead of "
        "letting Whisper identify it.",
    )
    judge = parser.add_argument_group(
        "LLM judge (faithfulness, answer relevancy; default PERMANENCE_LLM_BASE_URL/_MODEL)"
    )
    judge.add_argument(
        "--judge-url",
        default=None,
        help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1",
    )
    judge.add_argument("--judge-model", default=None, help="Model name the judge is asked with.")
    judge.add_argument(
        "--no-judge", action="store_true", help="Skip the LLM-judged metrics even if configured."
    )
    add_conversation_arguments(parser)
    gate = parser.add_argument_group("eval gate (eval/floors.json)")
    gate.add_argument(
        "--gate",
        nargs="?",
        const="eval/floors.json",
        default=None,
        metavar="FLOORS",
        help=f"Run the {GATE_SUBSET}-question CI subset and check it against the floors.",
    )
    gate.add_argument("--update-floors", action="store_true", help="Write floors from this run.")
    gate.add_argument("--allow-lower", action="store_true", help="Permit lowering a floor.")
    parser.set_defaults(handler=_run_eval)


def _conditions(value: str) -> tuple[str, ...]:
    """``--voice-audio``: the speaking conditions, or argparse's error naming the choices."""
    try:
        return parse_conditions(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _run_eval(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

    from eval.compare import compare_reports
    from eval.html_report import render_html
    from eval.judge import judge_config
    from eval.report import read_report, write_report
    from eval.session import EvalOptions, questions_for, run_eval, unanswerable_here
    from permanence.settings import get_settings

    console = Console()
    if args.limit is not None and args.limit < 1:
        console.print(f"error: --limit {args.limit} must be at least 1")
        return 2
    if not 0 <= args.voice <= 50:
        console.print(f"error: --voice {args.voice} must be 0 to 50 questions per language")
        return 2
    if (args.update_floors or args.allow_lower) and args.gate is None:
        console.print("error: --update-floors and --allow-lower go with --gate")
        return 2
    split = conversation_split(args)
    problem = conversations_problem(args.conversations_gold, split) if split else None
    if problem:
        console.print(f"error: {problem}", markup=False)
        return 2
    baselines = _baseline_choice(args)
    missing = _missing_extra(baselines)
    if missing:
        console.print(f"error: {missing}", markup=False)
        return 2
    old = read_report(args.compare) if args.compare else None
    options = EvalOptions(
        gold=args.gold,
        url=args.url,
        pro_token=os.environ.get(args.pro_token_env) or None,
        baselines=baselines,
        limit=args.limit,
        languages=tuple(x.strip() for x in args.languages.split(",") if x.strip()),
        subset=GATE_SUBSET if args.gate is not None else None,
        prefer_ragas=not args.no_ragas,
        judge_url=args.judge_url,
        judge_model=args.judge_model,
        no_judge=args.no_judge,
        voice_per_language=args.voice,
        voice_audio=args.voice_audio,
        voice_language_hint=args.voice_language_hint,
    )
    settings = get_settings()
    if args.no_judge and (args.judge_url or args.judge_model):
        console.print("error: --no-judge cannot go with --judge-url or --judge-model")
        return 2
    if args.judge_model and not (args.judge_url or settings.llm.base_url):
        console.print(
            "error: --judge-model needs an endpoint: "
            "pass --judge-url or set PERMANENCE_LLM_BASE_URL"
        )
        return 2
    try:
        judge_config(settings, url=args.judge_url, model=args.judge_model)
    except ValueError as exc:
        console.print(f"error: {exc}")
        return 2
    left_out = unanswerable_here(questions_for(options), options)
    if left_out:
        console.print(
            f"note: {len(left_out)} professional questions are left out: {args.url} answers them "
            f"only with a token (set {args.pro_token_env}; `make demo` prints one)"
        )
    if baselines == "none" and args.baselines is None:
        console.print(
            "note: no baselines against a server (they need the local index in this "
            "process; run without --url, or with --baselines)"
        )
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def _progress(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        report = run_eval(settings, options, progress=_progress)
    if split is not None:
        with console.status(f"conversations ({split}): turn by turn, then each turn alone"):
            report = report.model_copy(
                update={"conversations": run_for_report(settings, split, options.pro_token, args)}
            )
    changes = compare_reports(old, report) if old is not None else None
    write_report(report, args.out / "report.json")
    html = render_html(report, changes=changes, compared_with=str(args.compare) if old else None)
    (args.out / "report.html").write_text(html, encoding="utf-8")
    _print_summary(console, report, changes)
    if report.conversations is not None:
        print_conversations(console, report.conversations)
    console.print(f"wrote {args.out / 'report.json'} and {args.out / 'report.html'}")
    if args.gate is not None:
        return _gate(console, Path(args.gate), report, ",".join(settings.embed_models), args)
    return 0


def _baseline_choice(args: argparse.Namespace) -> BaselineChoice:
    """What ``--baselines`` / ``--no-baselines`` / neither mean for this run."""
    if args.baselines is None:
        return "none" if args.url else "cheap"
    return "all" if args.baselines else "none"


def _missing_extra(baselines: BaselineChoice) -> str | None:
    """One line saying how to install what the run needs, before any question is asked."""
    import importlib.util

    if baselines == "all" and importlib.util.find_spec("llama_index") is None:
        return (
            "--baselines needs the evaluation extra (llama-index): "
            ".venv/bin/pip install -c requirements/lock.txt -e '.[eval]'  (make eval does it)"
        )
    return None


def _print_summary(
    console: Console,
    report: Report,
    changes: tuple[Sequence[MetricChange], Sequence[QuestionChange]] | None,
) -> None:
    from rich.table import Table

    from eval.html_report import format_value

    table = Table(title=f"{report.gold.path}: {report.gold.questions} questions ({report.target})")
    table.add_column("metric")
    for name in report.systems:
        table.add_column(name, justify="right")
    for metric in _SUMMARY:
        row = [report.systems[n].overall.get(metric) for n in report.systems]
        if all(v is None for v in row) and metric not in report.system.overall:
            continue
        table.add_row(metric, *(format_value(v) for v in row))
    console.print(table)
    languages = report.system.breakdowns.get("language", {})
    by_language = Table(title="system by language")
    for column in ("language", "n", "hit@1", "hit@3", "mrr", "kind_accuracy", "language_match"):
        by_language.add_column(column, justify="right" if column != "language" else "left")
    for language, values in languages.items():
        by_language.add_row(
            language,
            format_value(values.get("questions")),
            *(
                format_value(values.get(m))
                for m in ("hit@1", "hit@3", "mrr", "kind_accuracy", "language_match")
            ),
        )
    console.print(by_language)
    _print_voice(console, report)
    if changes is not None:
        metric_changes, question_changes = changes
        moved = [c for c in metric_changes if c.verdict in ("better", "worse")]
        for change in moved:
            style = "green" if change.verdict == "better" else "red"
            console.print(
                f"[{style}]{change.verdict:6}[/] {change.system} {change.metric}: "
                f"{format_value(change.old)} → {format_value(change.new)}"
            )
        console.print(f"{len(question_changes)} questions changed verdict (see report.html)")


def _print_voice(console: Console, report: Report) -> None:
    """Spoken vs typed, language by language, when the run had a voice channel."""
    from rich.table import Table

    from eval.html_report import format_value

    spoken = report.system.breakdowns.get("voice_language", {})
    if not spoken:
        return
    typed = report.system.breakdowns.get("voice_language_typed", {})
    table = Table(title="voice channel: spoken (typed) by language")
    for column in ("language", "n", "hit@3", "kind_accuracy", "language_match", "wer", "p50 ms"):
        table.add_column(column, justify="right" if column != "language" else "left")
    for language, values in spoken.items():
        same = typed.get(language, {})
        table.add_row(
            language,
            format_value(values.get("questions")),
            *(
                f"{format_value(values.get(m))} ({format_value(same.get(m))})"
                for m in ("hit@3", "kind_accuracy", "language_match")
            ),
            f"{wer:.3f}" if isinstance(wer := values.get("wer"), float) else "—",
            format_value(values.get("latency_p50_ms")),
        )
    console.print(table)
    conditions = report.system.breakdowns.get("voice_condition", {})
    if conditions:
        by_condition = Table(title="voice channel: spoken hit@3 · WER by speaking condition")
        for column in ("condition / language", "n", "hit@3", "wer"):
            by_condition.add_column(column, justify="left" if column.startswith("c") else "right")
        for key, values in conditions.items():
            by_condition.add_row(
                key,
                format_value(values.get("questions")),
                format_value(values.get("hit@3")),
                f"{wer:.3f}" if isinstance(wer := values.get("wer"), float) else "—",
            )
        console.print(by_condition)


def _gate(
    console: Console, floors_path: Path, report: Report, embed_models: str, args: argparse.Namespace
) -> int:
    from eval.gate import check_gate, read_floors, updated_floors, write_floors

    if args.update_floors:
        current = read_floors(floors_path) if floors_path.exists() else None
        floors = updated_floors(
            current,
            report.system.overall,
            gold=str(args.gold),
            subset_size=GATE_SUBSET,
            sha256=report.gold.sha256,
            embed_models=embed_models,
            allow_lower=args.allow_lower,
        )
        write_floors(floors, floors_path)
        console.print(f"wrote floors to {floors_path}: {floors.floors}")
        return 0
    result = check_gate(read_floors(floors_path), report.system.overall, report.gold.sha256)
    for line in result.lines:
        console.print(line)
    for failure in result.failures:
        console.print(f"[red]gate: {failure}[/]")
    return 0 if result.passed else 1
