"""The "Conversations" section of the evaluation page (``permanence eval --conversations``).

Each figure of the multi-turn run beside the standalone baseline (the same turns asked
alone), with its one-line definition from :mod:`eval.conversation_definitions`; then hit@k by
follow-up kind, both ways.
"""

from __future__ import annotations

from html import escape

from eval.conversation_definitions import (
    CONVERSATION_DEFINITIONS,
    FOLLOWUP_DEFINITIONS,
    STANDALONE_DEFINITION,
)
from eval.conversations.summary import ConversationsReport
from eval.html_parts import anchor, format_value, table

__all__ = ["conversations_section"]


def _cell(value: object, *, muted: bool = False) -> str:
    css = "n muted" if muted else "n"
    return f'<td class="{css}">{format_value(value)}</td>'


def _figures(report: ConversationsReport) -> str:
    names = [n for n in CONVERSATION_DEFINITIONS if n in report.figures]
    names += [n for n in report.figures if n not in CONVERSATION_DEFINITIONS]
    rows = []
    for name in names:
        found = CONVERSATION_DEFINITIONS.get(name)
        label = found.label if found is not None else name
        definition = found.definition if found is not None else "(no definition yet)"
        rows.append(
            f'<tr><th scope="row" id="{anchor("conv-" + name)}">{escape(label)} '
            f"<code>{escape(name)}</code></th>"
            f"{_cell(report.figures.get(name))}"
            f"{_cell(report.standalone.figures.get(name), muted=True)}"
            f"<td>{escape(definition)}</td></tr>"
        )
    return table(["figure", "conversation", "standalone", "definition"], rows)


def _by_followup(report: ConversationsReport) -> str:
    rows = []
    for kind, row in report.by_followup.items():
        alone = report.standalone.by_followup.get(kind, {})
        rows.append(
            f'<tr><th scope="row">{escape(kind)}</th>{_cell(row.get("turns"))}'
            f"{_cell(row.get('hit@1'))}{_cell(alone.get('hit@1'), muted=True)}"
            f"{_cell(row.get('hit@3'))}{_cell(alone.get('hit@3'), muted=True)}"
            f"<td>{escape(FOLLOWUP_DEFINITIONS.get(kind, ''))}</td></tr>"
        )
    header = [
        "turn",
        "turns (n)",
        "hit@1",
        "standalone",
        "hit@3",
        "standalone",
        "what the turn is",
    ]
    return table(header, rows)


def conversations_section(report: ConversationsReport) -> str:
    """The section's HTML (its ``<section>`` wrapper is the page's)."""
    notes = "".join(f'<p class="note">{escape(note)}</p>' for note in report.notes)
    return (
        "<h2>Conversations</h2>"
        f"<p>{report.conversations} conversations, {report.turns} turns (split "
        f"<code>{escape(report.split)}</code> of <code>{escape(report.gold)}</code>), asked "
        "turn by turn through the API, each follow-up with the conversation id of the answer "
        "before it. The grey column is the standalone baseline.</p>"
        f'<p class="muted">{escape(STANDALONE_DEFINITION)}</p>'
        f"{notes}{_figures(report)}"
        "<h3>Hit@k by follow-up kind</h3>"
        '<p class="muted">Over the turns with acceptable institutions; hit@k as for the '
        "questions, at that turn.</p>"
        f"{_by_followup(report)}"
    )
