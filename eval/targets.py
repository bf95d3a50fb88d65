"""The system under test, reached through its public interfaces: in-process or over HTTP.

Both targets turn a gold question into an :class:`~assistant_api.models.AskRequest`, get the
answer contract back and reduce it to an :class:`~eval.records.Outcome`; latency is measured
by the caller's clock, around the whole call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

import httpx
from pydantic import ValidationError

from assistant_api import AskRequest, AskResponse, InstitutionCard
from eval.errors import TargetError
from eval.gold import GoldQuestion
from eval.metrics import check_citations
from eval.records import Outcome

__all__ = ["HttpTarget", "InProcessTarget", "Target", "outcome_from_response", "request_for"]

logger = logging.getLogger(__name__)

#: Seconds one HTTP answer may take before it counts as an error (the API's p95 target is
#: 250 ms; this only catches a hung server).
HTTP_TIMEOUT_S = 60.0
#: A rate-limited question (429) is retried after Retry-After, this many times, so that a run
#: against a production-configured API (120 requests/min) completes instead of failing.
RATE_LIMIT_RETRIES = 5
#: Longest Retry-After honoured, seconds.
MAX_RETRY_AFTER_S = 60.0


def _retry_after(value: str | None) -> float:
    try:
        seconds = float(value) if value is not None else 1.0
    except ValueError:
        seconds = 1.0
    return min(MAX_RETRY_AFTER_S, max(0.0, seconds))


class _Service(Protocol):
    def ask(self, request: AskRequest) -> AskResponse: ...


class Target(Protocol):
    """Answers gold questions."""

    name: str

    def answer(self, question: GoldQuestion) -> Outcome: ...

    def close(self) -> None: ...


def request_for(question: GoldQuestion) -> AskRequest:
    """The request a person would send: the question, its audience and commune.

    The language is left to detection (language match is measured), and the commune only
    when the question names one — the gold ``commune`` is what the system must find itself.
    """
    return AskRequest(question=question.question, audience=question.audience)


def contact_kind(card: InstitutionCard) -> str:
    """What a card lets a person do first: call (``phone``), go (``address_hours``), or neither."""
    if card.phones:
        return "phone"
    return "address_hours" if card.address and card.hours else "none"


def outcome_from_response(question_id: str, response: AskResponse, latency_ms: float) -> Outcome:
    """Reduce an answer contract to the fields the metrics read."""
    valid, problems = check_citations(response)
    return Outcome(
        id=question_id,
        ranked=tuple(card.id for card in response.institutions),
        kind=response.kind,
        language=response.language,
        answer=response.answer,
        contacts=tuple(contact_kind(card) for card in response.institutions),
        contexts=tuple(c.snippet for c in response.citations if c.snippet),
        context_ids=tuple(c.institution_id for c in response.citations if c.institution_id),
        citation_valid=valid,
        citation_problems=tuple(problems),
        latency_ms=latency_ms,
    )


class InProcessTarget:
    """The assistant's service object, called directly (``assistant_api.runtime``)."""

    name = "in-process"

    def __init__(self, service: _Service) -> None:
        self._service = service

    def answer(self, question: GoldQuestion) -> Outcome:
        request = request_for(question)
        started = time.perf_counter()
        response = self._service.ask(request)
        latency = (time.perf_counter() - started) * 1000
        return outcome_from_response(question.id, response, latency)

    def close(self) -> None:
        """Nothing to release: the caller owns the runtime."""


class HttpTarget:
    """``POST {url}/v1/ask``; professional questions carry ``Authorization: Bearer``."""

    def __init__(
        self,
        url: str,
        *,
        pro_token: str | None = None,
        timeout_s: float = HTTP_TIMEOUT_S,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise TargetError(f"target URL {url!r} must start with http:// or https://")
        self.name = url.rstrip("/")
        self._pro_token = pro_token
        self._sleep = sleep
        self._client = httpx.Client(base_url=self.name, timeout=timeout_s, transport=transport)

    def answer(self, question: GoldQuestion) -> Outcome:
        request = request_for(question)
        headers: dict[str, str] = {}
        if question.audience == "professional" and self._pro_token:
            headers["Authorization"] = f"Bearer {self._pro_token}"
        payload = request.model_dump(mode="json", exclude_none=True)
        for _attempt in range(RATE_LIMIT_RETRIES + 1):
            started = time.perf_counter()
            try:
                http_response = self._client.post("/v1/ask", json=payload, headers=headers)
            except httpx.HTTPError as exc:
                raise TargetError(f"cannot reach {self.name}/v1/ask: {exc}") from exc
            latency = (time.perf_counter() - started) * 1000
            if http_response.status_code != 429:
                break
            wait = _retry_after(http_response.headers.get("Retry-After"))
            logger.info("%s rate-limited the evaluation; waiting %.0f s", self.name, wait)
            self._sleep(wait)
        if http_response.status_code == 401 and question.audience == "professional":
            # Every further professional question would be refused too: stop, and say why,
            # rather than count them as misses.
            raise TargetError(
                f"{self.name} refused the professional token (HTTP 401 on {question.id}); "
                "check PERMANENCE_EVAL_PRO_TOKEN"
                if self._pro_token
                else f"{self.name} answers professional questions only with a token "
                f"(HTTP 401 on {question.id}); set PERMANENCE_EVAL_PRO_TOKEN"
            )
        if http_response.status_code != 200:
            logger.warning(
                "%s answered %d for %s", self.name, http_response.status_code, question.id
            )
            return Outcome(
                id=question.id,
                latency_ms=latency,
                error=f"HTTP {http_response.status_code}: {http_response.text[:200]}",
            )
        try:
            response = AskResponse.model_validate(http_response.json())
        except (ValueError, ValidationError) as exc:
            return Outcome(
                id=question.id, latency_ms=latency, error=f"not an answer contract: {exc}"
            )
        return outcome_from_response(question.id, response, latency)

    def close(self) -> None:
        self._client.close()
