"""The LLM composer: the extractive answer's sources, rewritten by a model, checked, or refused.

It composes the extractive answer first (cards, citations, numbering), gives the cited
documents to the model as numbered sources — crawled text filtered as untrusted, each
institution's facts as the extractive cards show them (services for this need in the asker's
language, contact for the asker's commune, hours, age note) — and keeps the model's text only
if it passes :func:`check_answer`, whose phone numbers must be the reviewed records' own;
otherwise — and on any timeout or error — the extractive answer is returned unchanged.
Emergency and no-answer texts stay extractive: they must be predictable.
The cards and citations are always the extractive ones, so facts shown outside the prose
never come from the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from assistant_api.answer.composer import ComposedAnswer, ExtractiveComposer
from assistant_api.answer.templates import TemplateSet
from assistant_api.llm.client import CompletionClient, LLMError
from assistant_api.llm.facts import card_facts, render_sources
from assistant_api.llm.sources import SOURCE_CHARS, build_sources
from assistant_api.llm.validation import check_answer
from index import InstitutionHit
from ingest import Institution

__all__ = ["LANGUAGE_NAMES", "LLMComposer", "LLMPrompts"]

logger = logging.getLogger(__name__)

#: English names of the answer languages, as the prompt names them to the model.
LANGUAGE_NAMES = {
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "en": "English",
    "pt": "Portuguese",
    "es": "Spanish",
    "ar": "Arabic",
    "uk": "Ukrainian",
    "ru": "Russian",
    "fa": "Persian (Farsi)",
    "sq": "Albanian",
    "tr": "Turkish",
    "ti": "Tigrinya",
}


@dataclass(frozen=True, slots=True)
class LLMPrompts:
    """The system and user templates of ``prompts/llm/``."""

    system: str
    user: str

    @classmethod
    def load(cls, folder: Path) -> LLMPrompts:
        try:
            return cls(
                system=(folder / "system.md").read_text(encoding="utf-8"),
                user=(folder / "user.md").read_text(encoding="utf-8"),
            )
        except FileNotFoundError as exc:
            raise ValueError(f"LLM prompt missing in {folder}: {exc.filename}") from exc


class LLMComposer:
    """Same ``compose`` signature as :class:`ExtractiveComposer`, so the service takes either."""

    def __init__(
        self,
        *,
        client: CompletionClient,
        prompts: LLMPrompts,
        is_instruction: Callable[[str], bool],
        records: dict[str, Institution],
        extractive: ExtractiveComposer | None = None,
        on_outcome: Callable[[str], None] | None = None,
        max_sources: int | None = None,
        source_chars: int = SOURCE_CHARS,
    ) -> None:
        """``max_sources`` and ``source_chars`` bound the prompt: the first (best) citations
        only, each cut to that many characters. The cards and citations shown stay complete."""
        self._client = client
        self._max_sources = max_sources
        self._source_chars = source_chars
        self._prompts = prompts
        self._is_instruction = is_instruction
        self._extractive = extractive or ExtractiveComposer()
        self._records = records
        self._known = {}
        for record in records.values():
            for name in (record.name, record.name.split(" – ")[0], record.acronym):
                if name:
                    self._known[name.lower()] = record.id
        self._on_outcome = on_outcome or (lambda outcome: None)

    @property
    def client(self) -> CompletionClient:
        """The model client (benchmarks read the embedded client's ``last_stats``)."""
        return self._client

    def close(self) -> None:
        self._client.close()

    def set_outcome_listener(self, listener: Callable[[str], None]) -> None:
        """Called with ``accepted``, ``repaired`` or the reason of each fallback (metrics)."""
        self._on_outcome = listener

    def compose(
        self,
        *,
        question: str,
        templates: TemplateSet,
        hits: Sequence[InstitutionHit],
        records: dict[str, Institution],
        commune: str | None,
        emergency: Sequence[str] = (),
        intro: str | None = None,
        in_danger: Sequence[str] = (),
    ) -> ComposedAnswer:
        base = self._extractive.compose(
            question=question,
            templates=templates,
            hits=hits,
            records=records,
            commune=commune,
            emergency=emergency,
            intro=intro,
            in_danger=in_danger,
        )
        # Danger lines are kept word for word: the model never rewrites or drops a number.
        if emergency or in_danger or intro is not None or not base.citations:
            return base
        sources = build_sources(
            base.citations[: self._max_sources],
            hits,
            records=records,
            is_instruction=self._is_instruction,
            max_chars=self._source_chars,
            facts=card_facts(base, commune=commune),
        )
        language = LANGUAGE_NAMES.get(templates.language, "French")
        messages = [
            {"role": "system", "content": self._prompts.system.format(language_name=language)},
            {
                "role": "user",
                "content": self._prompts.user.format(
                    sources=render_sources(sources), question=question, language_name=language
                ),
            },
        ]
        try:
            text = self._client.complete(messages)
        except LLMError as exc:
            logger.warning("LLM composer falls back to extractive: %s", exc)
            self._on_outcome("error")
            return base
        source_ids = {c.institution_id for c in base.citations if c.institution_id}
        source_ids |= {c.id for c in base.institutions}
        shown = [records[c.id] for c in base.institutions if c.id in records]
        # Phones only from the reviewed records of the sources' institutions (issue 22).
        phones = [p.number for i in sorted(source_ids) if i in records for p in records[i].phones]
        facts = (
            [s.text for s in sources]
            + [line for s in sources for line in s.facts]
            + [
                " ".join(
                    [
                        r.name,
                        r.acronym or "",
                        *(p.number for p in r.phones),
                        *r.emails,
                        r.website or "",
                    ]
                )
                for r in shown
            ]
        )
        check = check_answer(
            text,
            allowed_citations=[s.n for s in sources],
            source_texts=facts,
            source_institutions=source_ids,
            known_institutions=self._known,
            is_instruction=self._is_instruction,
            allowed_phones=phones,
        )
        self._on_outcome(check.reason)
        if not check.ok:
            logger.warning("LLM answer refused (%s); extractive answer used", check.reason)
            return base
        answer = f"{check.text}\n\n{templates.closing}"
        return replace(base, answer=answer)
