"""Render one ``bench.json`` into the README's performance section, between two markers.

The README quotes figures from exactly one ``make bench`` run, with its date and machine, so
that ratios between figures hold and anyone can tell how old they are. Everything between
``<!-- bench:start -->`` and ``<!-- bench:end -->`` is replaced; the rest of the README is
left byte for byte. A ``--quick`` run is refused: its sizes are not the ones the figures
name.

``python -m eval.bench.readme data/bench/bench.json README.md``
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "END",
    "START",
    "BenchReadmeError",
    "render_section",
    "replace_section",
    "update_readme_file",
]

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
REPRODUCE = "make bench && python -m eval.bench.readme data/bench/bench.json README.md"
REPRODUCE_ONE_GO = "python -m eval.bench --out data/bench --readme README.md"


class BenchReadmeError(ValueError):
    """The bench JSON or the README cannot be used; the message says what to do."""


def _get(figures: Mapping[str, object], path: str) -> object:
    value: object = figures
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def _number(value: object, digits: int = 0) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—"
    return f"{value:,.{digits}f}"


def _ms(value: object) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "—"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _skipped(section: object) -> str | None:
    if not isinstance(section, Mapping):
        return "not measured: the section is missing from bench.json"
    reason = section.get("skipped")
    return f"not measured: {reason}" if reason else None


def _errors(load: Mapping[str, object]) -> str:
    count = load.get("errors")
    kinds = load.get("error_kinds")
    text = f"{_number(count)} error{'s' if count != 1 else ''}"
    if isinstance(kinds, Mapping) and kinds:
        text += " (" + ", ".join(f"{k}: {v}" for k, v in kinds.items()) + ")"
    return text


def _crawl(figures: Mapping[str, object]) -> tuple[str, str]:
    section = figures.get("crawl")
    sites = _get(figures, "crawl.sites")
    label = "crawl of the local mirror" + (f" ({sites} sites)" if sites else "")
    label += ", full / unchanged re-crawl"
    if (reason := _skipped(section)) is not None:
        return label, reason
    full = _number(_get(figures, "crawl.full.pages_per_s"), 1)
    again = _number(_get(figures, "crawl.unchanged.pages_per_s"), 1)
    pages = _number(_get(figures, "crawl.full.pages"))
    return label, f"{full} / {again} pages/s ({pages} pages)"


def _index(figures: Mapping[str, object]) -> tuple[str, str]:
    section = figures.get("index_build")
    models = _get(figures, "environment.embed_models") or "?"
    if (reason := _skipped(section)) is not None:
        return f"index build (`{models}`)", reason
    label = (
        f"index build, cold ({_number(_get(figures, 'index_build.documents'))} records → "
        f"{_number(_get(figures, 'index_build.chunks'))} chunks, `{models}`)"
    )
    value = (
        f"{_number(_get(figures, 'index_build.chunks_per_s'), 1)} chunks/s "
        f"({_number(_get(figures, 'index_build.seconds'), 1)} s); unchanged re-run "
        f"{_number(_get(figures, 'index_build.unchanged_rerun_s'), 2)} s"
    )
    return label, value


def _latency(figures: Mapping[str, object], name: str, label: str) -> tuple[str, str]:
    """``label`` holds ``{chunks}``, filled with the measured collection size."""
    section = figures.get(name)
    full_label = label.format(chunks=_number(_get(figures, f"{name}.chunks")))
    if (reason := _skipped(section)) is not None:
        return full_label, reason
    value = (
        f"p50 {_ms(_get(figures, f'{name}.p50_ms'))}, p95 {_ms(_get(figures, f'{name}.p95_ms'))}"
    )
    queries = _get(figures, f"{name}.queries")
    if queries:
        value += f" over {_number(queries)} questions"
    warmup = _get(figures, f"{name}.warmup_queries")
    if warmup:
        value += f" (after {_number(warmup)} others, untimed)"
    if name == "query_latency_synthetic" and _get(figures, f"{name}.optimized") is False:
        value += " (HNSW not built)"
    return full_label, value


def _embedding(figures: Mapping[str, object]) -> tuple[str, str]:
    section = figures.get("question_embedding")
    label = "question embedding alone, per dense model"
    if (reason := _skipped(section)) is not None:
        return label, reason
    models = _get(figures, "question_embedding.models")
    if not isinstance(models, Mapping) or not models:
        return label, "not measured"
    parts = []
    for name, timing in models.items():  # model names may hold dots (st:<dir>): no _get here
        timing = timing if isinstance(timing, Mapping) else {}
        parts.append(f"{name} p50 {_ms(timing.get('p50_ms'))}, p95 {_ms(timing.get('p95_ms'))}")
    queries = _number(_get(figures, "question_embedding.queries"))
    return label, "; ".join(parts) + f" ({queries} questions)"


def _api(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    section = figures.get("api")
    if (reason := _skipped(section)) is not None:
        return [("`POST /v1/ask`", reason)]
    rows = []
    single = _get(figures, "api.single")
    if isinstance(single, Mapping):
        rows.append(
            (
                f"`POST /v1/ask`, one client ({_number(single.get('requests'))} requests)",
                f"p50 {_ms(single.get('p50_ms'))}, p95 {_ms(single.get('p95_ms'))}, "
                f"{_number(single.get('requests_per_s'), 1)} req/s, {_errors(single)}",
            )
        )
    loaded = _get(figures, "api.concurrent")
    if isinstance(loaded, Mapping):
        rows.append(
            (
                f"`POST /v1/ask`, {_number(loaded.get('clients'))} concurrent clients × "
                f"{_number(loaded.get('seconds'))} s",
                f"{_number(loaded.get('requests_per_s'), 1)} req/s "
                f"({_number(loaded.get('requests'))} requests), p50 {_ms(loaded.get('p50_ms'))}, "
                f"p95 {_ms(loaded.get('p95_ms'))}, {_errors(loaded)}",
            )
        )
    return rows


def _abuse(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    """One row, absent from the figures of benches that predate the section."""
    section = figures.get("abuse")
    if section is None:
        return []
    if (reason := _skipped(section)) is not None:
        return [("polite `POST /v1/ask` p95 beside one flooding client", reason)]
    quiet = _get(figures, "abuse.quiet.p95_ms")
    abused = _get(figures, "abuse.abused.p95_ms")
    statuses = _get(figures, "abuse.flood_statuses")
    flood = (
        ", ".join(f"{count} × {status}" for status, count in statuses.items())
        if isinstance(statuses, Mapping)
        else "?"
    )
    label = (
        f"polite `POST /v1/ask` p95, {_number(_get(figures, 'abuse.polite_clients'))} clients, "
        f"quiet → beside one client with "
        f"{_number(_get(figures, 'abuse.flood_connections'))} requests in flight"
    )
    return [
        (
            label,
            f"{_ms(quiet)} → {_ms(abused)} (× {_number(_get(figures, 'abuse.p95_ratio'), 2)}; "
            f"target ≤ 2), polite errors {_number(_get(figures, 'abuse.abused.errors'))}; "
            f"the flood got {flood} "
            f"({_number(_get(figures, 'abuse.flood_requests_per_s'), 1)} req/s)",
        )
    ]


def _voice(figures: Mapping[str, object]) -> tuple[str, str]:
    section = figures.get("voice")
    clips = _get(figures, "voice.clips")
    count = len(clips) if isinstance(clips, list) else 0
    label = "voice: Whisper base real-time factor" + (
        f" ({count} espeak-ng clips)" if count else ""
    )
    if (reason := _skipped(section)) is not None:
        return label, reason
    value = (
        f"mean {_number(_get(figures, 'voice.rtf.mean'), 2)}, "
        f"p50 {_number(_get(figures, 'voice.rtf.p50'), 2)}, "
        f"max {_number(_get(figures, 'voice.rtf.max'), 2)}; upload → answer p50 "
        f"{_ms(_get(figures, 'voice.upload_to_answer_ms.p50'))}"
    )
    wer = _get(figures, "voice.wer_by_language")
    if isinstance(wer, Mapping) and wer:
        value += "; WER " + ", ".join(f"{k} {_number(v, 2)}" for k, v in wer.items())
    return label, value


def _seconds(value: object) -> str:
    return f"{_number(value, 1)} s"


def _phone(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    """The hotline's time to first audio; no row for benches before it was measured."""
    phone = _get(figures, "voice.phone")
    if not isinstance(phone, Mapping):
        return []
    clips = phone.get("clips")
    count = len(clips) if isinstance(clips, list) else 0
    label = (
        f"hotline: end of the caller's recording → first byte of the answer's audio "
        f"({count} espeak-ng clips at 8 kHz, language chosen)"
    )
    first = _get(figures, "voice.phone.first_audio_ms")
    transcription = _get(figures, "voice.phone.transcription_ms.p50")
    length = _get(figures, "voice.phone.answer_audio_s")
    value = (
        f"p50 {_ms(_get(figures, 'voice.phone.first_audio_ms.p50'))}, "
        f"p95 {_ms(_get(figures, 'voice.phone.first_audio_ms.p95'))} "
        f"(target p50 < {_ms(_get(figures, 'voice.phone.target_p50_ms'))}); "
        f"of it Whisper p50 {_ms(transcription)}"
        if isinstance(first, Mapping)
        else "not measured"
    )
    if isinstance(length, Mapping):
        value += (
            f"; the answer it plays p50 {_seconds(length.get('p50'))}, "
            f"p95 {_seconds(length.get('p95'))}"
        )
    value += f"; read back first {_number(phone.get('read_back'))} of {count}"
    return [(label, value)]


