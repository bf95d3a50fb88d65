"""Build the voice channel from its settings; the app's lifespan starts and stops its loading.

Loading Whisper starts when the app starts, in a daemon thread, so the API serves text questions
at once and ``/health`` shows ``components.voice`` going from ``loading`` to ``ready`` (or
``unavailable: <reason>``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assistant_api.triage.language import SUPPORTED_LANGUAGES
from assistant_api.voice.audio import AudioLimits
from assistant_api.voice.audio_store import AudioStore
from assistant_api.voice.channel import VoiceChannel
from assistant_api.voice.normalise import TranscriptMatcher, build_matcher
from assistant_api.voice.transcriber import Transcriber
from assistant_api.voice.tts import Synthesizer
from index import Glossary
from permanence.settings import VoiceSettings

__all__ = ["LOADER_JOIN_TIMEOUT_S", "build_channel"]

#: Seconds shutdown waits for a Whisper load still in progress (a load takes 1–10 s).
LOADER_JOIN_TIMEOUT_S = 60.0


def build_channel(
    settings: VoiceSettings,
    *,
    model_dir: Path,
    glossary_path: Path | None = None,
    on_status: Callable[[str], None] = lambda status: None,
) -> VoiceChannel:
    """The voice channel (not loaded yet); ``on_status`` hears ``loading`` → ``ready``.

    With ``glossary_path`` (and ``settings.transcript_matching``), the channel builds the
    transcript matcher while it loads, from the glossary's needs and the commune table.
    """
    matcher: Callable[[], TranscriptMatcher] | None = None
    if glossary_path is not None and settings.transcript_matching:
        path = glossary_path

        def matcher() -> TranscriptMatcher:
            return build_matcher(
                glossary=Glossary.from_file(path), glossary_path=path, languages=SUPPORTED_LANGUAGES
            )

    return VoiceChannel(
        model_dir=model_dir,
        transcriber=Transcriber(model_dir, threads=settings.whisper_threads),
        synthesizer=Synthesizer(),
        limits=AudioLimits(max_bytes=settings.max_bytes, max_seconds=settings.max_seconds),
        store=AudioStore(),
        on_status=on_status,
        enabled=settings.enabled,
        matcher=matcher,
        min_word_confidence=settings.read_back_below,
    )
