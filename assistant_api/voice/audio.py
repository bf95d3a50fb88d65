"""Turn an uploaded audio file into 16 kHz mono samples for Whisper, or say why not.

Every rejection is an :class:`AudioRejected` with its own status, so a caller learns whether to
re-record (silence, noise, too long), convert (unsupported format) or re-send (empty, corrupt).
The container is sniffed from its first bytes rather than trusted from the file name or the
Content-Type, which browsers and telephony platforms fill in loosely. Decoding is PyAV (the
FFmpeg bindings that faster-whisper already depends on), stopped as soon as the clip exceeds
the duration limit, so a long or hostile upload never decodes in full.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assistant_api.voice.errors import AudioRejected

__all__ = [
    "ACCEPTED_FORMATS",
    "MIN_SAMPLE_RATE",
    "SAMPLE_RATE",
    "SILENCE_PEAK",
    "AudioLimits",
    "DecodedAudio",
    "decode_upload",
    "sniff_format",
]

logger = logging.getLogger(__name__)

#: Whisper's input rate.
SAMPLE_RATE = 16_000
#: Telephone audio is 8 kHz; below that speech is not intelligible enough to transcribe.
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 192_000
#: Peak amplitude (full scale = 1.0) under which a clip is treated as silence. espeak speech
#: peaks above 0.3 and a quiet phone line near 0.05; digital silence and a muted microphone
#: stay under 0.003 (checked by tests/voice/test_audio.py).
SILENCE_PEAK = 0.003
#: Formats the channel accepts, by sniffed container.
ACCEPTED_FORMATS: tuple[str, ...] = ("wav", "ogg", "webm", "mp3", "m4a", "flac")


@dataclass(frozen=True, slots=True)
class AudioLimits:
    """What an upload may be; the API's settings fill these in."""

    max_bytes: int = 10_000_000
    max_seconds: float = 60.0
    min_seconds: float = 0.3


@dataclass(frozen=True, slots=True)
class DecodedAudio:
    """Mono float32 samples at :data:`SAMPLE_RATE`, with what was learned while decoding."""

    samples: npt.NDArray[np.float32]
    container: str
    source_rate: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def sniff_format(data: bytes) -> str | None:
    """The container of ``data`` from its magic bytes, or ``None`` when it is none we accept."""
    head = data[:64]
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS":
        return "ogg"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    if head[:4] == b"fLaC":
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _decode(data: bytes, limits: AudioLimits) -> tuple[npt.NDArray[np.float32], int]:
    import av  # PyAV, installed with faster-whisper

    max_samples = int(limits.max_seconds * SAMPLE_RATE)
    chunks: list[npt.NDArray[np.generic]] = []
    total = 0
    with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
        if not container.streams.audio:
            raise AudioRejected(
                "the file holds no audio track; send a voice recording",
                status_code=422,
                reason="no_audio_track",
            )
        stream = container.streams.audio[0]
        source_rate = int(stream.rate or stream.sample_rate or 0)
        if source_rate and not MIN_SAMPLE_RATE <= source_rate <= MAX_SAMPLE_RATE:
            raise AudioRejected(
                f"the audio is sampled at {source_rate} Hz; record at {MIN_SAMPLE_RATE} Hz "
                f"to {MAX_SAMPLE_RATE} Hz (16 kHz or more is best)",
                status_code=422,
                reason="sample_rate",
            )
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                array = out.to_ndarray().reshape(-1)
                chunks.append(array)
                total += len(array)
            if total > max_samples:
                raise AudioRejected(
                    f"the recording lasts more than {limits.max_seconds:g} s; "
                    "ask one question at a time, in a shorter recording",
                    status_code=413,
                    reason="too_long",
                )
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
    pcm = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return (pcm.astype(np.float32) / 32768.0), source_rate


def decode_upload(data: bytes, limits: AudioLimits) -> DecodedAudio:
    """Decode and check one upload.

    Raises:
        AudioRejected: empty (400), too large or too long (413), not an accepted format (415),
            corrupt, without audio, at an unusable sample rate, too short or silent (422).
    """
    import av

    if not data:
        raise AudioRejected(
            "the uploaded file is empty; record your question and send it again",
            status_code=400,
            reason="empty",
        )
    if len(data) > limits.max_bytes:
        raise AudioRejected(
            f"the file has {len(data)} bytes; the limit is {limits.max_bytes} bytes "
            f"(about {limits.max_seconds:g} s of compressed speech)",
            status_code=413,
            reason="too_large",
        )
    container = sniff_format(data)
    if container is None:
        raise AudioRejected(
            "this is not an audio format the assistant reads; send wav, ogg/opus, webm, mp3 or m4a",
            status_code=415,
            reason="unsupported_format",
        )
    try:
        samples, source_rate = _decode(data, limits)
    except AudioRejected:
        raise
    except (av.error.FFmpegError, ValueError, IndexError, OSError) as exc:
        logger.info("undecodable %s upload of %d bytes: %s", container, len(data), exc)
        raise AudioRejected(
            f"the {container} file is damaged or truncated and cannot be decoded; record it again",
            status_code=422,
            reason="corrupt",
        ) from exc
    decoded = DecodedAudio(samples=samples, container=container, source_rate=source_rate)
    if decoded.duration_s < limits.min_seconds:
        raise AudioRejected(
            f"the recording lasts {decoded.duration_s:.2f} s; speak for at least "
            f"{limits.min_seconds:g} s",
            status_code=422,
            reason="too_short" if len(samples) else "corrupt",
        )
    peak = float(np.max(np.abs(samples)))
    if peak < SILENCE_PEAK:
        raise AudioRejected(
            "the recording is silent; check that the microphone is on and speak closer to it",
            status_code=422,
            reason="silence",
        )
    return decoded
