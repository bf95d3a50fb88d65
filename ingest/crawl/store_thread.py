"""Document-store calls of a crawl, run on one worker thread instead of the event loop.

Why: every store call may wait on SQLite — up to the store's 30 s busy timeout while another
process (a second crawl, ``permanence ingest``) holds the write lock. Made from the event loop,
such a wait would stall every fetch of every source crawled alongside. The store's connection
is shared between threads (``check_same_thread=False``) and each call holds the store's lock,
so the calls are safe from any thread.

Why one thread: the calls of a crawl run one after the other in the order the loop issued
them, as they did on the loop; the store would serialise them on its lock anyway.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, Self, TypeVar

__all__ = ["StoreThread"]

_P = ParamSpec("_P")
_T = TypeVar("_T")


class StoreThread:
    """Awaitable store calls: ``await store_thread(store.page_state, url)``.

    Close it (or use it as a context manager) once the crawl is over: closing waits for the
    call in progress, so no write is left half-way.
    """

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="crawl-store")

    async def __call__(self, call: Callable[_P, _T], /, *args: _P.args, **kwargs: _P.kwargs) -> _T:
        """Run ``call(*args, **kwargs)`` on the store thread and wait for its result."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(call, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
