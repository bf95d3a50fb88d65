"""What a running app serves with: one frozen :class:`Services`, built once by the lifespan.

``create_app`` makes the parts that must exist before the first request (the metrics and the
rate limiter, which the middleware holds, and the voice channel, which starts loading Whisper
at start-up); :func:`open_services` adds the rest in order — the runtime, then the analytics
store and its recorder, which need the runtime's records — and :meth:`Services.close` releases
them in reverse. Routes reach it through one dependency (``assistant_api.http.deps``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from assistant_api.analytics.recorder import AnalyticsRecorder
from assistant_api.analytics.redaction import build_redactor
from assistant_api.analytics.store import AnalyticsStore
from assistant_api.analytics.themes import ThemeClassifier
from assistant_api.answer.composer import Composer
from assistant_api.answer.institution_search import InstitutionSearch
from assistant_api.conversation import (
    ConversationalAssistant,
    ConversationLexicon,
    ConversationStore,
    FollowUpReader,
)
from assistant_api.http.issued import IssuedAnswers
from assistant_api.http.metrics import ApiMetrics
from assistant_api.http.ratelimit import TokenBucketLimiter
from assistant_api.http.reindex import ReindexJob
from assistant_api.llm import LLMComposer
from assistant_api.runtime import AssistantRuntime, build_communes, open_runtime
from assistant_api.voice.calls import CallBook
from assistant_api.voice.channel import VoiceChannel
from index import Glossary
from permanence.settings import Settings

__all__ = ["ComponentStatus", "Services", "composer_name", "open_services"]


class ComponentStatus:
    """What ``/health`` shows per component (``voice: loading``), written from any thread."""

    def __init__(self) -> None:
        self._status: dict[str, str] = {}
        self._lock = threading.Lock()

    def set(self, component: str, status: str) -> None:
        with self._lock:
            self._status[component] = status

    def snapshot(self) -> Mapping[str, str]:
        with self._lock:
            return dict(self._status)


@dataclass(frozen=True, slots=True)
class Services:
    """Everything a request may use. Frozen: no route swaps a part of a running app."""

    settings: Settings
    runtime: AssistantRuntime
    metrics: ApiMetrics
    limiter: TokenBucketLimiter
    voice: VoiceChannel
    analytics: AnalyticsStore
    recorder: AnalyticsRecorder
    search: InstitutionSearch
    conversations: ConversationalAssistant
    components: ComponentStatus
    calls: CallBook = field(default_factory=CallBook)
    reindex: ReindexJob = field(default_factory=ReindexJob)
    issued: IssuedAnswers = field(default_factory=IssuedAnswers)  # answer ids feedback may name
    owns_runtime: bool = True

    def close(self) -> None:
        """Flush and close analytics, then the runtime if this app opened it."""
        self.recorder.close()
        self.analytics.close()
        if self.owns_runtime:
            self.runtime.close()


def open_services(
    settings: Settings,
    *,
    metrics: ApiMetrics,
    limiter: TokenBucketLimiter,
    voice: VoiceChannel,
    components: ComponentStatus,
    runtime: AssistantRuntime | None = None,
) -> Services:
    """Open the runtime (unless given) and analytics; blocking — call it off the event loop."""
    owns_runtime = runtime is None
    runtime = runtime or open_runtime(settings)
    try:
        store = AnalyticsStore(
            settings.data_dir / "analytics.db",
            retention_days=settings.retention_days,
            max_pages=settings.analytics_max_pages,
        )
    except BaseException:
        if owns_runtime:
            runtime.close()
        raise
    redactor = build_redactor(settings.redactor)
    glossary = _glossary(runtime, settings)
    records = runtime.service.institutions
    recorder = AnalyticsRecorder(
        store=store,
        redactor=redactor,
        themes=ThemeClassifier(glossary, records=records),
    )
    metrics.analytics_pending.set_function(lambda: float(recorder.pending))
    communes = runtime.communes or build_communes(list(records.values()))
    lexicon = ConversationLexicon.load(settings.prompts_dir / "conversation.yaml")
    conversations = ConversationalAssistant(
        service=runtime.service,
        store=ConversationStore(),
        communes=communes,
        lexicon=lexicon,
        reader=FollowUpReader(communes=communes, lexicon=lexicon, glossary=glossary),
        redact=redactor.redact,
    )
    components.set("redactor", redactor.name)
    components.set("composer", composer_name(runtime.composer))
    if isinstance(runtime.composer, LLMComposer):
        runtime.composer.set_outcome_listener(
            lambda outcome: metrics.llm_outcomes.labels(outcome).inc()
        )
    return Services(
        settings=settings,
        runtime=runtime,
        metrics=metrics,
        limiter=limiter,
        voice=voice,
        analytics=store,
        recorder=recorder,
        search=InstitutionSearch(list(records.values())),
        conversations=conversations,
        components=components,
        owns_runtime=owns_runtime,
    )


def _glossary(runtime: AssistantRuntime, settings: Settings) -> Glossary:
    """The retriever's glossary, so themes and query expansion read the same needs; loaded
    from the settings when the retriever expands nothing."""
    retrieving = runtime.search_index.retriever.glossary
    return retrieving if retrieving is not None else Glossary.from_file(settings.glossary_path)


def composer_name(composer: Composer | None) -> str:
    """``extractive``, ``llm:http`` or ``llm:embedded`` — what /health shows an operator."""
    if not isinstance(composer, LLMComposer):
        return "extractive"
    from assistant_api.llm.embedded import EmbeddedChatClient

    return "llm:embedded" if isinstance(composer.client, EmbeddedChatClient) else "llm:http"
