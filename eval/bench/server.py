"""Start the API on 127.0.0.1 for the benchmarks: a separate process, or a uvicorn thread.

A separate process is what production runs and the only honest way to measure the memory of
one API process; the thread reuses the bench's loaded models so that ``--quick`` stays within
a test's time budget. The thread runner is the tests' too
(:func:`permanence.testing.servers.run_uvicorn`).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from assistant_api import AssistantRuntime
from permanence.settings import LimitSettings, Settings
from permanence.testing.servers import STARTUP_TIMEOUT_S, free_port, run_uvicorn

__all__ = [
    "RunningServer",
    "limit_variables",
    "peak_rss_mib",
    "run_uvicorn",
    "serve_in_thread",
    "serve_subprocess",
]


@dataclass(frozen=True, slots=True)
class RunningServer:
    url: str
    pid: int | None  # None when served from a thread of this process


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


def limit_variables(limits: LimitSettings) -> dict[str, str]:
    """The environment that gives ``permanence serve`` these per-client and in-flight limits."""
    return {
        "PERMANENCE_LIMITS_REQUESTS_PER_MINUTE": str(limits.requests_per_minute),
        "PERMANENCE_LIMITS_MAX_IN_FLIGHT": str(limits.max_in_flight),
        "PERMANENCE_LIMITS_CLIENT_IN_FLIGHT": str(limits.client_in_flight),
        "PERMANENCE_LIMITS_STAFF_IN_FLIGHT": str(limits.staff_in_flight),
    }


#: The bench's lifted limits: its load comes from one address, as no real client's does.
LIFTED_LIMITS = LimitSettings(
    requests_per_minute=100_000_000,
    max_in_flight=10_000,
    client_in_flight=10_000,
    staff_in_flight=10_000,
)


@contextlib.contextmanager
def serve_subprocess(
    data_dir: Path,
    embed_models: str,
    redactor: str,
    log_path: Path,
    environment: Mapping[str, str] | None = None,
) -> Iterator[RunningServer]:
    """``permanence serve`` in its own process, limits lifted, voice off.

    ``environment`` adds or overrides variables (the demo test sets ``PERMANENCE_DEMO``);
    everything the server prints goes to ``log_path``.
    """
    port = free_port()
    env = {
        **os.environ,
        "PERMANENCE_DATA_DIR": str(data_dir),
        "PERMANENCE_EMBED_MODELS": embed_models,
        **limit_variables(LIFTED_LIMITS),
        "PERMANENCE_VOICE_ENABLED": "false",
        "PERMANENCE_REDACTOR": redactor,
        **(environment or {}),
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
def serve_in_thread(settings: Settings, runtime: AssistantRuntime) -> Iterator[RunningServer]:
    """The API app on a uvicorn thread of this process, sharing ``runtime``."""
    from assistant_api import create_app

    app = create_app(settings, runtime=runtime)
    with run_uvicorn(app) as url:
        _wait_ready(url, lambda: True)
        yield RunningServer(url=url, pid=None)
