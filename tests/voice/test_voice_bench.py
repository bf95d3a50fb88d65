"""The voice benchmark runs end to end on the tiny corpus: its hotline section posts a call's
recording to the telephone webhook (signed) and times the first byte of what is played."""

from __future__ import annotations

import pytest

from eval.bench.voice import BENCH_CLIPS, PHONE_FIRST_AUDIO_TARGET_MS, run_voice_benchmark

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_the_hotline_time_to_first_audio_is_measured(
    voice_settings: object, tiny_runtime: object
) -> None:
    clips = [c for c in BENCH_CLIPS if c.name == "en_job"]
    figures = run_voice_benchmark(
        voice_settings,  # type: ignore[arg-type]
        runtime=tiny_runtime,  # type: ignore[arg-type]
        clips=clips,
        phone_repeats=2,
    )
    phone = figures["phone"]
    assert isinstance(phone, dict)
    (row,) = phone["clips"]
    assert row["clip"] == "en_job"
    assert row["first_part"] in {"answered", "confirm"}
    # The first audio comes after Whisper has read the recording, and the answer plays for
    # seconds (the job question is answered with services, then the offer).
    first = phone["first_audio_ms"]
    assert first["p50"] > 0.5 * row["transcription_ms"] > 0
    assert 5 < row["answer_audio_s"] < 90
    assert phone["target_p50_ms"] == PHONE_FIRST_AUDIO_TARGET_MS
    assert phone["read_back"] == (1 if row["first_part"] == "confirm" else 0)
