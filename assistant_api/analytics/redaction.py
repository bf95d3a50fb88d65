"""Personal data out of questions and comments before anything is stored or logged.

Two redactors behind one ``Protocol``:

- :class:`RegexRedactor`: Swiss identifiers with a fixed shape (AVS 756.xxxx.xxxx.xx, Swiss and
  international phone numbers, CH/LI IBANs, e-mail addresses, street addresses, full dates such
  as dates of birth) and names introduced by a cue ("je m'appelle …", "Madame …"). Instant,
  no model; the fallback when Presidio cannot load.
- :class:`PresidioRedactor`: Presidio with spaCy's packaged French model for person names, plus
  the same Swiss patterns as Presidio recognisers; its output also goes through the regex
  redactor (belt and braces). Presidio's e-mail and URL recognisers are left out on purpose:
  they call tldextract, which tries to download the public suffix list at first use.

Spans become ``<TYPE>`` placeholders, so analysts still see the shape of a question.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

__all__ = ["PresidioRedactor", "Redactor", "RegexRedactor", "build_redactor"]

logger = logging.getLogger(__name__)

_MONTHS = (
    "janvier|fevrier|février|mars|avril|mai|juin|juillet|aout|août|septembre|octobre|novembre|"
    "decembre|décembre|januar|februar|märz|maerz|april|juni|juli|august|oktober|dezember|"
    "january|february|march|may|june|july|october|december|gennaio|febbraio|marzo|aprile|"
    "maggio|giugno|luglio|agosto|settembre|ottobre|dicembre"
)
_STREET_WORDS = (
    r"rue|route|rte|chemin|ch\.|avenue|av\.|boulevard|bd|place|quai|impasse|allée|allee|"
    r"sentier|faubourg|fbg|passage|ruelle|promenade|grand-rue|via|viale|piazza|corso|calle|"
    r"rua|street|road"
)
_NAME_CUES = (
    r"je m'appelle|je m’appelle|mon nom est|mon nom c'est|my name is|i am called|ich heisse|"
    r"ich heiße|mein name ist|mi chiamo|me llamo|meu nome é|chamo-me|madame|monsieur|mme|mlle|"
    r"m\.|mr\.?|mrs\.?|ms\.?|frau|herr|signora|signor|señora|señor|sra\.|sr\."
)
_NAME = r"[A-ZÀ-ÖØ-Þ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w'’-]+){0,2}"

#: (label, pattern) pairs; order matters only for readability, spans are merged afterwards.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("AVS", r"\b756[.\s]?\d{4}[.\s]?\d{4}[.\s]?\d{2}\b"),
    ("IBAN", r"\b(?:CH|LI)\s?\d{2}(?:\s?[0-9A-Z]){17}\b"),
    ("EMAIL", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
    ("PHONE", r"(?:\+|00)41\s?\(?0?\)?\s?\d{2}[\s./-]?\d{3}[\s./-]?\d{2}[\s./-]?\d{2}\b"),
    ("PHONE", r"\b0\d{2}[\s./-]?\d{3}[\s./-]?\d{2}[\s./-]?\d{2}\b"),
    ("PHONE", r"\b0[89]00[\s./-]?\d{3}[\s./-]?\d{3}\b"),
    ("PHONE", r"(?:\+|00)(?!41)\d{1,3}[\s./-]?\d{2,4}(?:[\s./-]?\d{2,4}){2,4}\b"),
    ("DATE", r"\b\d{1,2}[./-]\d{1,2}[./-](?:19|20)?\d{2}\b"),
    ("DATE", rf"\b\d{{1,2}}(?:er|\.)?\s+(?:{_MONTHS})\s+(?:19|20)\d{{2}}\b"),
    ("ADDRESS", rf"\b(?:{_STREET_WORDS})\s+(?:[\w'’.-]+\s+){{0,4}}\d{{1,4}}[a-zA-Z]?\b"),
    (
        "ADDRESS",
        r"\b[\wäöüÄÖÜ-]+(?:strasse|straße|str\.|weg|gasse|platz|rain)\s*\d{1,4}[a-zA-Z]?\b",
    ),
    ("ADDRESS", r"\b\d{1,4}[a-zA-Z]?,?\s+(?:rue|route|chemin|avenue)\s+(?:[\w'’-]+\s*){1,4}"),
)
_COMPILED = tuple(
    (label, re.compile(pattern, re.IGNORECASE if label != "PERSON" else 0))
    for label, pattern in PATTERNS
)
_NAME_AFTER_CUE = re.compile(rf"(?i:\b(?:{_NAME_CUES}))\s+({_NAME})")


class Redactor(Protocol):
    """Replaces personal data with ``<TYPE>`` placeholders."""

    @property
    def name(self) -> str: ...

    def redact(self, text: str) -> str: ...


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int
    label: str


def _apply(text: str, spans: Iterable[_Span]) -> str:
    """Replace spans (overlaps merged, the longest label kept) with placeholders."""
    ordered = sorted(spans, key=lambda s: (s.start, -(s.end - s.start)))
    merged: list[_Span] = []
    for span in ordered:
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            if span.end > last.end:
                merged[-1] = _Span(last.start, span.end, last.label)
            continue
        merged.append(span)
    out: list[str] = []
    cursor = 0
    for span in merged:
        out.append(text[cursor : span.start])
        out.append(f"<{span.label}>")
        cursor = span.end
    out.append(text[cursor:])
    return "".join(out)


def _regex_spans(text: str) -> list[_Span]:
    spans = [_Span(m.start(), m.end(), label) for label, rx in _COMPILED for m in rx.finditer(text)]
    spans.extend(_Span(m.start(1), m.end(1), "PERSON") for m in _NAME_AFTER_CUE.finditer(text))
    return spans


class RegexRedactor:
    """Pattern-only redaction: fixed-shape identifiers and cue-introduced names."""

    name = "regex"

    def redact(self, text: str) -> str:
        return _apply(text, _regex_spans(text))


#: Presidio entity names mapped to our placeholder labels.
_PRESIDIO_LABELS = {"PERSON": "PERSON"}
#: Below this score a spaCy PERSON guess is ignored (Presidio's SpacyRecognizer gives 0.85).
MIN_SCORE = 0.5


class PresidioRedactor:
    """Presidio + spaCy ``fr_core_news_md`` for names, then the regex patterns.

    Loading takes 20–30 s on this machine (spaCy model): call :meth:`warm_up` once, off the
    request path (the analytics recorder does it in its worker thread).
    """

    name = "presidio"

    def __init__(self, *, model: str = "fr_core_news_md") -> None:
        self._model = model
        self._engine: object | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._engine is not None:
                return
            from presidio_analyzer import AnalyzerEngine, Pattern, PatternRecognizer
            from presidio_analyzer.nlp_engine import NlpEngineProvider
            from presidio_analyzer.predefined_recognizers import SpacyRecognizer
            from presidio_analyzer.recognizer_registry import RecognizerRegistry

            provider = NlpEngineProvider(
                nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "fr", "model_name": self._model}],
                    "ner_model_configuration": {
                        "model_to_presidio_entity_mapping": {"PER": "PERSON", "PERSON": "PERSON"},
                        "low_confidence_score_multiplier": 0.4,
                        "low_score_entity_names": [],
                        "labels_to_ignore": ["LOC", "MISC", "ORG"],
                    },
                }
            )
            registry = RecognizerRegistry(supported_languages=["fr"])
            registry.add_recognizer(
                SpacyRecognizer(supported_language="fr", supported_entities=["PERSON"])
            )
            for index, (label, pattern) in enumerate(PATTERNS):
                registry.add_recognizer(
                    PatternRecognizer(
                        supported_entity=f"CH_{label}",
                        supported_language="fr",
                        name=f"swiss_{label.lower()}_{index}",
                        patterns=[Pattern(name=label.lower(), regex=pattern, score=0.9)],
                        global_regex_flags=re.IGNORECASE | re.MULTILINE | re.DOTALL,
                    )
                )
            self._engine = AnalyzerEngine(
                nlp_engine=provider.create_engine(),
                registry=registry,
                supported_languages=["fr"],
            )
            logger.info("presidio redactor ready (spaCy %s)", self._model)

    @property
    def ready(self) -> bool:
        return self._engine is not None

    def redact(self, text: str) -> str:
        self.warm_up()
        results = self._engine.analyze(text=text, language="fr")  # type: ignore[union-attr]
        spans = _regex_spans(text)
        for result in results:
            if result.score < MIN_SCORE:
                continue
            entity = str(result.entity_type)
            label = entity[3:] if entity.startswith("CH_") else _PRESIDIO_LABELS.get(entity)
            if label:
                spans.append(_Span(int(result.start), int(result.end), label))
        return _apply(text, spans)


def build_redactor(kind: str) -> Redactor:
    """``presidio`` (falls back to ``regex`` when Presidio/spaCy is not installed) or ``regex``."""
    if kind == "regex":
        return RegexRedactor()
    if kind != "presidio":
        raise ValueError(f"redactor {kind!r} is unknown; use 'presidio' or 'regex'")
    try:
        import presidio_analyzer  # noqa: F401  (probe only: is the package installed?)
        import spacy.util

        if not spacy.util.is_package("fr_core_news_md"):
            raise ImportError("spaCy model fr_core_news_md is not installed")
    except ImportError as exc:
        logger.warning("presidio redactor unavailable (%s); using the regex redactor", exc)
        return RegexRedactor()
    return PresidioRedactor()
