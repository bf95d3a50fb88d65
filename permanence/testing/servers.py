"""ASGI apps on a uvicorn thread on 127.0.0.1: the one runner of the tests and benchmarks.

It binds its socket before the thread starts, so no other process can take the port between
choosing it and serving on it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Literal

from starlette.types import ASGIApp

__all__ = ["STARTUP_TIMEOUT_S", "free_port", "run_uvicorn"]

#: Seconds to wait for an app to start (model loading happens at start-up; ~45 s on a busy
#: 2-core VM).
STARTUP_TIMEOUT_S = 240.0


def free_port() -> int:
    """A port free on 127.0.0.1 now (for a server in another process, which binds it itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def run_uvicorn(
    app: ASGIApp,
    *,
    lifespan: Literal["on", "off"] = "on",
    http: Literal["auto", "h11"] = "auto",
    startup_timeout_s: float = STARTUP_TIMEOUT_S,
) -> Iterator[str]:
    """Serve ``app`` on a uvicorn thread until the block ends; yields ``http://127.0.0.1:<port>``.

    Returns once uvicorn has started (the app's lifespan start-up has run). The listening
    socket is bound before the thread starts, so no other process can take the port between
    choosing it and serving on it.

    Raises:
        RuntimeError: uvicorn exited or did not start within ``startup_timeout_s``.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan=lifespan,
        http=http,
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"uvicorn-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + startup_timeout_s
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn on port {port} exited during start-up")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on port {port} did not start in {startup_timeout_s} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
