"""Whether a question is Permanence's job: the one place that decides ``out_of_scope``.

Three sources hold the evidence and this module weighs it; none decides on its own:

- the ``out_of_scope`` section of the safety lexicon (``prompts/safety.yaml``): a question
  that tries to instruct the assistant, or asks for the weather, a recipe or a poem, is refused
  before retrieval (:meth:`Scope.refusal`, asked by :meth:`SafetyLexicon.triage
  <assistant_api.triage.safety.SafetyLexicon.triage>`, after the danger rules: danger comes first);
- the glossary of needs (``corpora/glossary.yaml``, whose matches the retriever reports as
  ``RetrievalResult.concepts``): after retrieval, a question that names no social or health
  need and lands far from every chunk is outside what Permanence does
  (:meth:`Scope.outside`, asked by the service);
- the scope prototypes (``prompts/scope_prototypes.yaml``, embedded with the emergency
  prototypes by :class:`~assistant_api.triage.emergency.EmergencyClassifier`): a question much
  closer to an off-topic request ("the best pizza in town") than to any need — a look-alike
  need, a danger, or the corpus itself — is outside even when a glossary word matched
  ("food"), because words shared with needs are exactly where the glossary misleads
  (:meth:`Scope.resembles_offtopic`, issue 18).

Before, the first rule lived in the safety module and the second inline in the service, each
with its own lexicon; keeping both here means one docstring says what "out of scope" means.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index import InstitutionHit, RetrievalResult
from index.embedders import Matrix

__all__ = ["OFFTOPIC_FLOOR", "OFFTOPIC_MARGIN", "SCOPE_SIMILARITY", "Scope", "ScopeSides"]

#: A question that names no known need (no glossary concept) and whose best chunk is no closer
#: than this is outside what Permanence does (weather, recipes, homework). Dev gold set with
#: situations in the records, 2026-11-22: 0.26 catches 34 of 46 out-of-scope questions and
#: loses 1 answerable one; 0.28 catches 38 and loses 2; 0.30 catches 38 and loses 5.
SCOPE_SIMILARITY = 0.27
#: The closest off-topic prototype (``prompts/scope_prototypes.yaml``, USE cosine) must beat the
#: closest need — a look-alike need prototype, a danger prototype or the best chunk of the corpus
#: — by more than this for a question to be refused. Dev gold set, 2026-12-03 (70 out-of-scope
#: questions, 24 of them sharing words with needs): 0.02 → 66 refused, 1 answerable lost;
#: 0.03 → 65 and none lost; 0.05 → 64 and none lost (before the injection patterns added then).
OFFTOPIC_MARGIN = 0.03
#: ... and be at least this close: a question like nothing is left to the other rules.
OFFTOPIC_FLOOR = 0.3

#: ``vector → (closest off-topic prototype, closest need prototype)``, or ``None``.
ScopeSides = Callable[[Matrix], tuple[float, float] | None]


class Scope:
    """Decides scope from the safety lexicon's refusals and the glossary's needs."""

    def __init__(
        self,
        *,
        injection: Sequence[re.Pattern[str]],
        offtopic: Sequence[re.Pattern[str]],
        similarity: float = SCOPE_SIMILARITY,
        offtopic_margin: float = OFFTOPIC_MARGIN,
        offtopic_floor: float = OFFTOPIC_FLOOR,
    ) -> None:
        self._injection = tuple(injection)
        self._offtopic = tuple(offtopic)
        self._similarity = similarity
        self._offtopic_margin = offtopic_margin
        self._offtopic_floor = offtopic_floor
        self._sides: tuple[str, ScopeSides] | None = None

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

    def use_prototypes(self, embedder: str, sides: ScopeSides) -> None:
        """Weigh the scope prototypes of ``embedder``'s vectors in :meth:`outside`."""
        self._sides = (embedder, sides)

    def resembles_offtopic(self, retrieval: RetrievalResult) -> bool:
        """The question is clearly closer to an off-topic request than to any need.

        The needs are the look-alike and danger prototypes and the corpus itself (the best
        chunk's similarity, same model): "the best pizza in town" is near a restaurant
        prototype and far from the food-aid records; "my boss at the pizzeria does not pay me"
        is nearer the labour-rights need. False without prototypes or without the vector.
        """
        if self._sides is None:
            return False
        embedder, sides = self._sides
        vector = retrieval.query_vectors.get(embedder)
        found = None if vector is None else sides(vector)
        if found is None:
            return False
        offtopic, need = found
        margin = offtopic - max(need, retrieval.similarity)
        return offtopic >= self._offtopic_floor and margin > self._offtopic_margin

    def outside(self, retrieval: RetrievalResult, hits: Sequence[InstitutionHit]) -> bool:
        """After retrieval: no need of the glossary named, and nothing relevant found.

        ``hits`` are the institutions the answer would show; a named need always keeps the
        question in scope (it then gets an orientation or an honest no-answer instead).
        """
        if self.resembles_offtopic(retrieval):
            return True
        if retrieval.concepts:
            return False
        return not hits or retrieval.similarity < self._similarity
