"""Start the API on 127.0.0.1 for the benchmarks: a separate process, or a uvicorn thread.

A separate process is what production runs and the only honest way to measure the memory of
one API process; the thread reuses the bench's loaded models so that ``--quick`` stays within
a test's time budget. :func:`run_uvicorn` is the one thread runner of the benchmarks (the load
test here and the voice benchmark, ``assistant_api.voice.bench``): it binds its socket before
the thread starts, so no other process can take the port in between.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from starlette.types import ASGIApp

__all__ = ["RunningServer", "peak_rss_mib", "run_uvicorn", "serve_in_thread", "serve_subprocess"]

#: Seconds to wait for /health (model loading happens at start-up; ~45 s on a busy 2-core VM).
STARTUP_TIMEOUT_S = 240.0


@dataclass(frozen=True, slots=True)
class RunningServer:
    url: str
    pid: int | None  # None when served from a thread of this process


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_rss_mib(pid: int | None = None) -> float | None:
    """Peak resident memory (VmHWM) of a process, in MiB; this process when ``pid`` is None."""
    path = Path(f"/proc/{pid or os.getpid()}/status")
    try:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _wait_ready(url: str, alive: object) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if callable(alive) and not alive():
            raise RuntimeError(f"the API at {url} exited during start-up")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the API at {url} did not answer /health within {STARTUP_TIMEOUT_S} s")


@contextlib.contextmanager
def serve_subprocess(
    data_dir: Path, embed_models: str, redactor: str, log_path: Path
) -> Iterator[RunningServer]:
    """``permanence serve`` in its own process, rate limit lifted, voice off."""
    port = _free_port()
    env = {
        **os.environ,
        "PERMANENCE_DATA_DIR": str(data_dir),
        "PERMANENCE_EMBED_MODELS": embed_models,
        "PERMANENCE_RATE_LIMIT_PER_MINUTE": "100000000",
        "PERMANENCE_VOICE_ENABLED": "false",
        "PERMANENCE_REDACTOR": redactor,
    }
    command = [sys.executable, "-m", "permanence.cli", "serve", "--host", "127.0.0.1"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url, lambda: process.poll() is None)
            yield RunningServer(url=url, pid=process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


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
    choosing it and serving on it. The test suite's servers use this runner too.

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
        target=server.run, kwargs={"sockets": [sock]}, name=f"bench-uvicorn-{port}", daemon=True
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


@contextlib.contextmanager
def serve_in_thread(settings: object, runtime: object) -> Iterator[RunningServer]:
    """The API app on a uvicorn thread of this process, sharing ``runtime``."""
    from assistant_api.app import create_app

    app = create_app(settings, runtime=runtime)  # type: ignore[arg-type]
    with run_uvicorn(app) as url:
        _wait_ready(url, lambda: True)
        yield RunningServer(url=url, pid=None)
