"""Abuse (issue 22): spoofed forwarded addresses, floods, slow headers.

The probe found the rate-limit key spoofable with ``X-Forwarded-For`` from 127.0.0.1, no
concurrency cap (one flooding address raised a polite client's p95 from 75 ms to 2.3 s) and
no header timeout (1,000 slow-header connections held for 45 s). Each test below runs uvicorn
on 127.0.0.1 with the options of ``permanence serve`` (``server_options.server_config``);
distinct clients are distinct loopback addresses (127.0.0.2, 127.0.0.3, …), which Linux routes
to the same interface.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import httpx
import pytest
import uvicorn
from starlette.types import Receive, Scope, Send

from assistant_api.app import create_app
from assistant_api.http.middleware import (
    ConcurrencyLimitMiddleware,
    RateLimitMiddleware,
    Tarpit,
)
from assistant_api.http.server_options import HeaderDeadlineProtocol, server_config
from assistant_api.runtime import AssistantRuntime
from eval.bench.server import serve_subprocess
from permanence.settings import LimitSettings, Settings
from tests.assistant_api.conftest import settings_for
from tests.conftest import TINY_CORPUS

#: The header deadline of the in-thread servers (``permanence serve`` waits 10 s).
QUICK_HEADER_TIMEOUT_S = 0.5


class _QuickDeadline(HeaderDeadlineProtocol):
    header_timeout_s = QUICK_HEADER_TIMEOUT_S


@contextlib.contextmanager
def _serve(app: object, limits: LimitSettings) -> Iterator[tuple[str, int]]:
    """``app`` under ``permanence serve``'s uvicorn options, on a thread; yields (url, port)."""
    config = server_config(app, limits, host="127.0.0.1", port=0)
    config.http = _QuickDeadline
    config.log_level = "warning"
    config.access_log = False
    server = uvicorn.Server(config)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 240
    try:
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", port
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@pytest.fixture(scope="module")
def api_settings(tiny_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The tiny index, analytics of its own, the default limits but a generous token bucket."""
    data_dir = tmp_path_factory.mktemp("abuse-analytics")
    return settings_for(
        tiny_settings, data_dir=data_dir, redactor="regex", limits={"requests_per_minute": 100_000}
    )


def _client(url: str, address: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``address`` (a loopback address of its own)."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, transport=transport, timeout=30)


# --- forwarded addresses -------------------------------------------------------------------


def _statuses_with_spoofed_addresses(url: str, count: int) -> list[int]:
    with _client(url) as client:
        return [
            client.get(
                "/v1/institutions", headers={"X-Forwarded-For": f"203.0.113.{i}"}
            ).status_code
            for i in range(count)
        ]


@pytest.mark.integration
def test_forwarded_for_does_not_choose_the_rate_limit_key_by_default(
    api_settings: Settings, tiny_runtime: AssistantRuntime
) -> None:
    settings = settings_for(api_settings, limits={"requests_per_minute": 2})
    assert settings.limits.trusted_proxies == []
    with _serve(create_app(settings, runtime=tiny_runtime), settings.limits) as (url, _):
        # each request claims another address; all come from 127.0.0.1 and share its bucket
        assert _statuses_with_spoofed_addresses(url, 3) == [200, 200, 429]


@pytest.mark.integration
def test_forwarded_for_is_believed_from_a_trusted_proxy_only(
    api_settings: Settings, tiny_runtime: AssistantRuntime
) -> None:
    settings = settings_for(
        api_settings, limits={"requests_per_minute": 2, "trusted_proxies": "127.0.0.2, ::2"}
    )
    assert settings.limits.trusted_proxies == ["127.0.0.2", "::2"]
    with _serve(create_app(settings, runtime=tiny_runtime), settings.limits) as (url, _):
        with _client(url, "127.0.0.2") as proxy:
            statuses = [
                proxy.get("/v1/institutions", headers={"X-Forwarded-For": f"198.51.100.{i}"})
                for i in range(4)
            ]
        assert [r.status_code for r in statuses] == [200] * 4  # one bucket per forwarded client
        # 127.0.0.1 is not a trusted proxy here: its header is ignored again
        assert _statuses_with_spoofed_addresses(url, 3) == [200, 200, 429]


def test_serve_trusts_no_forwarded_header_unless_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # uvicorn's own variable is not obeyed
    default = server_config(None, LimitSettings(), host="127.0.0.1", port=0)
    assert default.proxy_headers is False
    assert default.forwarded_allow_ips == []
    trusted = server_config(
        None, LimitSettings(trusted_proxies=["10.0.0.0/8"]), host="127.0.0.1", port=0
    )
    assert trusted.proxy_headers is True
    assert trusted.forwarded_allow_ips == ["10.0.0.0/8"]


# --- slow headers ----------------------------------------------------------------------------


async def _hello(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _closed_within(sock: socket.socket, head: bytes, seconds: float) -> float | None:
    """Send ``head`` one byte every 50 ms; the seconds until the server closed, or None."""
    started = time.monotonic()
    sock.setblocking(False)
    for byte in head * 100:
        if time.monotonic() - started > seconds:
            return None
        try:
            sock.send(bytes([byte]))
            if sock.recv(1024) == b"":
                return time.monotonic() - started
        except BlockingIOError:
            pass
        except OSError:  # reset or broken pipe: closed by the server
            return time.monotonic() - started
        time.sleep(0.05)
    return None


SLOW_HEAD = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: "


@pytest.mark.integration
def test_a_connection_sending_headers_byte_by_byte_is_closed() -> None:
    with (
        _serve(_hello, LimitSettings()) as (_, port),
        socket.create_connection(("127.0.0.1", port)) as sock,
    ):
        closed = _closed_within(sock, SLOW_HEAD, seconds=5)
    assert closed is not None, "a slow-header connection was held for 5 s"
    assert closed >= QUICK_HEADER_TIMEOUT_S * 0.9


@pytest.mark.integration
def test_slow_headers_after_a_first_request_are_cut_too() -> None:
    """Keep-alive: the deadline is armed again for the next request of the connection."""
    with (
        _serve(_hello, LimitSettings()) as (_, port),
        socket.create_connection(("127.0.0.1", port)) as sock,
    ):
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        sock.settimeout(5)
        assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        closed = _closed_within(sock, SLOW_HEAD, seconds=5)
    assert closed is not None, "the second request's slow headers were waited for"


@pytest.mark.integration
def test_many_slow_header_connections_are_all_dropped() -> None:
    with _serve(_hello, LimitSettings()) as (url, port):
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(200)]
        try:
            for sock in sockets:
                sock.sendall(SLOW_HEAD)
            time.sleep(QUICK_HEADER_TIMEOUT_S + 1.5)
            for sock in sockets:
                sock.settimeout(5)
                assert sock.recv(1024) == b""  # closed by the server, nothing answered
        finally:
            for sock in sockets:
                sock.close()
        # and an ordinary client is still served, on a connection that is kept alive
        with httpx.Client(base_url=url, timeout=10) as client:
            assert [client.get("/health").status_code for _ in range(3)] == [200] * 3


# --- concurrency caps ----------------------------------------------------------------------


class _Held:
    """An ASGI app whose ``/v1/hold`` answers once released; everything else at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.holding = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/v1/hold":
            self.holding += 1
            while not self.release.is_set():
                await asyncio.sleep(0.01)
            self.holding -= 1
        await _hello(scope, receive, send)


def _wait_holding(held: _Held, count: int) -> None:
    deadline = time.monotonic() + 30
    while held.holding < count:
        assert time.monotonic() < deadline, f"{held.holding} of {count} requests held"
        time.sleep(0.01)


@pytest.mark.integration
def test_beyond_max_in_flight_api_requests_get_a_fast_503_but_probes_pass() -> None:
    held = _Held()
    app = ConcurrencyLimitMiddleware(held, max_in_flight=3, client_in_flight=100)
    with (
        _serve(app, LimitSettings()) as (url, _),
        contextlib.ExitStack() as clients,
        ThreadPoolExecutor(3) as pool,
    ):
        holders = [clients.enter_context(_client(url, f"127.0.0.{i + 2}")) for i in range(3)]
        holding = [pool.submit(holder.get, "/v1/hold") for holder in holders]
        _wait_holding(held, 3)
        with _client(url, "127.0.0.9") as other:
            started = time.monotonic()
            shed = other.get("/v1/institutions")
            took = time.monotonic() - started
            assert shed.status_code == 503 and shed.headers["retry-after"] == "1"
            assert took < 5  # answered at once, not queued behind the held requests
            assert other.get("/health").status_code == 200
            assert other.get("/metrics").status_code == 200
            held.release.set()
            assert [f.result().status_code for f in holding] == [200] * 3
            assert other.get("/v1/institutions").status_code == 200  # the slots are free again


@pytest.mark.integration
def test_one_client_cannot_take_every_slot() -> None:
    held = _Held()
    app = ConcurrencyLimitMiddleware(
        held, max_in_flight=10, client_in_flight=2, tarpit=Tarpit(seconds=0.5)
    )
    with (
        _serve(app, LimitSettings()) as (url, _),
        _client(url, "127.0.0.2") as holder,
        ThreadPoolExecutor(2) as pool,
    ):
        flooder = [pool.submit(holder.get, "/v1/hold") for _ in range(2)]
        _wait_holding(held, 2)
        with _client(url, "127.0.0.2") as again, _client(url, "127.0.0.3") as polite:
            started = time.monotonic()
            refused = again.get("/v1/institutions")
            assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
            assert time.monotonic() - started >= 0.45  # held back by the tarpit
            assert polite.get("/v1/institutions").status_code == 200
            # the platform's webhooks are not counted per client
            assert again.post("/v1/telephony/voice").status_code == 200
            held.release.set()
            assert [f.result().status_code for f in flooder] == [200, 200]
            assert again.get("/v1/institutions").status_code == 200


@pytest.mark.integration
def test_a_staff_token_lifts_the_per_client_cap_and_a_wrong_one_does_not() -> None:
    """Anonymous: one request in flight per address; a valid staff token: three."""
    held = _Held()
    app = ConcurrencyLimitMiddleware(
        held,
        max_in_flight=10,
        client_in_flight=1,
        staff_in_flight=3,
        staff_tokens=["pro-token-0123456789abcdef"],
        tarpit=Tarpit(seconds=0.1),
    )
    staff = {"Authorization": "Bearer pro-token-0123456789abcdef"}
    forged = {"Authorization": "Bearer pro-token-0123456789abcdeX"}
    with (
        _serve(app, LimitSettings()) as (url, _),
        _client(url, "127.0.0.2") as first,
        ThreadPoolExecutor(3) as pool,
    ):
        holding = [pool.submit(first.get, "/v1/hold", headers=staff) for _ in range(2)]
        _wait_holding(held, 2)
        with _client(url, "127.0.0.2") as again, _client(url, "127.0.0.3") as other:
            # the address has 2 in flight: over the anonymous cap, under the staff one
            refused = [again.get("/v1/institutions", headers=h).status_code for h in ({}, forged)]
            assert refused == [429, 429]
            assert "at most 1 request" in again.get("/v1/institutions").json()["detail"]
            holding.append(pool.submit(again.get, "/v1/hold", headers=staff))
            _wait_holding(held, 3)
            assert again.get("/v1/institutions", headers=staff).status_code == 429  # 3 of 3
            assert other.get("/v1/institutions").status_code == 200  # another address is free
            held.release.set()
            assert [f.result().status_code for f in holding] == [200] * 3
            assert again.get("/v1/institutions").status_code == 200


def test_the_app_installs_the_caps_from_the_settings(
    api_settings: Settings, tiny_runtime: AssistantRuntime
) -> None:
    settings = settings_for(api_settings, limits={"max_in_flight": 7, "client_in_flight": 3})
    app = create_app(settings, runtime=tiny_runtime)
    (cap,) = [m for m in app.user_middleware if cast(object, m.cls) is ConcurrencyLimitMiddleware]
    assert {k: v for k, v in cap.kwargs.items() if k != "tarpit"} == {
        "max_in_flight": 7,
        "client_in_flight": 3,
        "staff_in_flight": 4,
        "staff_tokens": settings.staff_token_list(),
    }
    assert settings.staff_token_list()  # the fixture's professional and admin tokens
    (limit,) = [m for m in app.user_middleware if cast(object, m.cls) is RateLimitMiddleware]
    assert (
        isinstance(cap.kwargs["tarpit"], Tarpit) and limit.kwargs["tarpit"] is cap.kwargs["tarpit"]
    )


@pytest.mark.integration
def test_the_tarpit_holds_a_bounded_number_of_refusals() -> None:
    async def refusals() -> tuple[float, int]:
        tarpit = Tarpit(seconds=0.5, max_held=2)
        started = asyncio.get_running_loop().time()
        held = [asyncio.create_task(tarpit.wait(1)) for _ in range(2)]
        await asyncio.sleep(0)
        await tarpit.wait(1)  # a third one is not held: the bound is reached
        at_once = asyncio.get_running_loop().time() - started
        await asyncio.gather(*held)
        return at_once, tarpit.held

    at_once, left = asyncio.run(refusals())
    assert at_once < 0.4 and left == 0


def test_caps_are_validated() -> None:
    with pytest.raises(ValueError, match="max_in_flight=0"):
        ConcurrencyLimitMiddleware(_hello, max_in_flight=0, client_in_flight=1)
    with pytest.raises(ValueError, match="staff_in_flight=0"):
        ConcurrencyLimitMiddleware(_hello, max_in_flight=4, client_in_flight=1, staff_in_flight=0)
    defaults = LimitSettings()
    assert (defaults.max_in_flight, defaults.client_in_flight, defaults.staff_in_flight) == (
        16,
        1,
        4,
    )


@pytest.mark.integration
def test_a_flooding_client_is_refused_while_polite_ones_are_all_answered(
    api_settings: Settings, tiny_runtime: AssistantRuntime
) -> None:
    """Real answers: 24 concurrent questions from one address beside two polite askers."""
    settings = settings_for(api_settings, limits={"requests_per_minute": 100_000})
    question = {"question": "J'ai des dettes, qui peut m'aider à Neuchâtel ?"}
    with _serve(create_app(settings, runtime=tiny_runtime), settings.limits) as (url, _):
        flooder = httpx.Client(
            base_url=url,
            transport=httpx.HTTPTransport(local_address="127.0.0.2"),
            limits=httpx.Limits(max_connections=24),
            timeout=60,
        )
        stop = threading.Event()
        flood: list[int] = []

        def flood_loop() -> None:
            while not stop.is_set():
                flood.append(flooder.post("/v1/ask", json=question).status_code)

        with ThreadPoolExecutor(24) as pool, flooder:
            loops = [pool.submit(flood_loop) for _ in range(24)]
            polite: list[int] = []
            for address in ("127.0.0.3", "127.0.0.4"):
                with _client(url, address) as client:
                    polite += [client.post("/v1/ask", json=question).status_code for _ in range(3)]
            stop.set()
            for loop in loops:
                loop.result()
    assert polite == [200] * 6
    assert 429 in flood and set(flood) <= {200, 429}


# --- against the real command ----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.integration
def test_permanence_serve_ignores_forwarded_for_and_drops_slow_headers(
    tiny_data_dir: Path, tmp_path: Path
) -> None:
    shutil.copytree(tiny_data_dir, tmp_path / "data", ignore=shutil.ignore_patterns("analytics*"))
    environment = {
        "PERMANENCE_CORPUS_DIR": str(TINY_CORPUS),
        "PERMANENCE_LIMITS_REQUESTS_PER_MINUTE": "2",
        "FORWARDED_ALLOW_IPS": "*",  # uvicorn's variable: must not make the header trusted
    }
    log = tmp_path / "serve.log"
    with serve_subprocess(tmp_path / "data", "use", "regex", log, environment=environment) as api:
        assert _statuses_with_spoofed_addresses(api.url, 3) == [200, 200, 429]
        port = int(api.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port)) as sock:
            closed = _closed_within(sock, SLOW_HEAD, seconds=30)
    assert closed is not None, "permanence serve held a slow-header connection for 30 s"
    assert closed >= 9  # HEADER_TIMEOUT_S = 10: not cut before
