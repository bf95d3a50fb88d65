"""The abusive client of the abuse bench, run in a process of its own (``eval/bench/abuse.py``).

``python -m eval.bench.flood URL QUESTION CONNECTIONS SECONDS`` keeps ``CONNECTIONS`` requests
in flight from ``FLOOD_ADDRESS`` for ``SECONDS``, each sent as soon as the previous one of its
connection is answered, then prints how many got each status as JSON. It imports nothing of
the server, so it starts in a second and competes for the CPU as an outside attacker does.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Sequence

import httpx

from eval.bench.load import REQUEST_TIMEOUT_S, check_local

__all__ = ["FLOOD_ADDRESS", "flood"]

#: The abusive client's address; the polite clients are 127.0.0.10, .11, …
FLOOD_ADDRESS = "127.0.0.2"


async def flood(url: str, question: str, connections: int, seconds: float) -> dict[str, int]:
    statuses: dict[str, int] = {}
    transport = httpx.AsyncHTTPTransport(local_address=FLOOD_ADDRESS)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    deadline = time.perf_counter() + seconds

    async def one(http: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            try:
                status = str((await http.post("/v1/ask", json={"question": question})).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            statuses[status] = statuses.get(status, 0) + 1

    async with httpx.AsyncClient(
        base_url=url, transport=transport, limits=limits, timeout=REQUEST_TIMEOUT_S
    ) as http:
        await asyncio.gather(*(one(http) for _ in range(connections)))
    return dict(sorted(statuses.items()))


def main(argv: Sequence[str]) -> int:
    url, question, connections, seconds = argv
    check_local(url)
    print(json.dumps(asyncio.run(flood(url, question, int(connections), float(seconds)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
