"""Recently synthesised answers, kept briefly so a player or a telephony platform can fetch them.

Telephony ``<Play>`` needs a URL, and a browser plays a URL more easily than base64. The store
is in memory, bounded in count and age: answers are personal and must not pile up on disk. With
several API replicas, the platform must reach the replica that answered (sticky sessions), or
the caller hears the ``<Say>`` fallback — see docs/voice.md.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict

from assistant_api.voice.tts import SpokenAudio

__all__ = ["AUDIO_TTL_S", "AudioStore"]

#: How long an answer stays fetchable: long enough for a call to replay it a few times.
AUDIO_TTL_S = 15 * 60.0
_ID_BYTES = 18


class AudioStore:
    """A bounded, expiring map from unguessable ids to spoken answers (thread-safe)."""

    def __init__(self, *, max_items: int = 256, ttl_s: float = AUDIO_TTL_S) -> None:
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, got {max_items}")
        if ttl_s <= 0:
            raise ValueError(f"ttl_s must be positive, got {ttl_s}")
        self._max_items = max_items
        self._ttl_s = ttl_s
        self._items: OrderedDict[str, tuple[float, SpokenAudio]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, audio: SpokenAudio) -> str:
        """Keep ``audio``; returns its id (URL-safe, unguessable)."""
        audio_id = secrets.token_urlsafe(_ID_BYTES)
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            self._items[audio_id] = (now + self._ttl_s, audio)
            while len(self._items) > self._max_items:
                self._items.popitem(last=False)
        return audio_id

    def get(self, audio_id: str) -> SpokenAudio | None:
        """The audio for ``audio_id``, or ``None`` when unknown or expired."""
        with self._lock:
            self._expire(time.monotonic())
            item = self._items.get(audio_id)
        return item[1] if item else None

    def _expire(self, now: float) -> None:
        for key in [k for k, (deadline, _) in self._items.items() if deadline <= now]:
            del self._items[key]
