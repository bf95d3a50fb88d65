"""Build the running assistant from settings: store → index → service.

This is the only place that opens the data dir for the API, so the CLI (``permanence ask``),
the HTTP app and the evaluation's in-process mode all answer with the same components. With
``PERMANENCE_LLM_BASE_URL`` set, answers are rewritten by that model and checked; without it
nothing leaves the process (``PERMANENCE_LLM_BACKEND=embedded`` rewrites them in-process).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from assistant_api.answer.communes import CommuneDirectory
from assistant_api.answer.composer import Composer, ExtractiveComposer
from assistant_api.answer.service import AssistantService
from assistant_api.answer.templates import AnswerTemplates
from assistant_api.llm import ChatClient, CompletionClient, LLMComposer, LLMPrompts
from assistant_api.llm.embedded import open_embedded_client
from assistant_api.llm.sources import SOURCE_CHARS
from assistant_api.triage.content_guard import InstructionDetector
from assistant_api.triage.emergency import EmergencyClassifier, Prototypes
from assistant_api.triage.language import LanguageDetector
from assistant_api.triage.role_sides import RolePrototypes, RoleSideClassifier
from assistant_api.triage.roles import RoleRecognizer
from assistant_api.triage.safety import SafetyLexicon
from index import E5Embedder, SearchIndex, USEEmbedder, open_search_index
from index.embedders import Embedder
from ingest import DocumentStore, Institution
from ingest.corpus import load_communes
from permanence.settings import FactSettings, LLMSettings, Settings

__all__ = [
    "AssistantRuntime",
    "RuntimeStats",
    "build_composer",
    "build_emergency_classifier",
    "build_role_recognizer",
    "open_runtime",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuntimeStats:
    """What the running assistant has loaded, as ``/health`` reports it."""

    documents: int
    chunks: int
    institutions: int
    corpus_version: str | None
    models: list[str]


@dataclass
class AssistantRuntime:
    """Everything a process needs to answer, with the handles to close at shutdown."""

    settings: Settings
    store: DocumentStore
    search_index: SearchIndex
    service: AssistantService
    communes: CommuneDirectory | None = None
    composer: Composer | None = None

    def stats(self) -> RuntimeStats:
        return RuntimeStats(
            documents=self.store.count(status="active"),
            chunks=self.search_index.backend.count(),
            institutions=len(self.service.institutions),
            corpus_version=self.store.get_meta("corpus_version"),
            models=[e.name for e in self.search_index.embedders] + [self.search_index.sparse.name],
        )

    def resolve_commune(self, commune: str | None, question: str) -> str | None:
        """The commune a request is about (explicit first, then named in the question)."""
        if self.communes is None:
            return commune
        resolved = self.communes.resolve(commune) if commune else None
        return resolved or self.communes.find_in_text(question)

    def close(self) -> None:
        if isinstance(self.composer, LLMComposer):
            self.composer.close()
        self.search_index.close()
        self.store.close()


def build_communes(institutions: list[Institution]) -> CommuneDirectory:
    """The commune table of ``corpora/communes.yaml``, limited to offices that have a record."""
    return CommuneDirectory(load_communes(), known_ids=[i.id for i in institutions])


def build_composer(
    settings: LLMSettings,
    *,
    prompts_dir: Path,
    models_dir: Path,
    safety: SafetyLexicon,
    institutions: list[Institution],
    facts: FactSettings | None = None,
) -> Composer:
    """The extractive composer, wrapped by the LLM composer when an LLM is configured.

    ``backend="embedded"`` loads the in-process model here, once per process (start-up takes
    its load time); otherwise a base URL selects the HTTP client.
    """
    detector = InstructionDetector(safety.is_injection)
    ages = facts or FactSettings()
    extractive = ExtractiveComposer(
        is_instruction=detector, current_days=ages.current_days, ageing_days=ages.ageing_days
    )
    client: CompletionClient
    max_sources: int | None = None  # the HTTP model gets every source at full length
    source_chars = SOURCE_CHARS
    if settings.backend == "embedded":
        embedded = open_embedded_client(settings, models_dir=models_dir)
        logger.info("LLM composer: embedded model %s", embedded.model)
        client = embedded
        max_sources = settings.embedded_max_sources
        source_chars = settings.embedded_source_chars
    elif not settings.base_url:
        return extractive
    else:
        api_key = settings.api_key.get_secret_value() if settings.api_key else None
        http = ChatClient(
            settings.base_url,
            model=settings.model or "default",
            api_key=api_key,
            timeout_s=settings.timeout_s,
        )
        logger.info("LLM composer: %s (model %s)", settings.base_url, http.model)
        client = http
    return LLMComposer(
        client=client,
        prompts=LLMPrompts.load(prompts_dir / "llm"),
        is_instruction=detector,
        records={i.id: i for i in institutions},
        extractive=extractive,
        max_sources=max_sources,
        source_chars=source_chars,
    )


def build_emergency_classifier(prompts_dir: Path, embedders: list[Embedder]) -> EmergencyClassifier:
    """The prototype classifier on the retriever's USE model (its own copy if USE is not used).

    Sharing the retriever's embedder lets the retriever reuse the question's vector.
    """
    prototypes = Prototypes.load(prompts_dir / "emergency_prototypes.yaml")
    return EmergencyClassifier(prototypes, _shared(embedders, USEEmbedder))


def _shared(embedders: list[Embedder], kind: type[USEEmbedder] | type[E5Embedder]) -> Embedder:
    """The retriever's model of ``kind`` (its own copy if the retriever does not use it), so
    that the question's vector is computed once for retrieval and the classifiers."""
    shared = [e for e in embedders if e.name == kind.name]
    return shared[0] if shared else kind()


