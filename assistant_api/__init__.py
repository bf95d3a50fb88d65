"""The assistant: triage, answers with citations, and the HTTP API that serves them.

Layout, by role: ``triage/`` (danger, scope, language), ``answer/`` (the service and its
composer), ``http/`` (routes, limits, access), ``analytics/`` (redacted usage records),
``voice/`` (speech and telephony), ``llm/`` (the optional LLM composer), ``cli/`` (the
commands). :mod:`assistant_api.runtime` builds the assistant from the settings, once;
:func:`create_app` is the HTTP service's composition root (one lifespan, one frozen
:class:`Services`).

This is the public face for the layers above (``eval``) and the command line: import from
here, not from the subpackages. Names resolve on first use, so that ``permanence ingest``
does not pay for loading the web framework.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant_api.answer.service import AssistantService
    from assistant_api.app import create_app, services_of
    from assistant_api.models import AskRequest, AskResponse, Citation, InstitutionCard
    from assistant_api.runtime import AssistantRuntime, open_runtime
    from assistant_api.services import Services
    from assistant_api.triage.language import LanguageDetector

__all__ = [
    "AskRequest",
    "AskResponse",
    "AssistantRuntime",
    "AssistantService",
    "Citation",
    "InstitutionCard",
    "LanguageDetector",
    "Services",
    "create_app",
    "open_runtime",
    "services_of",
]

_HOME = {
    "AskRequest": "assistant_api.models",
    "AskResponse": "assistant_api.models",
    "AssistantRuntime": "assistant_api.runtime",
    "AssistantService": "assistant_api.answer.service",
    "Citation": "assistant_api.models",
    "InstitutionCard": "assistant_api.models",
    "LanguageDetector": "assistant_api.triage.language",
    "Services": "assistant_api.services",
    "create_app": "assistant_api.app",
    "open_runtime": "assistant_api.runtime",
    "services_of": "assistant_api.app",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'assistant_api' has no attribute {name!r}")
    return getattr(importlib.import_module(_HOME[name]), name)
