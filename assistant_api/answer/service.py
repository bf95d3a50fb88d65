"""The assistant: question in, answer contract out. Shared by the HTTP API, the CLI and eval.

Order matters: danger is checked before anything else (an emergency answer must not wait for
retrieval to decide anything), then scope, then retrieval; a weak retrieval becomes an honest
``no_answer`` that still names a human to ask.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from assistant_api.answer.communes import CommuneDirectory
from assistant_api.answer.composer import ComposedAnswer, Composer, ExtractiveComposer
from assistant_api.answer.doors import DoorFinder
from assistant_api.answer.roles import apply_roles, decisive_roles, is_opposed, takes_sides
from assistant_api.answer.templates import AnswerTemplates, TemplateSet
from assistant_api.models import AskRequest, AskResponse, Timings
from assistant_api.triage.emergency import EmergencyClassifier, TriageLayers
from assistant_api.triage.language import RTL_LANGUAGES, LanguageDetector
from assistant_api.triage.roles import CLASSIFIER_EVIDENCE, QuestionRoles, RoleRecognizer
from assistant_api.triage.safety import SafetyLexicon
from index import HybridRetriever, InstitutionHit, RetrievalResult, apply_commune
from index.embedders import Matrix
from ingest import Institution

__all__ = ["DEFAULT_TOP_K", "NO_ANSWER_SIMILARITY", "AssistantService"]

logger = logging.getLogger(__name__)

#: Institutions shown when the request does not say.
DEFAULT_TOP_K = 3
#: Below this similarity of the best chunk (USE cosine) nothing in the corpus is about the
#: question: the assistant says it does not know and names the social counter.
NO_ANSWER_SIMILARITY = 0.135
#: An institution far below the best one is noise, not a second option.
RELATIVE_SCORE_FLOOR = 0.45


def _emergency_line(records: Iterable[Institution], number: str) -> str | None:
    """The record that *is* the line ``number`` (not one that merely mentions it).

    Many fiches list 144 as "in an emergency"; the line itself has it as its first number,
    ideally under the ``urgence`` category and with few other numbers.
    """
    candidates = [r for r in records if r.phones and any(p.number == number for p in r.phones)]
    if not candidates:
        return None
    best = max(
        candidates,
        key=lambda r: (
            r.phones[0].number == number,
            "urgence" in r.categories,
            -len(r.phones),
            r.id,
        ),
    )
    return best.id


@dataclass(frozen=True, slots=True)
class _Plan:
    language: str
    commune: str | None
    audiences: tuple[str, ...]
    #: Who asks, or for whom: services not for these roles are never ranked (answer/roles.py);
    #: read after retrieval, whose question vector the side classifier reuses.
    roles: QuestionRoles = field(default_factory=QuestionRoles)


class AssistantService:
    """Answers questions; build once per process (models load in ``warm_up``)."""

    def __init__(
        self,
        *,
        retriever: HybridRetriever,
        institutions: Sequence[Institution],
        templates: AnswerTemplates,
        safety: SafetyLexicon,
        detector: LanguageDetector,
        communes: CommuneDirectory,
        composer: Composer | None = None,
        emergency: EmergencyClassifier | None = None,
        roles: RoleRecognizer | None = None,
    ) -> None:
        """``roles`` defaults to the bundled lexicon (``prompts/roles.yaml``)."""
        self._retriever = retriever
        self._records = {i.id: i for i in institutions}
        self._doors = DoorFinder(retriever, self._records)
        self._templates = templates
        self._triage = TriageLayers(safety, emergency)
        self._scope = safety.scope
        self._detector = detector
        self._communes = communes
        self._composer: Composer = composer or ExtractiveComposer()
        self._roles = roles or RoleRecognizer()
        self._ready = threading.Event()

    @property
    def institutions(self) -> dict[str, Institution]:
        return self._records

    def warm_up(self) -> None:
        self._retriever.warm_up()
        self._triage.warm_up()
        self._roles.warm_up()
        self._detector.warm_up()
        self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def detect_language(self, text: str) -> str:
        """The language ``text`` is written in, as an answer to it would be (a supported code)."""
        return self._detector.detect(text)

    def _plan(self, request: AskRequest) -> _Plan:
        language = request.language or self._detector.detect(request.question)
        commune = self._communes.resolve(request.commune) if request.commune else None
        if commune is None:
            commune = self._communes.find_in_text(request.question)
        audiences = (
            ("public", "professional") if request.audience == "professional" else ("public",)
        )
        return _Plan(language=language, commune=commune, audiences=audiences)

    def _roles_of(
        self, question: str, retrieval: RetrievalResult, *, described: bool
    ) -> QuestionRoles:
        """The question's roles: the lexicon, then the side classifier on the question's vector
        that retrieval computed with the classifier's model — only when the side can matter: a
        danger was described, or retrieval found a service for one side of violence (a chest
        pain read as a "victim" would otherwise bring victim support first)."""
        at_stake = described or any(
            takes_sides(self._records.get(h.institution_id)) for h in retrieval.institutions
        )
        roles = self._roles.recognise(question, retrieval.query_vectors, read_side=at_stake)
        if roles.known or roles.ambiguous:
            by_classifier = [r for r, e in roles.evidence if e.startswith(CLASSIFIER_EVIDENCE)]
            logger.info(
                "question roles: %s (ambiguous: %s; read by the classifier: %s)",
                ",".join(sorted(roles.roles)) or "-",
                ",".join(sorted(roles.ambiguous)) or "-",
                ",".join(by_classifier) or "-",
            )
        return roles

    def ask(
        self,
        request: AskRequest,
        *,
        regional_first: bool = False,
        preference: Callable[[str], int] | None = None,
    ) -> AskResponse:
        """Answer one question. The caller has already checked professional access.

        ``regional_first``: the regional office serving the commune goes before the cantonal
        doors — the conversation sets it when it asked where the person lives because the
        door depends on it, and now knows. ``preference``: a rank per institution id (lower
        first, stable otherwise) — the conversation's order for a person whose age or permit
        it knows, so that a door outside its public goes after the ones that take them.
        """
        started = time.perf_counter()
        plan = self._plan(request)
        templates = self._templates.get(plan.language)
        top_k = request.top_k or DEFAULT_TOP_K
        triage, query_vectors = self._triage.triage(request.question)
        if triage.verdict == "out_of_scope":
            return self._respond(
                kind="out_of_scope",
                plan=plan,
                composed=ComposedAnswer(templates.out_of_scope, [], []),
                confidence=0.0,
                started=started,
            )
        retrieval = self._retriever.run(
            query=request.question,
            audiences=plan.audiences,
            top_k=max(top_k, DEFAULT_TOP_K) + 4,
            query_vectors=query_vectors,
        )
        plan = dataclasses.replace(
            plan,
            roles=self._roles_of(request.question, retrieval, described=bool(triage.described)),
        )
        searches = [retrieval.timings_ms.get("retrieval", 0.0)]  # every search of this answer
        routed = self._route(retrieval, request.question, plan, searches)
        routed = self._doors.with_entry_door(
            routed,
            request.question,
            roles=plan.roles,
            audiences=plan.audiences,
            query_vectors=retrieval.query_vectors,
            searches=searches,
        )
        if triage.described and not decisive_roles(plan.roles):
            # A danger described, not happening now, by someone whose side is not known: the
            # services that follow its emergency lines (victim support) go first, as they
            # would after the numbers of an emergency answer.
            routed = self._doors.first(
                routed,
                self._triage.lexicon.follow_for(triage.described),
                request.question,
                audiences=plan.audiences,
                query_vectors=retrieval.query_vectors,
                searches=searches,
            )
        if regional_first and plan.commune is not None:
            routed = sorted(
                routed, key=lambda hit: not self._communes.is_regional_office(hit.institution_id)
            )
        if preference is not None:
            routed = sorted(routed, key=lambda hit: preference(hit.institution_id))
        hits = self._select(apply_roles(routed, self._records, plan.roles), top_k)
        generation_started = time.perf_counter()
        before_generation = len(searches)
        if triage.verdict == "emergency":
            relevant = hits if retrieval.similarity >= NO_ANSWER_SIMILARITY else []
            urgent = self._emergency_hits(
                triage.numbers,
                self._triage.lexicon.follow_for(triage.reasons),
                request.question,
                plan,
                retrieval.query_vectors,
                searches,
            )
            urgent_ids = {h.institution_id for h in urgent}
            composed = self._composer.compose(
                question=request.question,
                templates=templates,
                # The lines to call keep their order (the role rule only removes a line not
                # for the asker); the services after them were ordered by the rule already.
                hits=[
                    *(
                        h
                        for h in urgent
                        if not is_opposed(self._records.get(h.institution_id), plan.roles)
                    ),
                    *(h for h in relevant if h.institution_id not in urgent_ids),
                ],
                records=self._records,
                commune=plan.commune,
                emergency=triage.numbers,
            )
            kind = "emergency"
        elif (
            # A person who suffers or exercises violence (a victim or perpetrator role, or
            # violence described) is always someone the network helps, whatever the question
            # resembles ("Мене побив сусід…" was refused as off-topic on 2026-12-03).
            not decisive_roles(plan.roles)
            and not triage.described
            and self._scope.outside(retrieval, hits)
        ):
            return self._respond(
                kind="out_of_scope",
                plan=plan,
                composed=ComposedAnswer(templates.out_of_scope, [], []),
                confidence=retrieval.confidence,
                started=started,
            )
        elif not hits or (
            # A danger described is answered with the doors that follow it, however far the
            # wording is from their pages.
            retrieval.similarity < NO_ANSWER_SIMILARITY and not triage.described
        ):
            composed = self._no_answer(
                request.question,
                templates,
                plan,
                retrieval,
                searches,
                in_danger=triage.described_numbers,
            )
            kind = "no_answer"
        else:
            composed = self._composer.compose(
                question=request.question,
                templates=templates,
                hits=hits,
                records=self._records,
                commune=plan.commune,
                in_danger=triage.described_numbers,
            )
            kind = "orientation"
        return self._respond(
            kind=kind,
            plan=plan,
            composed=composed,
            confidence=retrieval.confidence,
            started=started,
            retrieval_ms=sum(searches),
            # Composition alone: the searches made while composing count as retrieval.
            generation_ms=(time.perf_counter() - generation_started) * 1000
            - sum(searches[before_generation:]),
        )

    def _route(
        self, retrieval: RetrievalResult, question: str, plan: _Plan, searches: list[float]
    ) -> list[InstitutionHit]:
        """Swap regional offices for the ones serving the asker's commune, then re-rank.

        Retrieval finds the kind of office (a social counter, an ORP); the commune decides which
        one. The swapped-in offices' own chunks are fetched, all in one search filtered to them
        and with the question's vectors already computed, so their citations are their own.
        """
        hits = [h for h in retrieval.institutions if h.institution_id in self._records]
        if plan.commune is None:
            return hits
        targets: dict[str, str] = {}  # office found → office serving the commune
        for hit in hits:
            target = self._communes.office_for(hit.institution_id, plan.commune)
            if target is not None and target != hit.institution_id:
                targets[hit.institution_id] = target
        own: dict[str, InstitutionHit] = {}
        offices = tuple(t for t in dict.fromkeys(targets.values()) if t in self._records)
        if offices:
            found = self._retriever.run(
                query=question,
                audiences=plan.audiences,
                top_k=len(offices),
                institution_ids=offices,
                query_vectors=retrieval.query_vectors,
            )
            searches.append(found.timings_ms.get("retrieval", 0.0))
            own = {h.institution_id: h for h in found.institutions}
        routed: list[InstitutionHit] = []
        seen: set[str] = set()
        for hit in hits:
            if hit.institution_id in targets:
                replacement = own.get(targets[hit.institution_id])
                if replacement is None or replacement.institution_id in seen:
                    continue
                hit = dataclasses.replace(replacement, score=hit.score)
            if hit.institution_id in seen:
                continue
            seen.add(hit.institution_id)
            routed.append(hit)
        return apply_commune(routed, plan.commune)

    def _emergency_hits(
        self,
        numbers: Sequence[str],
        follow: Sequence[str],
        question: str,
        plan: _Plan,
        query_vectors: Mapping[str, Matrix] | None,
        searches: list[float],
    ) -> list[InstitutionHit]:
        """The records of the emergency lines to call (e.g. 144, 143), in the triage's order,
        then those of the services that take over (``follow``: victim support after violence).

        They come first in the answer, with their own fiche as the citation; a ``follow`` id
        without a record in this corpus is skipped.
        """
        wanted: list[str] = []
        for number in numbers:
            line = _emergency_line(self._records.values(), number)
            if line is not None and line not in wanted:
                wanted.append(line)
        wanted.extend(i for i in follow if i in self._records and i not in wanted)
        if not wanted:
            return []
        found = self._retriever.run(
            query=question,
            audiences=plan.audiences,
            top_k=len(wanted),
            institution_ids=wanted,
            query_vectors=query_vectors,
        )
        searches.append(found.timings_ms.get("retrieval", 0.0))
        by_id = {h.institution_id: h for h in found.institutions}
        return [by_id[i] for i in wanted if i in by_id]

    def _select(self, ranked: list[InstitutionHit], top_k: int) -> list[InstitutionHit]:
        known = ranked
        if not known:
            return []
        floor = known[0].score * RELATIVE_SCORE_FLOOR
        return [h for h in known if h.score >= floor][:top_k]

    def _no_answer(
        self,
        question: str,
        templates: TemplateSet,
        plan: _Plan,
        retrieval: RetrievalResult,
        searches: list[float],
        *,
        in_danger: Sequence[str] = (),
    ) -> ComposedAnswer:
        """Say so honestly, and name the regional social counter as the human to ask (and the
        numbers of a danger described, when there is one)."""
        entry_ids = self._communes.entry_points(plan.commune)
        hits: list[InstitutionHit] = []
        if entry_ids:  # an empty id filter would mean "any institution", not a counter
            entry = self._retriever.run(
                query=question,
                audiences=plan.audiences,
                top_k=len(entry_ids),
                institution_ids=tuple(entry_ids),
                query_vectors=retrieval.query_vectors,
            )
            searches.append(entry.timings_ms.get("retrieval", 0.0))
            hits = [h for h in entry.institutions if h.institution_id in self._records][:1]
        # The template introduces the counter that follows; with none to name (a corpus
        # without regional counters), it must still end as a sentence, not on a colon.
        intro = templates.no_answer if hits else templates.no_answer.rstrip(" :：፥") + "."
        return self._composer.compose(
            question=question,
            templates=templates,
            hits=hits,
            records=self._records,
            commune=plan.commune,
            intro=intro,
            in_danger=in_danger,
        )

    def _respond(
        self,
        *,
        kind: str,
        plan: _Plan,
        composed: ComposedAnswer,
        confidence: float,
        started: float,
        retrieval_ms: float = 0.0,
        generation_ms: float = 0.0,
    ) -> AskResponse:
        return AskResponse(
            kind=kind,  # type: ignore[arg-type]
            language=plan.language,
            direction="rtl" if plan.language in RTL_LANGUAGES else "ltr",
            answer=composed.answer,
            institutions=composed.institutions,
            citations=composed.citations,
            emergency_numbers=composed.emergency_numbers,
            danger_numbers=composed.danger_numbers,
            confidence=round(confidence, 4),
            commune=plan.commune,
            timings_ms=Timings(
                total=round((time.perf_counter() - started) * 1000, 2),
                retrieval=round(retrieval_ms, 2),
                generation=round(generation_ms, 2),
            ),
        )
