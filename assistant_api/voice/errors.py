"""Errors of the voice channel, each carrying the HTTP status the API maps it to.

::

    PermanenceError
    └── VoiceError
        ├── AudioRejected        (the caller's audio: empty, too big, corrupt, silent, …) → 4xx
        ├── VoiceUnavailable     (the speech model is loading or failed to load)         → 503
        ├── ModelFilesError      (the packaged Whisper parts are missing or damaged)
        └── SynthesisError       (espeak-ng / sox / ffmpeg failed)

Only the routes turn these into HTTP responses (style rule 13); the status lives here so that
every rejection reason has exactly one status, documented next to it.
"""

from __future__ import annotations

from permanence import PermanenceError

__all__ = [
    "AudioRejected",
    "ModelFilesError",
    "SynthesisError",
    "VoiceError",
    "VoiceUnavailable",
]


class VoiceError(PermanenceError):
    """Base of the voice channel's errors."""

    status_code = 500


class AudioRejected(VoiceError):
    """The uploaded audio cannot be used; the message tells the caller what to send instead."""

    def __init__(self, message: str, *, status_code: int = 422, reason: str = "invalid") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.reason = reason


class VoiceUnavailable(VoiceError):
    """Speech recognition is not ready (still loading) or could not be loaded."""

    status_code = 503


class ModelFilesError(VoiceError):
    """The Whisper model parts are missing or do not match their recorded size and hash."""


class SynthesisError(VoiceError):
    """Text-to-speech or audio conversion failed."""
