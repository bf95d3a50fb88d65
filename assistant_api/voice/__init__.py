"""The voice channel: spoken questions (``POST /v1/voice``) and a telephone hotline (TwiML).

Whisper base (faster-whisper, int8 CPU) hears, the assistant answers, espeak-ng speaks. See
docs/voice.md for the endpoints, limits, and how to connect a real phone number.
"""

from __future__ import annotations

from assistant_api.voice.channel import VoiceAnswer, VoiceChannel
from assistant_api.voice.errors import (
    AudioRejected,
    ModelFilesError,
    SynthesisError,
    VoiceError,
    VoiceUnavailable,
)
from assistant_api.voice.install import build_channel, install_voice

__all__ = [
    "AudioRejected",
    "ModelFilesError",
    "SynthesisError",
    "VoiceAnswer",
    "VoiceChannel",
    "VoiceError",
    "VoiceUnavailable",
    "build_channel",
    "install_voice",
]
