"""Prometheus metrics of one app: requests by route and status, latency, answers by kind.

Each app gets its own ``CollectorRegistry`` so several apps in one process (tests, the widget
and API in one server) never collide on metric names.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

__all__ = ["CONTENT_TYPE_LATEST", "ApiMetrics"]

#: Latency buckets in seconds: the extractive target is p95 < 250 ms, LLM answers take seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ApiMetrics:
    """The collectors, registered in a private registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "permanence_http_requests",
            "HTTP requests by route template, method and status code.",
            ("route", "method", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "permanence_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ("route", "method"),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.answers = Counter(
            "permanence_answers",
            "Answers by kind, language and channel (ask, stream, chat).",
            ("kind", "language", "channel"),
            registry=self.registry,
        )
        self.answer_latency = Histogram(
            "permanence_answer_duration_seconds",
            "Time to compose one answer, by kind.",
            ("kind",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.llm_outcomes = Counter(
            "permanence_llm_outcomes",
            "LLM composer outcomes: accepted, repaired, or the reason of a fallback.",
            ("outcome",),
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "permanence_rate_limited", "Requests refused with 429.", registry=self.registry
        )
        self.analytics_pending = Gauge(
            "permanence_analytics_pending",
            "Answers and feedback waiting for redaction before storage.",
            registry=self.registry,
        )
        self.feedback = Counter(
            "permanence_feedback", "Feedback by rating.", ("rating",), registry=self.registry
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)
