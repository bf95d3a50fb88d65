"""Text to speech with espeak-ng, converted for the web (wav, mp3) or the telephone (8 kHz mu-law).

espeak-ng is a Debian package (no model files, ~0.02 s for 14 s of speech), with a voice for
every answer language but Tigrinya, which is read with the Amharic voice (same Ge'ez script;
understandable, not native — say so in the docs). Conversions run sox and ffmpeg on temporary
files rather than pipes: a WAV written to a pipe carries no length, and some players then stop
early. Each call is independent, so concurrent requests need no lock.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant_api.voice.errors import SynthesisError

__all__ = ["ESPEAK_VOICES", "SPEECH_WPM", "AudioFormat", "SpokenAudio", "Synthesizer"]

logger = logging.getLogger(__name__)

AudioFormat = Literal["wav", "mp3", "mulaw"]

#: espeak-ng voice for each answer language (``espeak-ng --voices``); fr-ch is Swiss French.
ESPEAK_VOICES: dict[str, str] = {
    "fr": "fr-ch",
    "de": "de",
    "it": "it",
    "en": "en-gb",
    "pt": "pt",
    "es": "es",
    "ar": "ar",
    "uk": "uk",
    "ru": "ru",
    "fa": "fa",
    "sq": "sq",
    "tr": "tr",
    "ti": "am",
}
#: Words per minute; espeak's default 175 is hard to follow on a phone line for people who
#: are stressed or not fluent, 150 was the slowest that did not sound dragged in our listening.
SPEECH_WPM = 150
_MEDIA_TYPES: dict[str, str] = {"wav": "audio/wav", "mp3": "audio/mpeg", "mulaw": "audio/wav"}
_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class SpokenAudio:
    """Synthesised speech, ready to send."""

    data: bytes
    format: AudioFormat
    media_type: str
    voice: str
    duration_s: float

    @property
    def extension(self) -> str:
        return "mp3" if self.format == "mp3" else "wav"


def _run(args: list[str], *, stdin: bytes | None = None) -> None:
    try:
        subprocess.run(args, input=stdin, check=True, capture_output=True, timeout=_TIMEOUT_S)
    except FileNotFoundError as exc:
        raise SynthesisError(
            f"{args[0]} is not installed; run `apt-get install -y espeak-ng sox ffmpeg`"
        ) from exc
    except subprocess.CalledProcessError as exc:
        raise SynthesisError(
            f"{args[0]} failed with exit code {exc.returncode}: "
            f"{exc.stderr.decode(errors='replace')[-300:]}"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise SynthesisError(f"{args[0]} took more than {_TIMEOUT_S:g} s") from exc


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as handle:
        return handle.getnframes() / float(handle.getframerate())


class Synthesizer:
    """espeak-ng plus the converters; :meth:`check` says what is missing."""

    def __init__(self, *, words_per_minute: int = SPEECH_WPM) -> None:
        if not 80 <= words_per_minute <= 450:
            raise ValueError(f"words_per_minute must be 80 to 450, got {words_per_minute}")
        self._wpm = words_per_minute

    @staticmethod
    def missing_tools() -> list[str]:
        """Executables the synthesiser needs that are not on PATH."""
        return [tool for tool in ("espeak-ng", "sox", "ffmpeg") if shutil.which(tool) is None]

    @staticmethod
    def voice_for(language: str) -> str:
        return ESPEAK_VOICES.get(language, ESPEAK_VOICES["fr"])

    def synthesize(
        self, text: str, language: str, *, fmt: AudioFormat = "wav", ssml: bool = False
    ) -> SpokenAudio:
        """Speak ``text`` (already speech-friendly) in ``language``.

        With ``ssml``, ``text`` is espeak-ng SSML (``<speak>…</speak>``, ``<prosody rate>``
        for the slowly read phone numbers, see ``speech_segments.ssml``).

        Raises:
            SynthesisError: when a tool is missing or fails.
        """
        if fmt not in _MEDIA_TYPES:
            raise ValueError(f"format must be one of {sorted(_MEDIA_TYPES)}, got {fmt!r}")
        if not text.strip():
            raise ValueError("there is no text to speak")
        voice = self.voice_for(language)
        with tempfile.TemporaryDirectory(prefix="permanence-tts-") as tmp:
            raw = self._espeak(text, voice, Path(tmp) / "speech.wav", ssml=ssml)
            duration, data = self._convert(raw, fmt)
        logger.debug("spoke %d characters in %s (%.1f s, %s)", len(text), voice, duration, fmt)
        return SpokenAudio(
            data=data, format=fmt, media_type=_MEDIA_TYPES[fmt], voice=voice, duration_s=duration
        )

    def synthesize_parts(
        self, parts: Sequence[tuple[str, str]], *, fmt: AudioFormat = "wav"
    ) -> SpokenAudio:
        """Speak ``(text, language)`` parts one after the other, each in its own voice (the
        keypad menu: "Français, 1. Deutsch, 2. …"), as one audio."""
        if fmt not in _MEDIA_TYPES:
            raise ValueError(f"format must be one of {sorted(_MEDIA_TYPES)}, got {fmt!r}")
        if not parts:
            raise ValueError("there is no text to speak")
        with tempfile.TemporaryDirectory(prefix="permanence-tts-") as tmp:
            pieces = [
                self._espeak(text, self.voice_for(language), Path(tmp) / f"part{i}.wav")
                for i, (text, language) in enumerate(parts)
            ]
            joined = Path(tmp) / "joined.wav"
            _run(["sox", *map(str, pieces), str(joined)])
            duration, data = self._convert(joined, fmt)
        voices = ",".join(dict.fromkeys(self.voice_for(lang) for _, lang in parts))
        return SpokenAudio(
            data=data, format=fmt, media_type=_MEDIA_TYPES[fmt], voice=voices, duration_s=duration
        )

    def _espeak(self, text: str, voice: str, out: Path, *, ssml: bool = False) -> Path:
        _run(
            [
                "espeak-ng",
                "-v",
                voice,
                "-s",
                str(self._wpm),
                "-b",
                "1",
                *(["-m"] if ssml else []),
                "-w",
                str(out),
                "--stdin",
            ],
            stdin=text.encode("utf-8"),
        )
        return out

    @staticmethod
    def _convert(raw: Path, fmt: AudioFormat) -> tuple[float, bytes]:
        """The duration of ``raw`` and its bytes in ``fmt``."""
        out = raw
        if fmt == "mp3":
            out = raw.with_suffix(".mp3")
            _run(
                [
                    "ffmpeg",
                    "-nostdin",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    str(raw),
                    "-codec:a",
                    "libmp3lame",
                    "-b:a",
                    "48k",
                    str(out),
                ]
            )
        elif fmt == "mulaw":
            out = raw.with_name(raw.stem + "-8k.wav")
            _run(["sox", str(raw), "-r", "8000", "-c", "1", "-e", "mu-law", str(out)])
        return _wav_seconds(raw), out.read_bytes()
