"""``GET /health``: is the assistant up, what has it loaded."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from assistant_api.http.deps import running_services

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    models_loaded: bool
    models: list[str]
    documents: int
    chunks: int
    institutions: int
    corpus_version: str | None
    components: dict[str, str] = {}


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    services = running_services(request)
    if services is None:
        return Health(
            status="starting",
            models_loaded=False,
            models=[],
            documents=0,
            chunks=0,
            institutions=0,
            corpus_version=None,
        )
    runtime = services.runtime
    stats = runtime.stats()
    return Health(
        status="ok",
        models_loaded=runtime.service.ready,
        models=stats.models,
        documents=stats.documents,
        chunks=stats.chunks,
        institutions=stats.institutions,
        corpus_version=stats.corpus_version,
        components=dict(services.components.snapshot()),
    )
