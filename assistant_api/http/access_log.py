"""uvicorn's access log without personal data: paths without their query, clients as pseudonyms.

uvicorn logs ``<ip>:<port> - "GET /v1/institutions?q=Marie Dupont 079… HTTP/1.1" 200``: a
search or a voice upload (``/v1/voice?commune=…``) put what a person typed, and where they
are, next to their address in a file kept for weeks. :class:`PrivateAccessFilter` rewrites
every access record before any handler sees it:

- the query string is dropped; what is left of the path goes through the regex redactor
  (a fuzzer or a typo can put anything in a path): about 0.1 ms a request on the 2-core VM
  under load, against tens of milliseconds for an answer;
- the client address becomes ``client-<8 hex>``, an HMAC of the IP under a key drawn at
  start-up and never written anywhere: requests of one client can be told apart while the
  process runs (enough to see one address flooding the API), but not traced back to an
  address, nor linked across restarts. The port is dropped.

:func:`uvicorn_log_config` is uvicorn's own logging configuration with the filter on the
``uvicorn.access`` logger (a logger filter, so every handler, even one added later, gets the
rewritten record); ``permanence serve`` passes it to ``uvicorn.run``.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import logging
import secrets
from urllib.parse import quote, unquote

from assistant_api.analytics.redaction import RegexRedactor

__all__ = ["ACCESS_LOGGER", "PrivateAccessFilter", "client_pseudonym", "uvicorn_log_config"]

#: The logger uvicorn writes one record per request to.
ACCESS_LOGGER = "uvicorn.access"
#: Hex digits of the client pseudonym: 32 bits tell the clients of one server apart.
PSEUDONYM_HEX = 8
#: Characters left as they are when the redacted path is quoted again for the log.
_SAFE_PATH = "/-_.~<>"
_redactor = RegexRedactor()


def client_pseudonym(client: str, *, key: bytes) -> str:
    """``client-<hex>`` for ``"<ip>:<port>"`` (or a bare IP): the port does not count."""
    host = client.rsplit(":", 1)[0] if client.count(":") == 1 else client
    if host.startswith("[") and "]" in host:  # "[::1]:54321"
        host = host[1 : host.index("]")]
    digest = hmac.new(key, host.encode(), hashlib.sha256).hexdigest()
    return f"client-{digest[:PSEUDONYM_HEX]}"


def _private_path(full_path: str) -> str:
    path = unquote(full_path.split("?", 1)[0])
    return quote(_redactor.redact(path), safe=_SAFE_PATH)


class PrivateAccessFilter(logging.Filter):
    """Rewrites uvicorn's access records: no query string, no client address."""

    def __init__(self, name: str = "", *, key: bytes | None = None) -> None:
        super().__init__(name)
        self._key = key if key is not None else secrets.token_bytes(32)

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            client, method, full_path, http_version, status_code = args
            record.args = (
                client_pseudonym(str(client), key=self._key),
                method,
                _private_path(str(full_path)),
                http_version,
                status_code,
            )
        return True


def uvicorn_log_config() -> dict[str, object]:
    """uvicorn's default logging configuration, its access records made private."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"private_access": {"()": PrivateAccessFilter}}
    loggers = config["loggers"]
    loggers[ACCESS_LOGGER] = {**loggers[ACCESS_LOGGER], "filters": ["private_access"]}
    return config
