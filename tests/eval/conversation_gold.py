"""One two-turn gold conversation (a money need, then the commune) that the conversation tests
share: asked through the API in one, written to a gold file for the eval CLI in the other."""

from __future__ import annotations

from typing import Any

CONVERSATION: dict[str, Any] = {
    "id": "conv-9001",
    "split": "dev",
    "language": "fr",
    "turns": [
        {
            "question": "je n'ai plus d'argent pour manger ce mois-ci",
            "language": "fr",
            "kind": "orientation",
            "acceptable": ["caritas-neuchatel"],
            "clarification": "commune",
            "commune": None,
        },
        {
            "question": "j'habite a Cernier",
            "language": "fr",
            "followup": "commune",
            "kind": "orientation",
            "acceptable": ["gsr-val-de-ruz"],
            "clarification": None,
            "commune": "Val-de-Ruz",
        },
    ],
}