def _spoken_answers(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    """How long the hotline talks before its offer; no row for benches before the section."""
    section = figures.get("spoken_answers")
    if section is None:
        return []
    label = "hotline: spoken answer before its offer (espeak-ng WAV)"
    if (reason := _skipped(section)) is not None:
        return [(label, reason)]
    per_language = _get(figures, "spoken_answers.per_language")
    label += f", {_number(_get(figures, 'spoken_answers.questions'))} dev answers"
    label += f" ({_number(per_language)} per language)" if per_language else ""
    parts = []
    for kind in ("orientation", "emergency"):
        body = _get(figures, f"spoken_answers.kinds.{kind}.body_s")
        if not isinstance(body, Mapping):
            continue
        over = _get(figures, f"spoken_answers.kinds.{kind}.over_budget")
        budget = _get(figures, f"spoken_answers.kinds.{kind}.budget_s")
        parts.append(
            f"{kind} p50 {_seconds(body.get('p50'))}, p95 {_seconds(body.get('p95'))}, "
            f"max {_seconds(body.get('max'))} ({_number(over)} over the {_number(budget)} s "
            "budget)"
        )
    error = _get(figures, "spoken_answers.kinds.orientation.estimate_abs_error_s.p95")
    value = "; ".join(parts) or "no answer measured"
    value += f"; estimate error p95 {_seconds(error)}"
    value += f"; unreadable {_number(_get(figures, 'spoken_answers.unreadable'))}"
    return [(label, value)]


def _recognition(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    """WER and spoken hit@3 per recognition lever; no row for benches before the section."""
    section = figures.get("recognition")
    if section is None:
        return []
    label = "recognition on telephone audio (8 kHz), WER / spoken hit@3 per condition"
    if (reason := _skipped(section)) is not None:
        return [(label, reason)]
    conditions = _get(figures, "recognition.by_condition")
    if not isinstance(conditions, Mapping) or not conditions:
        return [(label, "not measured")]
    label += f", {_number(_get(figures, 'recognition.questions'))} espeak-ng clips"
    parts = []
    for name, row in conditions.items():  # condition names hold "+": no _get needed
        row = row if isinstance(row, Mapping) else {}
        parts.append(f"{name} {_number(row.get('wer'), 2)} / {_number(row.get('hit@3'), 2)}")
    value = "; ".join(parts)
    hotline = conditions.get("forced+both")
    typed = hotline.get("typed_hit@3") if isinstance(hotline, Mapping) else None
    if isinstance(typed, int | float):
        value += f" (the same questions typed: hit@3 {_number(typed, 2)})"
    return [(label, value)]


def _memory(figures: Mapping[str, object]) -> list[tuple[str, str]]:
    api = _get(figures, "api.api_peak_rss_mib")
    server = _get(figures, "api.server")
    bench = _get(figures, "memory.bench_process_peak_rss_mib")
    api_label = (
        "peak memory, API process (`permanence serve`, voice off)"
        if server == "subprocess"
        else "peak memory, API process"
    )
    api_value = (
        f"{_number(api)} MiB"
        if isinstance(api, int | float)
        else "not measured: the API ran in the bench process"
    )
    return [
        (api_label, api_value),
        (
            "peak memory, bench process (index build, synthetic chunks, voice benchmark)",
            f"{_number(bench)} MiB" if isinstance(bench, int | float) else "not measured",
        ),
    ]


def _machine(environment: Mapping[str, object]) -> str:
    cpu = (
        environment.get("cpu_model")
        or f"{environment.get('machine', '?')} CPU (model not recorded)"
    )
    cores = environment.get("cpus")
    memory = environment.get("memory_gib")
    parts = [str(cpu), f"{cores} cores" if cores else "cores not recorded"]
    parts.append(f"{memory} GiB RAM" if memory else "RAM not recorded")
    if environment.get("system"):
        parts.append(str(environment["system"]))
    if environment.get("python"):
        parts.append(f"Python {environment['python']}")
    return ", ".join(parts)


def _load(environment: Mapping[str, object]) -> str:
    start, end = environment.get("load_average_start"), environment.get("load_average_end")
    if not isinstance(start, Sequence) or not start:
        return ""
    text = f" Load average (1 min) {start[0]} at the start"
    if isinstance(end, Sequence) and end:
        text += f", {end[0]} at the end"
    cores = environment.get("cpus")
    busy = isinstance(cores, int) and isinstance(start[0], int | float) and start[0] > cores
    return text + (": the machine was busy, so latencies are pessimistic." if busy else ".")


def render_section(figures: Mapping[str, object]) -> str:
    """The Markdown between the markers (markers excluded), ending with a newline.

    Raises:
        BenchReadmeError: the figures come from a ``--quick`` run or have no environment.
    """
    environment = figures.get("environment")
    if not isinstance(environment, Mapping) or not environment.get("date"):
        raise BenchReadmeError("bench.json has no environment.date; is it a `make bench` output?")
    if environment.get("mode") == "quick":
        raise BenchReadmeError(
            "these figures come from `python -m eval.bench --quick` (small sizes); "
            "run `make bench` and render its bench.json"
        )
    date = str(environment["date"]).replace("T", " ").replace("+00:00", " UTC")
    commit = f", commit `{environment['commit']}`" if environment.get("commit") else ""
    rows: list[tuple[str, str]] = [
        _crawl(figures),
        _index(figures),
        _latency(
            figures,
            "query_latency_corpus",
            "query latency at corpus size ({chunks} chunks), embedding + search + ranking",
        ),
        _embedding(figures),
        _latency(
            figures,
            "query_latency_synthetic",
            "query latency at {chunks} synthetic chunks (Qdrant Edge)",
        ),
        *_api(figures),
        *_abuse(figures),
        _voice(figures),
        *_phone(figures),
        *_spoken_answers(figures),
        *_recognition(figures),
        *_memory(figures),
    ]
    intro = (
        f"Speed, from one `make bench` run on {date}{commit}: {_machine(environment)}; "
        f"dense models `{environment.get('embed_models', '?')}`.{_load(environment)}"
    )
    lines = [
        "<!-- Generated from one bench.json by eval/bench/readme.py; edits are overwritten. -->",
        "",
        *textwrap.wrap(intro, width=100, break_on_hyphens=False, break_long_words=False),
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {label} | {value.replace('|', '/')} |" for label, value in rows),
        "",
        f"Reproduce: `{REPRODUCE}`",
        f"(or in one go: `{REPRODUCE_ONE_GO}`).",
    ]
    return "\n".join(lines) + "\n"


def replace_section(readme: str, section: str) -> str:
    """``readme`` with the text between the markers replaced by ``section``.

    Raises:
        BenchReadmeError: a marker is missing, repeated or out of order.
    """
    if readme.count(START) != 1 or readme.count(END) != 1:
        raise BenchReadmeError(
            f"the README must hold {START} and {END} exactly once each "
            f"(found {readme.count(START)} and {readme.count(END)}); add them around the "
            "performance figures"
        )
    head, rest = readme.split(START)
    if END not in rest:
        raise BenchReadmeError(f"{END} comes before {START} in the README; swap them")
    _, tail = rest.split(END)
    return f"{head}{START}\n{section}{END}{tail}"


def update_readme_file(readme: Path, figures: Mapping[str, object]) -> None:
    """Render ``figures`` into ``readme`` in place (written only when everything succeeded)."""
    text = readme.read_text(encoding="utf-8")
    readme.write_text(replace_section(text, render_section(figures)), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench.readme", description=__doc__)
    parser.add_argument("bench_json", type=Path, help="e.g. data/bench/bench.json")
    parser.add_argument("readme", type=Path, nargs="?", default=Path("README.md"))
    args = parser.parse_args(argv)
    try:
        figures = json.loads(args.bench_json.read_text(encoding="utf-8"))
        if not isinstance(figures, dict):
            raise BenchReadmeError(f"{args.bench_json} is not a JSON object")
        update_readme_file(args.readme, figures)
    except (OSError, json.JSONDecodeError, BenchReadmeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"updated the bench section of {args.readme} from {args.bench_json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
