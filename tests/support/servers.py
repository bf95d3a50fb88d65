"""Servers for tests: ASGI apps on a uvicorn thread on 127.0.0.1 (the bench's runner)."""

from __future__ import annotations

import socket

from eval.bench.server import run_uvicorn

__all__ = ["free_port", "run_uvicorn"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
