"""One abusive client beside polite ones: does a flood raise the polite clients' p95?

Issue 22's probe measured a polite client's p95 go from 75 ms to 2.3 s while one address
flooded the API. Here polite clients (each its own loopback address, one question every
``pause_s``) are timed twice: alone ("quiet"), then while one abusive address keeps
``flood_connections`` requests in flight as fast as the server answers ("abused"). The flood
runs in a process of its own, as a real attacker would: in this process it would share the
GIL with the server thread of ``--quick`` runs and the polite clients, and slow itself down.

Distinct clients are distinct loopback addresses (127.0.0.x), which Linux routes to ``lo``;
the server must run with its production limits (token bucket, per-client in-flight cap), not
the bench's lifted ones, or the figure measures nothing.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from eval.bench.load import REQUEST_TIMEOUT_S, check_local
from eval.metrics import percentile
from permanence.settings import PROJECT_ROOT

__all__ = ["AbuseResult", "PoliteFigures", "run_abuse"]

#: The issue's target: polite p95 under abuse within twice the quiet figure.
MAX_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class PoliteFigures:
    requests: int
    errors: dict[str, int]
    p50_ms: float | None
    p95_ms: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "requests": self.requests,
            "errors": sum(self.errors.values()),
            "error_kinds": self.errors,
            "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 1),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 1),
        }


@dataclass(frozen=True, slots=True)
class AbuseResult:
    polite_clients: int
    seconds: float
    flood_connections: int
    quiet: PoliteFigures
    abused: PoliteFigures
    flood_statuses: dict[str, int]
    flood_seconds: float

    @property
    def ratio(self) -> float | None:
        if not self.quiet.p95_ms or self.abused.p95_ms is None:
            return None
        return self.abused.p95_ms / self.quiet.p95_ms

    def as_dict(self) -> dict[str, object]:
        flood_requests = sum(self.flood_statuses.values())
        return {
            "polite_clients": self.polite_clients,
            "seconds": self.seconds,
            "flood_connections": self.flood_connections,
            "quiet": self.quiet.as_dict(),
            "abused": self.abused.as_dict(),
            "p95_ratio": None if self.ratio is None else round(self.ratio, 2),
            "within_target": self.ratio is not None and self.ratio <= MAX_RATIO,
            "flood_requests": flood_requests,
            "flood_requests_per_s": round(flood_requests / self.flood_seconds, 1)
            if self.flood_seconds
            else 0.0,
            "flood_statuses": self.flood_statuses,
        }


def _polite(
    url: str,
    address: str,
    questions: Sequence[str],
    deadline: float,
    pause_s: float,
    latencies: list[float],
    errors: dict[str, int],
) -> None:
    transport = httpx.HTTPTransport(local_address=address)
    cycle = itertools.cycle(questions)
    with httpx.Client(base_url=url, transport=transport, timeout=REQUEST_TIMEOUT_S) as http:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = http.post("/v1/ask", json={"question": next(cycle)})
                failure = None if response.status_code == 200 else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                failure = type(exc).__name__
            latencies.append((time.perf_counter() - started) * 1000)
            if failure is not None:
                errors[failure] = errors.get(failure, 0) + 1
            time.sleep(pause_s)


def _polite_phase(
    url: str, questions: Sequence[str], clients: int, seconds: float, pause_s: float
) -> PoliteFigures:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=_polite,
            args=(url, f"127.0.0.{10 + i}", questions[i:] or questions, deadline, pause_s),
            kwargs={"latencies": latencies, "errors": errors},
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return PoliteFigures(
        requests=len(latencies),
        errors=dict(sorted(errors.items())),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
    )


def run_abuse(
    url: str,
    questions: Sequence[str],
    *,
    polite_clients: int = 2,
    seconds: float = 20.0,
    flood_connections: int = 32,
    pause_s: float = 0.5,
) -> AbuseResult:
    """Polite p95 alone for ``seconds``, then beside a flood for ``seconds``.

    Raises:
        ValueError: a target other than 127.0.0.1, no questions, or sizes out of range.
    """
    check_local(url)
    if not questions:
        raise ValueError("the abuse bench needs at least one question")
    if not 1 <= polite_clients <= 50 or not 1 <= flood_connections <= 256:
        raise ValueError(
            f"polite_clients={polite_clients} (1..50) or "
            f"flood_connections={flood_connections} (1..256) is out of range"
        )
    quiet = _polite_phase(url, questions, polite_clients, seconds, pause_s)
    # The flood starts first and outlasts the polite phase on both sides.
    flood_seconds = seconds + 6.0
    command = [sys.executable, "-m", "eval.bench.flood", url, questions[0]]
    with subprocess.Popen(
        [*command, str(flood_connections), str(flood_seconds)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as flooder:
        try:
            time.sleep(3.0)  # the process imports httpx, then floods
            abused = _polite_phase(url, questions, polite_clients, seconds, pause_s)
            output, _ = flooder.communicate(timeout=flood_seconds + 60)
        finally:
            if flooder.poll() is None:
                flooder.kill()
    statuses: dict[str, int] = json.loads(output) if flooder.returncode == 0 else {}
    return AbuseResult(
        polite_clients=polite_clients,
        seconds=seconds,
        flood_connections=flood_connections,
        quiet=quiet,
        abused=abused,
        flood_statuses=statuses,
        flood_seconds=flood_seconds,
    )
