"""Phonetic keys of words as a language's espeak-ng voice would say them (IPA, no stress).

Whisper mishears a word as another *that sounds alike in the caller's language*: "Fleurier"
read by the French voice and heard back as "Fleurié", "Couvet" as "Couvé". Spelling distance
alone misses those (they end differently on paper and the same in the ear), so words are also
compared by their pronunciation. espeak-ng, which the product already uses to speak, knows the
letter-to-sound rules of all 13 answer languages; a spelling library such as Metaphone knows
English only. One espeak-ng process converts a batch of words (one per line, one IPA line
back), and keys are cached, so a transcript costs one short process at most.

When espeak-ng is missing or its output does not line up with the input, the key is the folded
spelling: matching then relies on spelling alone, which is weaker but never wrong-footed.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import threading
from collections.abc import Sequence

from assistant_api.voice.tts import ESPEAK_VOICES
from permanence import fold

__all__ = ["PhoneticKeys"]

logger = logging.getLogger(__name__)

#: Seconds one batch of words may take (a transcript is a few dozen words: ~20 ms).
_TIMEOUT_S = 10.0
#: Stress and length marks, syllable dots, language-switch flags "(en)", hyphens and spaces:
#: none of them is a sound Whisper could confuse.
_NOISE = re.compile(r"\([a-z-]+\)|[ˈˌːˑ.\-‿\s_]")
#: Vowels a noisy line blurs into one another, written as one: Whisper hears "Couvé" for
#: Couvet (kuvɛ), "ʊ" and "u" are the same sound to it. Consonants stay apart, nasality goes.
_COARSE = str.maketrans(
    {
        "ɛ": "e",
        "ə": "e",
        "ɜ": "e",
        "ø": "e",
        "œ": "e",
        "ɪ": "i",
        "y": "i",
        "ʏ": "i",
        "ɔ": "o",
        "ɒ": "o",
        "ʊ": "u",
        "ɑ": "a",
        "ɐ": "a",
        "æ": "a",
        "ʌ": "a",
        "\u0303": None,
    }
)
#: Words per process, so one odd word cannot misalign an unbounded batch.
_BATCH = 400


class PhoneticKeys:
    """IPA keys per (language, word), computed by espeak-ng in batches and cached."""

    def __init__(self, *, executable: str | None = "espeak-ng") -> None:
        self._executable = shutil.which(executable) if executable else None
        self._cache: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        """Whether keys are pronunciations (else folded spellings)."""
        return self._executable is not None

    def keys(self, words: Sequence[str], language: str) -> list[str]:
        """The key of each word of ``words`` in ``language`` (order kept)."""
        with self._lock:
            missing = list(dict.fromkeys(w for w in words if (language, w) not in self._cache))
            for start in range(0, len(missing), _BATCH):
                batch = missing[start : start + _BATCH]
                for word, key in zip(batch, self._convert(batch, language), strict=True):
                    self._cache[(language, word)] = key
            return [self._cache[(language, w)] for w in words]

    def _convert(self, words: list[str], language: str) -> list[str]:
        spelled = [_spelling(w) for w in words]
        if self._executable is None or not words:
            return spelled
        voice = ESPEAK_VOICES.get(language, ESPEAK_VOICES["fr"])
        lines = "\n".join(" ".join(w.split()) or "-" for w in words) + "\n"
        try:
            done = subprocess.run(
                [self._executable, "-q", "--ipa", "-v", voice],
                input=lines,
                capture_output=True,
                text=True,
                timeout=_TIMEOUT_S,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("espeak-ng phonetic keys failed (%s); matching by spelling", exc)
            return spelled
        out = [line for line in done.stdout.splitlines() if line.strip()]
        if len(out) != len(words):
            # espeak-ng joined or split lines: no way to tell which key is whose.
            if len(words) > 1:
                half = len(words) // 2
                return self._convert(words[:half], language) + self._convert(words[half:], language)
            return spelled
        return [
            _NOISE.sub("", line).translate(_COARSE) or s
            for line, s in zip(out, spelled, strict=True)
        ]


def _spelling(word: str) -> str:
    return re.sub(r"[\W_]+", "", fold(word))
