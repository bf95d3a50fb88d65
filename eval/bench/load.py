"""Load generator for ``/v1/ask``: one client in sequence, then N concurrent clients.

Bounded twice — by a request budget and by a time budget — and refuses any host but
127.0.0.1, so a mistyped URL can never turn the bench into a load test of someone else's
server.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from eval.metrics import percentile

__all__ = ["LoadResult", "check_local", "run_concurrent", "run_sequential"]

#: Seconds one request may take before it counts as an error.
REQUEST_TIMEOUT_S = 30.0


@dataclass(frozen=True, slots=True)
class LoadResult:
    clients: int
    requests: int
    errors: int
    error_kinds: dict[str, int]
    seconds: float
    p50_ms: float | None
    p95_ms: float | None

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "clients": self.clients,
            "requests": self.requests,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "seconds": round(self.seconds, 2),
            "requests_per_s": round(self.requests_per_s, 2),
            "p50_ms": None if self.p50_ms is None else round(self.p50_ms, 1),
            "p95_ms": None if self.p95_ms is None else round(self.p95_ms, 1),
        }


def check_local(url: str) -> None:
    """Refuse any target but 127.0.0.1."""
    host = urlsplit(url).hostname
    if host != "127.0.0.1":
        raise ValueError(f"the load generator only targets 127.0.0.1, not {host!r} ({url})")


async def _client(
    http: httpx.AsyncClient,
    questions: itertools.cycle[str],
    deadline: float,
    budget: list[int],
    latencies: list[float],
    errors: dict[str, int],
) -> None:
    while time.perf_counter() < deadline and budget[0] > 0:
        budget[0] -= 1
        question = next(questions)
        started = time.perf_counter()
        try:
            response = await http.post("/v1/ask", json={"question": question})
            failure = None if response.status_code == 200 else f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            failure = type(exc).__name__
        latencies.append((time.perf_counter() - started) * 1000)
        if failure is not None:
            errors[failure] = errors.get(failure, 0) + 1


async def _run(
    url: str, questions: Sequence[str], clients: int, seconds: float, max_requests: int
) -> LoadResult:
    check_local(url)
    if not questions:
        raise ValueError("the load generator needs at least one question")
    latencies: list[float] = []
    errors: dict[str, int] = {}
    budget = [max_requests]
    cycle = itertools.cycle(questions)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT_S, limits=limits) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(_client(http, cycle, deadline, budget, latencies, errors) for _ in range(clients))
        )
        elapsed = time.perf_counter() - started
    return LoadResult(
        clients=clients,
        requests=len(latencies),
        errors=sum(errors.values()),
        error_kinds=dict(sorted(errors.items())),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
    )


def run_sequential(url: str, questions: Sequence[str], *, requests: int) -> LoadResult:
    """One client, ``requests`` questions one after the other (no time limit beyond them)."""
    return asyncio.run(_run(url, questions, 1, float("inf"), requests))


def run_concurrent(
    url: str, questions: Sequence[str], *, clients: int, seconds: float, max_requests: int
) -> LoadResult:
    """``clients`` concurrent clients for ``seconds`` or ``max_requests``, whichever ends first."""
    if not 1 <= clients <= 256:
        raise ValueError(f"clients={clients} is outside 1..256")
    return asyncio.run(_run(url, questions, clients, seconds, max_requests))
