"""The voice channel: spoken questions (``POST /v1/voice``) and a telephone hotline (TwiML).

Whisper base (faster-whisper, int8 CPU) hears, the assistant answers, espeak-ng speaks. See
docs/voice.md for the endpoints, limits, and how to connect a real phone number.
"""

from __future__ import annotations

from assistant_api.voice.build import LOADER_JOIN_TIMEOUT_S, build_channel
from assistant_api.voice.channel import VoiceAnswer, VoiceChannel
from assistant_api.voice.errors import (
    AudioRejected,
    ModelFilesError,
    SynthesisError,
    VoiceError,
    VoiceUnavailable,
)

__all__ = [
    "LOADER_JOIN_TIMEOUT_S",
    "AudioRejected",
    "ModelFilesError",
    "SynthesisError",
    "VoiceAnswer",
    "VoiceChannel",
    "VoiceError",
    "VoiceUnavailable",
    "build_channel",
]
