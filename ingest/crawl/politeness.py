"""Per-host politeness: at most N requests in flight and a minimum pause between starts.

Why per host and not global: a crawl of ten institution sites should go ten times faster than
a crawl of one, without any single webmaster seeing more than the configured rate. The pause
is measured between request *starts*, so retries and parallel workers cannot burst.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

__all__ = ["Politeness"]


class Politeness:
    """Gate every request through :meth:`slot`.

    Args:
        concurrency: Requests in flight per host.
        delay_s: Minimum seconds between two request starts on one host.
    """

    def __init__(
        self,
        concurrency: int,
        delay_s: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if delay_s < 0:
            raise ValueError(f"delay_s must be zero or positive, got {delay_s}")
        self._concurrency = concurrency
        self._delay_s = delay_s
        self._clock = clock
        self._sleep = sleep
        self._delays: dict[str, float] = {}
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    def set_delay(self, host: str, delay_s: float) -> None:
        """Raise one host's pause, e.g. to its robots.txt ``Crawl-delay``; never lowers it."""
        self._delays[host] = max(self._delays.get(host, self._delay_s), delay_s)

    def delay_for(self, host: str) -> float:
        return self._delays.get(host, self._delay_s)

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """Wait for a free slot and for the host's pause, then hold the slot."""
        semaphore = self._semaphores.setdefault(host, asyncio.Semaphore(self._concurrency))
        async with semaphore:
            now = self._clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + self.delay_for(host)
            if start > now:
                await self._sleep(start - now)
            yield
