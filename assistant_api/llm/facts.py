"""The structured facts of the extractive answer, as lines of the LLM's prompt (issue 17).

Why from the extractive answer's cards, not from the records: the extractive composer already
chose, per institution, the services that answer this need as vocabulary terms in the asker's
language (``assistant_api.answer.reader.matched_terms``), the phone and site serving the asker's
commune (``pick_phone``, ``pick_location``) and one note on the facts' age
(``shown_freshness``). Deriving them again here could disagree with the cards shown beside the
prose; reading the cards gives the model exactly the facts the person sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant_api.answer.composer import ComposedAnswer
from assistant_api.llm.sources import NumberedSource

__all__ = ["card_facts", "render_sources"]


def card_facts(answer: ComposedAnswer, *, commune: str | None) -> dict[int, list[str]]:
    """Fact lines per citation number: each card's facts under the ``[n]`` its facts cite.

    Hours are given only when the extractive answer showed them: stale hours are left out of
    its text (a 2020 timetable misleads), and so of the prompt.
    """
    facts: dict[int, list[str]] = {}
    where = f" (serves {commune})" if commune else ""
    for card in answer.institutions:
        if not card.citations:
            continue
        name = f"{card.name} ({card.acronym})" if card.acronym else card.name
        lines = [f"Institution: {name}", f"What it does for this question: {card.why}"]
        if card.phones:
            lines.append(f"Phone to call first{where}: {card.phones[0]}")
        if card.emails:
            lines.append(f"E-mail: {card.emails[0]}")
        if card.website:
            lines.append(f"Website: {card.website}")
        if card.address:
            lines.append(f"Address{where}: {card.address}")
        if card.hours and f"«{card.hours}»" in answer.answer:
            lines.append(f"Opening hours (French, quote as written): «{card.hours}»")
        if card.note:
            lines.append(f"Note on these facts (say it once): {card.note}")
        facts.setdefault(card.citations[0], []).extend(lines)
    return facts


def render_sources(sources: Sequence[NumberedSource]) -> str:
    """The SOURCES block: per ``[n]``, its reviewed facts (if any), then its page text."""
    blocks = []
    for source in sources:
        lines = [f"[{source.n}] {source.title} ({source.url})"]
        if source.facts:
            lines.append("Reviewed facts:")
            lines.extend(f"- {fact}" for fact in source.facts)
            lines.append("Page text:")
        lines.append(source.text)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
