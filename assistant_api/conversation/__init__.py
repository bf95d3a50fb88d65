"""Conversations: follow-ups read with the turns before them, and the one question asked back.

``ConversationalAssistant`` wraps the answer service; ``ConversationStore`` keeps redacted turns
in memory for a bounded time.
"""

from __future__ import annotations

from assistant_api.conversation.assistant import ConversationalAssistant
from assistant_api.conversation.followup import FollowUp, FollowUpReader
from assistant_api.conversation.lexicon import ConversationLexicon
from assistant_api.conversation.store import Conversation, ConversationStore, Turn

__all__ = [
    "Conversation",
    "ConversationLexicon",
    "ConversationStore",
    "ConversationalAssistant",
    "FollowUp",
    "FollowUpReader",
    "Turn",
]
