"""What each figure of the report's "Conversations" section means (``--conversations``).

Kept apart from :mod:`eval.metric_definitions` because the figures are over turns and
conversations, not gold questions, and two of them share a code name with a question metric
(``kind_accuracy``) that is computed over a different set. The figures are those of
:func:`eval.conversations.score.score_conversations`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from eval.metric_definitions import MetricDefinition

__all__ = ["CONVERSATION_DEFINITIONS", "FOLLOWUP_DEFINITIONS", "STANDALONE_DEFINITION"]

_D = MetricDefinition

#: Figure code name → label and definition, in the order the section shows them.
CONVERSATION_DEFINITIONS: Mapping[str, MetricDefinition] = MappingProxyType(
    {
        "last_turn_hit@1": _D(
            "Last-turn hit@1",
            "Share of conversations whose last answer puts an acceptable institution first "
            "(what the person finally reads); over conversations whose last turn has acceptable "
            "institutions and is not out of scope.",
        ),
        "last_turn_hit@3": _D(
            "Last-turn hit@3",
            "Share of those conversations with an acceptable institution among the first three "
            "cards of the last answer.",
        ),
        "clarification_precision": _D(
            "Commune question precision",
            "Among turns where the assistant asked for the commune, the share whose gold turn "
            "asks for it.",
        ),
        "clarification_recall": _D(
            "Commune question recall",
            "Among turns whose gold asks for the commune, the share where the assistant asked.",
        ),
        "clarification_all_precision": _D(
            "Question-back precision (all fields)",
            "Among turns where the assistant asked something back (commune, age, permit…), the "
            "share where it asked for the field the gold turn asks for.",
        ),
        "clarification_all_recall": _D(
            "Question-back recall (all fields)",
            "Among turns whose gold asks something back, the share where the assistant asked "
            "for that field.",
        ),
        "clarifications_asked": _D(
            "Commune questions asked",
            "Number of turns where the assistant asked for the commune.",
        ),
        "clarifications_expected": _D(
            "Commune questions expected",
            "Number of turns whose gold asks for the commune.",
        ),
        "language_kept": _D(
            "Language kept",
            "Share of all turns answered in the language of that turn (a conversation may "
            "switch language).",
        ),
        "kind_accuracy": _D(
            "Answer-kind accuracy (turns)",
            "Share of all turns whose answer kind (orientation, emergency, out of scope, no "
            "answer) is the kind the gold turn expects.",
        ),
    }
)

#: Follow-up kind (``first``: a conversation's opening turn) → what its turns are.
FOLLOWUP_DEFINITIONS: Mapping[str, str] = MappingProxyType(
    {
        "first": "The opening turn of each conversation.",
        "commune": "The person answers with their commune (often after being asked for it).",
        "refine": "The person adds a detail to the same need.",
        "fact": "The person asks a fact (hours, languages, address…) about an institution shown.",
        "new_need": "The person moves on to another need.",
        "after_emergency": "The person goes on after an emergency answer.",
    }
)

#: What the baseline column is.
STANDALONE_DEFINITION = (
    "Standalone: the same turns, each asked on its own without the conversation id, so no "
    "commune, language or need is carried over; the gap to it is what the conversation adds."
)
