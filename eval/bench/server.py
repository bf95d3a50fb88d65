"""Start the API on 127.0.0.1 for the load test: a separate process, or a thread (quick mode).

A separate process is what production runs and the only honest way to measure the memory of
one API process; the thread reuses the bench's loaded models so that ``--quick`` stays within
a test's time budget.
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

import httpx

__all__ = ["RunningServer", "peak_rss_mib", "serve_in_thread", "serve_subprocess"]

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
def serve_in_thread(settings: object, runtime: object) -> Iterator[RunningServer]:
    """The API app on a uvicorn thread of this process, sharing ``runtime``."""
    import uvicorn

    from assistant_api.app import create_app

    port = _free_port()
    app = create_app(settings, runtime=runtime)  # type: ignore[arg-type]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"bench-api-{port}", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, thread.is_alive)
        yield RunningServer(url=url, pid=None)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
