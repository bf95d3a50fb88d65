"""Fetch a call recording from the telephony platform, and from nowhere else.

A webhook parameter is attacker-controlled unless the signature was checked, so the recording
URL is fetched only from configured hosts (``PERMANENCE_TELEPHONY_MEDIA_HOSTS``; ``*.host``
matches sub-domains), over HTTPS except on loopback, following redirects by hand so that each
hop is checked (Twilio redirects media to its CDN), with the size limit enforced while reading.
The platform's credentials go only to the first host, never to a redirect target.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urljoin, urlsplit

import httpx

from assistant_api.voice.errors import AudioRejected

__all__ = ["MAX_REDIRECTS", "fetch_recording", "host_allowed"]

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def host_allowed(url: str, allowed: list[str]) -> bool:
    """Whether ``url`` is http(s) on an allowed host (https required off loopback)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in {"http", "https"}:
        return False
    if parts.scheme == "http" and not _loopback(host):
        return False
    for pattern in (p.strip().lower() for p in allowed if p.strip()):
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
        if host == pattern:
            return True
    return False


def fetch_recording(
    url: str,
    *,
    allowed_hosts: list[str],
    max_bytes: int,
    client: httpx.Client,
    auth: tuple[str, str] | None = None,
) -> bytes:
    """The recording at ``url``.

    Raises:
        AudioRejected: 400 when the URL or a redirect leaves the allowed hosts, 413 when the
            recording is too large, 422 when it cannot be fetched.
    """
    current = url
    for hop in range(MAX_REDIRECTS + 1):
        if not host_allowed(current, allowed_hosts):
            raise AudioRejected(
                f"recording URL host {urlsplit(current).hostname!r} is not allowed; add it to "
                "PERMANENCE_TELEPHONY_MEDIA_HOSTS if it is your telephony platform",
                status_code=400,
                reason="media_host",
            )
        try:
            with client.stream(
                "GET", current, auth=auth if hop == 0 else None, follow_redirects=False
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                if response.status_code != 200:
                    raise AudioRejected(
                        f"the recording could not be fetched (HTTP {response.status_code})",
                        status_code=422,
                        reason="media_fetch",
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise AudioRejected(
                            f"the recording exceeds {max_bytes} bytes",
                            status_code=413,
                            reason="too_large",
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise AudioRejected(
                f"the recording could not be fetched: {exc}", status_code=422, reason="media_fetch"
            ) from exc
    raise AudioRejected(
        f"the recording URL redirected more than {MAX_REDIRECTS} times",
        status_code=422,
        reason="media_fetch",
    )
