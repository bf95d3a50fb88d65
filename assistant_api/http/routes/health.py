"""``GET /health``: is the assistant up, what has it loaded, and can it be trusted.

"ok" is not said of a partial or stale index, nor of an analytics store that cannot write:
the index's last build marker (written only once a build finished, :mod:`index.backends.builds`)
must agree with the chunks the index holds and with the store's active documents, and the
analytics store must not have failed its last write. Otherwise the status is "degraded" and
``reasons`` says why — the service still answers, so it is not a 503.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from assistant_api.http.deps import running_services
from assistant_api.services import Services

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
    reasons: list[str] = []


def _index_reasons(services: Services, documents: int, chunks: int) -> list[str]:
    """Why the index cannot be trusted as complete and current (empty: it can)."""
    marker = services.runtime.search_index.backend.build_marker()
    if marker is None:
        return ["the index records no finished build; run `permanence index --rebuild`"]
    if marker.state != "complete":
        return [f"an index build started at {marker.at} has not finished (interrupted, or running)"]
    reasons = []
    if marker.chunks != chunks:
        reasons.append(
            f"the index holds {chunks} chunks, its last build ({marker.at}) wrote "
            f"{marker.chunks}; run `permanence index`"
        )
    if marker.documents != documents:
        reasons.append(
            f"the store has {documents} active documents, the index was built from "
            f"{marker.documents}; run `permanence index`"
        )
    return reasons


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
    reasons = _index_reasons(services, stats.documents, stats.chunks)
    components = dict(services.components.snapshot())
    failure = services.analytics.failure
    components["analytics"] = "ok" if failure is None else f"failing: {failure}"
    if failure is not None:
        reasons.append(f"the analytics store cannot write ({failure}); feedback is refused")
    return Health(
        status="degraded" if reasons else "ok",
        reasons=reasons,
        models_loaded=runtime.service.ready,
        models=stats.models,
        documents=stats.documents,
        chunks=stats.chunks,
        institutions=stats.institutions,
        corpus_version=stats.corpus_version,
        components=components,
    )
