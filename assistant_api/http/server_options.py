"""How ``permanence serve`` runs uvicorn: whom it believes, and how long it waits for headers.

Three things uvicorn's defaults get wrong for a public service:

- **Forwarded addresses.** uvicorn believes ``X-Forwarded-For`` from 127.0.0.1 by default, so
  any local process (or a proxy that passes the header through) chooses the address the rate
  limit counts. Here the header is read only when the peer is one of
  ``limits.trusted_proxies``, and not at all when that list is empty (the default).
- **Slow headers.** uvicorn's keep-alive timeout only starts once a response is sent: a
  connection that sends its request line and headers one byte at a time is held for ever.
  :class:`HeaderDeadlineProtocol` closes a connection whose headers are not complete
  ``HEADER_TIMEOUT_S`` after it opened (or after its previous response).
- **Header size.** h11's buffer of an incomplete request head is capped explicitly.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from permanence.settings import LimitSettings

__all__ = [
    "HEADER_TIMEOUT_S",
    "KEEP_ALIVE_S",
    "MAX_HEADER_BYTES",
    "HeaderDeadlineProtocol",
    "server_config",
]

#: Seconds a client has to send a request's line and headers. Browsers and proxies send them
#: in one packet; 10 s leaves room for a slow mobile link (nginx allows 60 s by default).
HEADER_TIMEOUT_S = 10.0
#: Seconds an idle keep-alive connection is kept (uvicorn's default, set explicitly).
KEEP_ALIVE_S = 5
#: Bytes of an incomplete request head (request line and headers) h11 buffers; 16 KiB is
#: h11's default and well above any header this API reads.
MAX_HEADER_BYTES = 16_384


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's h11 protocol, which drops a connection that is too slow to send its headers.

    The deadline is armed when the connection opens and again after each response (while the
    connection waits for the next request), and disarmed as soon as h11 has a whole request
    head. Bodies are not timed here: the body limit and the route's own reads bound them.
    """

    header_timeout_s: float = HEADER_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._header_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._disarm_header_deadline()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm_header_deadline(self) -> None:
        deadline = getattr(self, "_header_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._header_deadline = None

    def _headers_late(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server_config(
    app: Any,  # uvicorn types its app as Any too: an ASGI app, a factory or an import string
    limits: LimitSettings,
    *,
    host: str,
    port: int,
    log_config: dict[str, Any] | None = None,
) -> uvicorn.Config:
    """The uvicorn configuration of ``permanence serve`` (and of the tests that stand for it)."""
    trusted = list(limits.trusted_proxies)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config,
        http=HeaderDeadlineProtocol,
        proxy_headers=bool(trusted),
        # Passed even when empty: uvicorn would otherwise read FORWARDED_ALLOW_IPS.
        forwarded_allow_ips=trusted,
        timeout_keep_alive=KEEP_ALIVE_S,
        h11_max_incomplete_event_size=MAX_HEADER_BYTES,
    )