def build_role_recognizer(prompts_dir: Path, embedders: list[Embedder]) -> RoleRecognizer:
    """The role lexicon, with the side classifier on the retriever's USE and e5 models."""
    prototypes = RolePrototypes.load(prompts_dir / "role_prototypes.yaml")
    sides = RoleSideClassifier(
        prototypes, side=_shared(embedders, USEEmbedder), topic=_shared(embedders, E5Embedder)
    )
    return RoleRecognizer(prompts_dir / "roles.yaml", sides=sides)


def open_runtime(settings: Settings) -> AssistantRuntime:
    """Open the store and the index and load every model (once per process)."""
    store = DocumentStore(settings.store_path)
    api_key = settings.qdrant_api_key.get_secret_value() if settings.qdrant_api_key else None
    search_index = open_search_index(
        data_dir=settings.data_dir,
        embed_models=settings.embed_models,
        qdrant_url=settings.qdrant_url,
        qdrant_api_key=api_key,
        collection=settings.collection,
        glossary_path=settings.glossary_path,
    )
    institutions = store.institutions()
    safety = SafetyLexicon(settings.prompts_dir / "safety.yaml")
    communes = build_communes(institutions)
    composer = build_composer(
        settings.llm,
        prompts_dir=settings.prompts_dir,
        models_dir=settings.data_dir / "models",
        safety=safety,
        institutions=institutions,
        facts=settings.facts,
    )
    service = AssistantService(
        retriever=search_index.retriever,
        institutions=institutions,
        templates=AnswerTemplates(settings.prompts_dir / "answer"),
        safety=safety,
        detector=LanguageDetector(),
        communes=communes,
        composer=composer,
        emergency=build_emergency_classifier(settings.prompts_dir, search_index.embedders),
        roles=build_role_recognizer(settings.prompts_dir, search_index.embedders),
    )
    service.warm_up()
    logger.info("assistant ready: %d institutions", len(institutions))
    return AssistantRuntime(
        settings=settings,
        store=store,
        search_index=search_index,
        service=service,
        communes=communes,
        composer=composer,
    )
