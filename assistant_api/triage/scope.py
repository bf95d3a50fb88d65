"""Whether a question is Permanence's job: the one place that decides ``out_of_scope``.

Two lexicons hold the evidence and this module weighs it; neither decides on its own:

- the ``out_of_scope`` section of the safety lexicon (``prompts/safety.yaml``): a question
  that tries to instruct the assistant, or asks for the weather, a recipe or a poem, is refused
  before retrieval (:meth:`Scope.refusal`, asked by :meth:`SafetyLexicon.triage
  <assistant_api.triage.safety.SafetyLexicon.triage>`, after the danger rules: danger comes first);
- the glossary of needs (``corpora/glossary.yaml``, whose matches the retriever reports as
  ``RetrievalResult.concepts``): after retrieval, a question that names no social or health
  need and lands far from every chunk is outside what Permanence does
  (:meth:`Scope.outside`, asked by the service).

Before, the first rule lived in the safety module and the second inline in the service, each
with its own lexicon; keeping both here means one docstring says what "out of scope" means.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index import InstitutionHit, RetrievalResult

__all__ = ["SCOPE_SIMILARITY", "Scope"]

#: A question that names no known need (no glossary concept) and whose best chunk is no closer
#: than this is outside what Permanence does (weather, recipes, homework). Dev gold set with
#: situations in the records, 2026-11-22: 0.26 catches 34 of 46 out-of-scope questions and
#: loses 1 answerable one; 0.28 catches 38 and loses 2; 0.30 catches 38 and loses 5.
SCOPE_SIMILARITY = 0.27


class Scope:
    """Decides scope from the safety lexicon's refusals and the glossary's needs."""

    def __init__(
        self,
        *,
        injection: Sequence[re.Pattern[str]],
        offtopic: Sequence[re.Pattern[str]],
        similarity: float = SCOPE_SIMILARITY,
    ) -> None:
        self._injection = tuple(injection)
        self._offtopic = tuple(offtopic)
        self._similarity = similarity

    def is_injection(self, folded: str) -> bool:
        """Whether the folded text tries to give the assistant instructions."""
        return any(p.search(folded) for p in self._injection)

    def refusal(self, folded: str) -> str | None:
        """Before retrieval: ``injection`` or ``offtopic`` for a folded question to refuse."""
        if self.is_injection(folded):
            return "injection"
        if any(p.search(folded) for p in self._offtopic):
            return "offtopic"
        return None

    def outside(self, retrieval: RetrievalResult, hits: Sequence[InstitutionHit]) -> bool:
        """After retrieval: no need of the glossary named, and nothing relevant found.

        ``hits`` are the institutions the answer would show; a named need always keeps the
        question in scope (it then gets an orientation or an honest no-answer instead).
        """
        if retrieval.concepts:
            return False
        return not hits or retrieval.similarity < self._similarity
