"""The README's bench section is rendered from one bench.json, between its markers only."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from eval.bench.readme import END, START, BenchReadmeError, main, render_section, replace_section
from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

FIGURES: dict[str, object] = {
    "environment": {
        "date": "2026-11-22T06:30:00+00:00",
        "mode": "full",
        "commit": "abc1234",
        "machine": "x86_64",
        "cpu_model": "AMD EPYC 7B13",
        "system": "Linux 6.1",
        "cpus": 2,
        "memory_gib": 23.4,
        "python": "3.11.7",
        "load_average_start": [0.4, 0.3, 0.2],
        "load_average_end": [1.9, 1.5, 1.0],
        "embed_models": "use,e5",
    },
    "crawl": {
        "sites": 13,
        "full": {"pages": 352, "pages_per_s": 33.21},
        "unchanged": {"pages": 354, "pages_per_s": 127.6},
    },
    "index_build": {
        "documents": 185,
        "chunks": 314,
        "seconds": 112.4,
        "chunks_per_s": 2.79,
        "unchanged_rerun_s": 0.062,
    },
    "query_latency_corpus": {"chunks": 314, "queries": 100, "p50_ms": 50.47, "p95_ms": 93.0},
    "question_embedding": {
        "queries": 100,
        "models": {
            "use-m3": {"p50_ms": 3.9, "p95_ms": 5.2},
            "e5-small-q4": {"p50_ms": 10.4, "p95_ms": 14.1},
        },
    },
    "query_latency_synthetic": {
        "chunks": 100000,
        "queries": 100,
        "warmup_queries": 50,
        "optimized": True,
        "p50_ms": 46.42,
        "p95_ms": 58.1,
    },
    "api": {
        "server": "subprocess",
        "single": {
            "requests": 100,
            "errors": 0,
            "error_kinds": {},
            "requests_per_s": 22.25,
            "p50_ms": 44.3,
            "p95_ms": 69.0,
        },
        "concurrent": {
            "clients": 16,
            "requests": 1678,
            "errors": 2,
            "error_kinds": {"HTTP 503": 2},
            "seconds": 60.44,
            "requests_per_s": 27.76,
            "p50_ms": 498.5,
            "p95_ms": 1212.2,
        },
        "api_peak_rss_mib": 1920.5,
    },
    "voice": {
        "rtf": {"mean": 0.612, "p50": 0.556, "max": 1.352},
        "upload_to_answer_ms": {"p50": 2379.1},
        "wer_by_language": {"en": 0.204, "de": 0.0},
        "clips": [{}, {}, {}],
        "phone": {
            "first_audio_ms": {"mean": 1210.0, "p50": 1155.2, "max": 1790.0, "p95": 1778.1},
            "transcription_ms": {"mean": 1001.0, "p50": 1041.5, "max": 1660.0, "p95": 1600.0},
            "answer_audio_s": {"mean": 30.0, "p50": 29.4, "max": 41.0, "p95": 41.0},
            "read_back": 1,
            "target_p50_ms": 1500.0,
            "clips": [{}, {}, {}],
        },
    },
    "memory": {"bench_process_peak_rss_mib": 2501.6},
}

EXPECTED_ROWS = [
    "| crawl of the local mirror (13 sites), full / unchanged re-crawl "
    "| 33.2 / 127.6 pages/s (352 pages) |",
    "| index build, cold (185 records → 314 chunks, `use,e5`) "
    "| 2.8 chunks/s (112.4 s); unchanged re-run 0.06 s |",
    "| query latency at corpus size (314 chunks), embedding + search + ranking "
    "| p50 50 ms, p95 93 ms over 100 questions |",
    "| question embedding alone, per dense model "
    "| use-m3 p50 4 ms, p95 5 ms; e5-small-q4 p50 10 ms, p95 14 ms (100 questions) |",
    "| query latency at 100,000 synthetic chunks (Qdrant Edge) "
    "| p50 46 ms, p95 58 ms over 100 questions (after 50 others, untimed) |",
    "| `POST /v1/ask`, one client (100 requests) | p50 44 ms, p95 69 ms, 22.2 req/s, 0 errors |",
    "| `POST /v1/ask`, 16 concurrent clients × 60 s "
    "| 27.8 req/s (1,678 requests), p50 498 ms, p95 1.21 s, 2 errors (HTTP 503: 2) |",
    "| voice: Whisper base real-time factor (3 espeak-ng clips) "
    "| mean 0.61, p50 0.56, max 1.35; upload → answer p50 2.38 s; WER en 0.20, de 0.00 |",
    "| hotline: end of the caller's recording → first byte of the answer's audio (3 espeak-ng "
    "clips at 8 kHz, language chosen) | p50 1.16 s, p95 1.78 s (target p50 < 1.50 s); of it "
    "Whisper p50 1.04 s; the answer it plays p50 29.4 s, p95 41.0 s; read back first 1 of 3 |",
    "| peak memory, API process (`permanence serve`, voice off) | 1,920 MiB |",
    "| peak memory, bench process (index build, synthetic chunks, voice benchmark) | 2,502 MiB |",
]


def test_every_figure_with_date_and_machine() -> None:
    section = render_section(FIGURES)
    lines = section.splitlines()
    table = [line for line in lines if line.startswith("| ") and line != "| figure | value |"]
    assert table == EXPECTED_ROWS
    prose = " ".join(line for line in lines if line and not line.startswith(("|", "<!--")))
    assert "one `make bench` run on 2026-11-22 06:30:00 UTC, commit `abc1234`" in prose
    assert "AMD EPYC 7B13, 2 cores, 23.4 GiB RAM, Linux 6.1, Python 3.11.7" in prose
    assert "0.4 at the start, 1.9 at the end." in prose  # idle: no "busy" warning
    assert "python -m eval.bench.readme data/bench/bench.json README.md" in prose


def test_skipped_sections_and_a_busy_machine_are_said() -> None:
    figures = copy.deepcopy(FIGURES)
    figures["crawl"] = {"skipped": "eval.bench.crawl is not available"}
    del figures["voice"]
    environment = figures["environment"]
    assert isinstance(environment, dict)
    environment["load_average_start"] = [7.3, 8.0, 9.0]
    section = render_section(figures)
    assert (
        "| crawl of the local mirror, full / unchanged re-crawl "
        "| not measured: eval.bench.crawl is not available |"
    ) in section
    assert (
        "| voice: Whisper base real-time factor "
        "| not measured: the section is missing from bench.json |"
    ) in section
    assert "the machine was busy, so latencies are pessimistic" in " ".join(section.split())


def test_a_quick_run_is_refused() -> None:
    figures = copy.deepcopy(FIGURES)
    environment = figures["environment"]
    assert isinstance(environment, dict)
    environment["mode"] = "quick"
    with pytest.raises(BenchReadmeError, match="--quick"):
        render_section(figures)


def test_only_the_text_between_the_markers_changes() -> None:
    readme = f"# Title\n\nBefore.\n\n{START}\nold figures\n{END}\n\nAfter.\n"
    updated = replace_section(readme, "new figures\n")
    assert updated == f"# Title\n\nBefore.\n\n{START}\nnew figures\n{END}\n\nAfter.\n"
    assert replace_section(updated, "new figures\n") == updated


@pytest.mark.parametrize(
    "readme",
    [
        pytest.param("no markers\n", id="none"),
        pytest.param(f"{START}\n{START}\n{END}\n", id="start-twice"),
        pytest.param(f"{END}\nx\n{START}\n", id="swapped"),
    ],
)
def test_bad_markers_are_refused(readme: str) -> None:
    with pytest.raises(BenchReadmeError, match="README"):
        replace_section(readme, "x\n")


def test_command_line_rewrites_the_readme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench = tmp_path / "bench.json"
    bench.write_text(json.dumps(FIGURES), encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(f"## Performance\n\n{START}\n{END}\n", encoding="utf-8")
    assert main([str(bench), str(readme)]) == 0
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(f"## Performance\n\n{START}\n<!-- Generated")
    assert all(row in text for row in EXPECTED_ROWS)
    readme.write_text("no markers", encoding="utf-8")
    assert main([str(bench), str(readme)]) == 2
    assert "exactly once" in capsys.readouterr().err
    assert readme.read_text(encoding="utf-8") == "no markers"


def test_the_project_readme_has_one_bench_section() -> None:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert text.count(START) == 1 and text.count(END) == 1
    assert text.index("## Performance") < text.index(START) < text.index(END)


def test_bench_refuses_readme_with_quick(tmp_path: Path) -> None:
    from eval.bench.__main__ import main as bench_main

    readme = tmp_path / "README.md"
    readme.write_text(f"{START}\n{END}\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        bench_main(["--quick", "--out", str(tmp_path), "--readme", str(readme)])
    assert exited.value.code == 2


def test_the_abuse_figures_are_one_row() -> None:
    figures = copy.deepcopy(FIGURES)
    assert "beside one client" not in render_section(figures)  # benches before the section
    figures["abuse"] = {
        "polite_clients": 2,
        "flood_connections": 32,
        "quiet": {"requests": 70, "errors": 0, "p95_ms": 164.7},
        "abused": {"requests": 70, "errors": 0, "p95_ms": 197.2},
        "p95_ratio": 1.2,
        "flood_requests_per_s": 31.8,
        "flood_statuses": {"200": 69, "429": 757},
    }
    section = render_section(figures)
    assert (
        "| polite `POST /v1/ask` p95, 2 clients, quiet → beside one client with 32 requests in "
        "flight | 165 ms → 197 ms (× 1.20; target ≤ 2), polite errors 0; the flood got "
        "69 × 200, 757 × 429 (31.8 req/s) |"
    ) in section
    figures["abuse"] = {"skipped": "no loopback"}
    assert (
        "| polite `POST /v1/ask` p95 beside one flooding client | not measured: no loopback |"
        in (render_section(figures))
    )


def test_the_spoken_answers_and_recognition_figures_are_one_row_each() -> None:
    figures = copy.deepcopy(FIGURES)
    before = render_section(figures)
    assert "hotline: spoken" not in before and "recognition on" not in before  # older benches
    without_phone = copy.deepcopy(figures)
    del without_phone["voice"]["phone"]  # type: ignore[index]
    assert "first byte of the answer's audio" not in render_section(without_phone)
    figures["spoken_answers"] = {
        "per_language": 2,
        "questions": 26,
        "kinds": {
            "emergency": {
                "body_s": {"p50": 14.2, "p95": 17.9, "max": 18.3},
                "over_budget": 0,
                "budget_s": 20.0,
            },
            "orientation": {
                "body_s": {"p50": 24.46, "p95": 31.0, "max": 36.2},
                "over_budget": 1,
                "budget_s": 35.0,
                "estimate_abs_error_s": {"p95": 2.31},
            },
        },
        "unreadable": 0,
        "unreadable_ids": [],
    }
    figures["recognition"] = {
        "per_language": 1,
        "questions": 12,
        "profile": "phone",
        "by_condition": {
            "auto": {"wer": 0.412, "hit@3": 0.5, "typed_hit@3": 0.9},
            "forced+both": {"wer": 0.205, "hit@3": 0.75, "typed_hit@3": 0.833},
        },
    }
    section = render_section(figures)
    assert (
        "| hotline: spoken answer before its offer (espeak-ng WAV), 26 dev answers (2 per "
        "language) | orientation p50 24.5 s, p95 31.0 s, max 36.2 s (1 over the 35 s budget); "
        "emergency p50 14.2 s, p95 17.9 s, max 18.3 s (0 over the 20 s budget); estimate "
        "error p95 2.3 s; unreadable 0 |"
    ) in section
    assert (
        "| recognition on telephone audio (8 kHz), WER / spoken hit@3 per condition, 12 "
        "espeak-ng clips | auto 0.41 / 0.50; forced+both 0.20 / 0.75 (the same questions "
        "typed: hit@3 0.83) |"
    ) in section
    figures["spoken_answers"] = {"skipped": "espeak-ng not installed"}
    figures["recognition"] = {"skipped": "faster-whisper is not installed"}
    section = render_section(figures)
    assert (
        "| hotline: spoken answer before its offer (espeak-ng WAV) "
        "| not measured: espeak-ng not installed |"
    ) in section
    assert (
        "| recognition on telephone audio (8 kHz), WER / spoken hit@3 per condition "
        "| not measured: faster-whisper is not installed |"
    ) in section
