"""Ask the gold conversations through the HTTP API (in process, or a running server's URL)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import httpx

from assistant_api import AskResponse
from eval.conversations.score import TurnOutcome
from ingest.corpus import GoldConversation

__all__ = ["AskClient", "ask_conversations", "http_client", "in_process_client"]


class _Reply(Protocol):
    def raise_for_status(self) -> object: ...
    def json(self) -> object: ...


class AskClient(Protocol):
    """What the run needs of an HTTP client: ``httpx.Client`` or Starlette's test client."""

    def post(
        self, url: str, *, json: object = None, headers: dict[str, str] | None = None
    ) -> _Reply: ...


@contextmanager
def in_process_client(settings: object) -> Iterator[tuple[AskClient, str]]:
    """The API of ``settings`` served in this process, and a professional token it accepts
    (made for this run when none is configured)."""
    from starlette.testclient import TestClient

    from assistant_api import create_app
    from permanence.settings import Settings

    assert isinstance(settings, Settings)
    tokens = settings.pro_token_list() or [secrets.token_urlsafe(24)]
    served = settings.updated(
        {"limits": {"requests_per_minute": 100_000_000}, "pro_tokens": ",".join(tokens)}
    )
    with TestClient(create_app(served), raise_server_exceptions=True) as client:
        yield client, tokens[0]


@contextmanager
def http_client(url: str) -> Iterator[AskClient]:
    with httpx.Client(base_url=url.rstrip("/"), timeout=120) as client:
        yield client


def ask_conversations(
    client: AskClient,
    conversations: Sequence[GoldConversation],
    *,
    pro_token: str | None = None,
    standalone: bool = False,
) -> list[TurnOutcome]:
    """Every turn of every conversation, in order, as a person would ask them (no commune or
    language sent: the conversation must carry them). ``standalone``: each turn asked alone,
    the baseline of what the conversation adds."""
    outcomes: list[TurnOutcome] = []
    for conversation in conversations:
        professional = conversation.audience == "professional"
        headers = {"Authorization": f"Bearer {pro_token}"} if pro_token and professional else {}
        conversation_id: str | None = None
        for index, turn in enumerate(conversation.turns):
            response = client.post(
                "/v1/ask",
                json={
                    "question": turn.question,
                    "audience": conversation.audience,
                    "conversation_id": conversation_id,
                },
                headers=headers,
            )
            response.raise_for_status()
            body = AskResponse.model_validate(response.json())
            conversation_id = None if standalone else body.conversation_id
            clarification = body.clarification
            outcomes.append(
                TurnOutcome(
                    conversation_id=conversation.id,
                    turn=index,
                    followup=turn.followup,
                    expected_kind=turn.kind,
                    kind=body.kind,
                    acceptable=tuple(turn.acceptable),
                    shown=tuple(card.id for card in body.institutions),
                    expected_clarification=turn.clarification,
                    clarification=clarification.field if clarification else None,
                    expected_language=turn.language,
                    language=body.language,
                )
            )
    return outcomes
