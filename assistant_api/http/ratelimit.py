"""Per-client token buckets: a steady ``rate_per_minute`` with a burst of the same size.

Keyed by client IP. Memory is bounded: the least recently seen clients are forgotten first
(a forgotten client starts again with a full bucket, which is the lenient direction).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateDecision", "TokenBucketLimiter"]

#: Clients remembered at once; ~100 bytes each.
MAX_CLIENTS = 50_000


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    retry_after_s: int = 0
    remaining: int = 0


class TokenBucketLimiter:
    """Thread-safe; ``check(key)`` takes one token or says when the next one comes."""

    def __init__(
        self,
        *,
        rate_per_minute: int,
        burst: int | None = None,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        if rate_per_minute < 1:
            raise ValueError(f"rate_per_minute={rate_per_minute} must be at least 1")
        self._rate = rate_per_minute / 60.0
        self._burst = float(burst if burst is not None else rate_per_minute)
        if self._burst < 1:
            raise ValueError(f"burst={burst} must be at least 1")
        self._clock = clock
        self._max = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> RateDecision:
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self._burst, now))
            tokens = min(self._burst, tokens + (now - last) * self._rate)
            if tokens >= 1.0:
                tokens -= 1.0
                decision = RateDecision(True, 0, int(tokens))
            else:
                wait = (1.0 - tokens) / self._rate
                decision = RateDecision(False, max(1, math.ceil(wait)), 0)
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)
        return decision
