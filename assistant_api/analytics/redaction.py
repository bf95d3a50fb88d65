"""Personal data out of questions and comments before anything is stored or logged.

Two redactors behind one ``Protocol``, which pass the same test table
(``tests/security/test_redaction.py``):

- :class:`RegexRedactor`: no model, instant, good on its own (Presidio is an optional extra).
  Identifiers with a shape in any script (``identifiers.py``: phone numbers in every spacing,
  e-mails also spelled out, IBANs of every country, AVS numbers, permit and passport numbers,
  dates, street addresses) and personal names (``names.py``: introduced by a cue in the 13
  languages, after a title, in a closing, or a known first name with its surname).
- :class:`PresidioRedactor`: the same, plus spaCy's French model for names that nothing
  introduces ("Jean-Pierre Rochat, mon voisin, …"). Presidio's e-mail and URL recognisers are
  left out on purpose: they call tldextract, which tries to download the public suffix list.

Spans become ``<TYPE>`` placeholders, so analysts still see the shape of a question.
Invisible characters that would split a number or an address ("079\u200b123 45 67") are
removed first; the zero-width non-joiner of Persian writing is kept.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

from assistant_api.analytics.identifiers import identifier_spans
from assistant_api.analytics.names import model_name_span, name_spans
from assistant_api.analytics.spans import Span, replace_spans
from ingest.corpus import CommuneResolver, load_communes

__all__ = ["PresidioRedactor", "Redactor", "RegexRedactor", "build_redactor"]

logger = logging.getLogger(__name__)

#: Zero-width space, word joiner, byte-order mark and soft hyphen: invisible, and they would
#: keep a pattern from seeing "079 123 45 67" whole.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))


class Redactor(Protocol):
    """Replaces personal data with ``<TYPE>`` placeholders."""

    @property
    def name(self) -> str: ...

    def redact(self, text: str) -> str: ...


def _clean(text: str) -> str:
    return text.translate(_INVISIBLE)


def _regex_spans(text: str) -> list[Span]:
    return identifier_spans(text) + name_spans(text)


class RegexRedactor:
    """Pattern-only redaction: identifiers with a shape and names the rules recognise."""

    name = "regex"

    def redact(self, text: str) -> str:
        text = _clean(text)
        return replace_spans(text, _regex_spans(text))


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
        self._places: CommuneResolver | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._engine is not None:
                return
            from presidio_analyzer import AnalyzerEngine
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
            # spaCy takes communes for people ("près de Marin"): the commune table says.
            self._places = CommuneResolver(load_communes())
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
        text = _clean(text)
        results = self._engine.analyze(text=text, language="fr")  # type: ignore[union-attr]
        found = self._places.find(text) if self._places is not None else []
        places = [(m.start, m.end) for m in found]
        spans = _regex_spans(text)
        for result in results:
            if _PRESIDIO_LABELS.get(str(result.entity_type)) is None or result.score < MIN_SCORE:
                continue
            span = model_name_span(text, int(result.start), int(result.end))
            if span is not None and not any(
                span.start < end and start < span.end for start, end in places
            ):
                spans.append(span)
        return replace_spans(text, spans)


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
