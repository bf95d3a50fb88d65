"""``DELETE /v1/conversations/{id}``: forget a conversation now rather than in 30 minutes.

The widget's "new question" calls it. A professional conversation is deleted only with a valid
professional token, a public one without: the same rule as reading them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Response, status

from assistant_api.http.deps import ServicesDep, is_professional

__all__ = ["router"]

router = APIRouter(tags=["conversations"])


@router.delete(
    "/v1/conversations/{conversation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "no such conversation for this caller (or already gone)"}},
)
async def delete_conversation(
    conversation_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")],
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Response:
    """Forget every turn of the conversation."""
    professional = is_professional(services.settings, authorization)
    audience: Literal["public", "professional"] = "professional" if professional else "public"
    if not services.conversations.store.delete(conversation_id, audience):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such conversation")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
