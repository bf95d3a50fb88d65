"""Build the running assistant from settings: store → index → service.

This is the only place that opens the data dir for the API, so the CLI (``permanence ask``),
the HTTP app and the evaluation's in-process mode all answer with the same components.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from assistant_api.communes import CommuneDirectory
from assistant_api.language import LanguageDetector
from assistant_api.safety import SafetyLexicon
from assistant_api.service import AssistantService
from assistant_api.templates import AnswerTemplates
from index import SearchIndex, open_search_index
from ingest import DocumentStore
from permanence.settings import Settings

__all__ = ["AssistantRuntime", "open_runtime"]

logger = logging.getLogger(__name__)


@dataclass
class AssistantRuntime:
    """Everything a process needs to answer, with the handles to close at shutdown."""

    settings: Settings
    store: DocumentStore
    search_index: SearchIndex
    service: AssistantService

    def stats(self) -> dict[str, object]:
        return {
            "documents": self.store.count(status="active"),
            "chunks": self.search_index.backend.count(),
            "institutions": len(self.service.institutions),
            "corpus_version": self.store.get_meta("corpus_version"),
            "models": [e.name for e in self.search_index.embedders] + [self.search_index.sparse.name],
        }

    def close(self) -> None:
        self.search_index.close()
        self.store.close()


def open_runtime(settings: Settings) -> AssistantRuntime:
    """Open the store and the index and load every model (once per process)."""
    store = DocumentStore(settings.store_path)
    api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
    search_index = open_search_index(
        data_dir=settings.data_dir,
        embed_models=settings.embed_model_list(),
        qdrant_url=settings.qdrant_url,
        qdrant_api_key=api_key,
        collection=settings.collection,
    )
    institutions = store.institutions()
    service = AssistantService(
        retriever=search_index.retriever,
        institutions=institutions,
        templates=AnswerTemplates(settings.prompts_dir / "answer"),
        safety=SafetyLexicon(settings.prompts_dir / "safety.yaml"),
        detector=LanguageDetector(),
        communes=CommuneDirectory.build(institutions),
    )
    service.warm_up()
    logger.info("assistant ready: %d institutions", len(institutions))
    return AssistantRuntime(settings=settings, store=store, search_index=search_index, service=service)
