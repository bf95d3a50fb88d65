"""The speaking conditions of the voice evaluation: which espeak-ng voice, how fast, which line.

Kept apart from :mod:`eval.voice` (which loads the product's voice modules) so the command
line can list and check them without importing speech code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AUDIO_PROFILES",
    "DEFAULT_CONDITION",
    "NOISE_VOLUME",
    "PHONE_BAND",
    "SPEAKING_CONDITIONS",
    "VOICE_ID_SUFFIX",
    "AudioProfile",
    "SpeakingCondition",
    "condition_of",
    "parse_conditions",
]

VOICE_ID_SUFFIX = "@voice"

#: ``16k``: 16 kHz 16-bit mono WAV, what a browser recording becomes; ``phone``: 8 kHz mu-law
#: WAV, what the telephone line delivers (the product's own ``mulaw`` output).
AudioProfile = Literal["16k", "phone"]
AUDIO_PROFILES: tuple[AudioProfile, ...] = ("16k", "phone")


@dataclass(frozen=True, slots=True)
class SpeakingCondition:
    """How a question is read and carried: the espeak-ng voice variant and speed, the line.

    ``variant`` is an espeak-ng voice variant added to the language's voice (``fr-ch+f3``: a
    female voice; ``None``: the product's own voice), ``wpm`` its words a minute (``None``: the
    product's, ``tts.SPEECH_WPM``); ``noise`` adds pink noise (about 17 dB
    below the speech) and the telephone band (300–3400 Hz) before the 8 kHz conversion.
    """

    name: str
    line: AudioProfile
    variant: str | None = None
    wpm: int | None = None
    noise: bool = False

    @property
    def product_voice(self) -> bool:
        """Read exactly as the product speaks (its voice, its speed, no noise)."""
        return self.variant is None and self.wpm is None and not self.noise


#: The conditions the evaluation can speak under; ``16k`` and ``phone`` are the product's voice.
SPEAKING_CONDITIONS: Mapping[str, SpeakingCondition] = {
    c.name: c
    for c in (
        SpeakingCondition("16k", "16k"),
        SpeakingCondition("phone", "phone"),
        SpeakingCondition("phone-noise", "phone", noise=True),
        SpeakingCondition("16k-f3-fast", "16k", variant="f3", wpm=175),
        SpeakingCondition("16k-m3-slow", "16k", variant="m3", wpm=130),
        SpeakingCondition("phone-f3-slow-noise", "phone", variant="f3", wpm=130, noise=True),
    )
}
DEFAULT_CONDITION = "16k"
#: Pink noise amplitude: RMS 0.011 against 0.076 for espeak-ng speech (pauses included), ~17 dB.
NOISE_VOLUME = 0.05
#: The telephone band, Hz.
PHONE_BAND = "300-3400"


def parse_conditions(value: str) -> tuple[str, ...]:
    """``"16k,phone-noise"`` → the condition names, checked (ValueError names the choices)."""
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in SPEAKING_CONDITIONS]
    if unknown or not names:
        raise ValueError(
            f"unknown speaking condition {', '.join(unknown) or repr(value)}; "
            f"choose among {', '.join(SPEAKING_CONDITIONS)}"
        )
    return names


def condition_of(question_id: str) -> str | None:
    """The speaking condition of a spoken copy (``q1@voice:phone`` → ``phone``; ``None``
    for the one-condition ``q1@voice`` and for typed questions)."""
    _, marker, condition = question_id.partition(VOICE_ID_SUFFIX + ":")
    return condition if marker else None
