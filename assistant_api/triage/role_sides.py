"""Second layer of role recognition: which side of violence the person needing help is on.

The role lexicon (``prompts/roles.yaml``) is precise but does not generalise: on 44 new dev
questions written from needs (2026-12-04) it found the asker's side — the person suffering the
violence, or the one exercising it — for 6. People write "ma femme dit que je suis violent",
"the police told me to leave the flat for ten days", "un de mes joueurs m'a avoué qu'il cogne
sa copine": no listed phrase, but close in meaning to many. This layer embeds the question with
the triage's multilingual sentence model and compares it with prototype sentences
(``prompts/role_prototypes.yaml``): people who exercise violence or ask for one (``perpetrator``),
people who suffer it or ask for one (``victim``), and questions about anything else, violence as
a topic included (``other``).

A side is given only when its closest prototypes beat the other side's by ``side_margin`` and
the question is closer to a side than to the ``other`` prototypes by ``topic_margin``: a wrong side
hides the services of the right one (answer/roles.py), so an unsure reading gives no role and
nothing is hidden. The lexicon stays first and decides alone when it finds a side or both.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant_api.triage.emergency import Sentences
from index.embedders import Embedder, Matrix
from ingest import Role
from permanence.lexicon import LexiconError, LexiconModel, load_lexicon

__all__ = [
    "SIDE_MARGIN",
    "TOPIC_MARGIN",
    "TOP_K",
    "RolePrototypes",
    "RoleSide",
    "RoleSideClassifier",
]

logger = logging.getLogger(__name__)

#: Prototypes averaged on each side (as the emergency classifier does).
TOP_K = 3
#: How much closer the chosen side must be than the opposite one (USE cosine scale), and how
#: much closer to a side than to the questions about anything else (e5 cosine scale).
#: ``python -m eval.role_sides --gold`` dev (437 + the 44 role questions of 2026-12-04), after
#: the lexicon (alone: 59 of 80 sides right, 0 wrong, 21 unread; 1 of 401 other questions given
#: a side): 0.01 / 0.015 → 76 right, 0 wrong, 4 unread, 8 others given a side (7 of them
#: emergencies; the service reads a side only when a side's service was retrieved or a danger
#: described); 0.0 / 0.015 → 77, 1 wrong, 10 others; 0.02 / 0.015 → 73, 0 wrong, 6 others;
#: topic 0.01 → 34 others. The lower side margin is kept: a wrong side is what harms.
SIDE_MARGIN = 0.01
TOPIC_MARGIN = 0.015


class _RolePrototypeFile(LexiconModel):
    perpetrator: Sentences
    victim: Sentences
    other: Sentences


@dataclass(frozen=True, slots=True)
class RolePrototypes:
    """The sentences of ``role_prototypes.yaml``, by side."""

    perpetrator: tuple[str, ...]
    victim: tuple[str, ...]
    other: tuple[str, ...]

    @classmethod
    def load(cls, path: Path) -> RolePrototypes:
        """Read the file with the shared lexicon loader (errors name the key and sentence)."""
        data = load_lexicon(path, _RolePrototypeFile)
        sides = {
            name: tuple(s for sentences in by_language.values() for s in sentences)
            for name, by_language in (
                ("perpetrator", data.perpetrator),
                ("victim", data.victim),
                ("other", data.other),
            )
        }
        empty = [name for name, sentences in sides.items() if not sentences]
        if empty:
            raise LexiconError(f"{path}: {', '.join(empty)} need at least one sentence")
        return cls(**sides)


@dataclass(frozen=True, slots=True)
class RoleSide:
    """The classifier's reading of one question (kept whether or not it gives a side)."""

    role: Role | None
    #: Closest prototypes of each side (side model), and how much closer the question is to a
    #: side than to the other questions (topic model).
    perpetrator: float
    victim: float
    topic: float
    nearest: str


class RoleSideClassifier:
    """Nearest-prototype reading of the asker's side; cheap init, ``warm_up`` embeds.

    Two models, each where it measured better on dev (``python -m eval.role_sides``): ``side``
    (USE) tells a perpetrator's question from a victim's, ``topic`` (e5, whose 100 languages
    include uk, fa, sq and ti) tells a question about a side of violence from any other.
    """

    def __init__(
        self,
        prototypes: RolePrototypes,
        *,
        side: Embedder,
        topic: Embedder,
        top_k: int = TOP_K,
        side_margin: float = SIDE_MARGIN,
        topic_margin: float = TOPIC_MARGIN,
    ) -> None:
        if top_k < 1:
            raise ValueError(f"top_k={top_k} must be at least 1")
        self._prototypes = prototypes
        self._side_model = side
        self._topic_model = topic
        self._top_k = top_k
        self._side_margin = side_margin
        self._topic_margin = topic_margin
        self._lock = threading.Lock()
        self._vectors: dict[tuple[str, str], Matrix] = {}

    @property
    def embedder_names(self) -> tuple[str, str]:
        """The side and topic embedders, whose query vectors :meth:`side` accepts."""
        return self._side_model.name, self._topic_model.name

    def warm_up(self) -> None:
        with self._lock:
            if self._vectors:
                return
            for model in {
                self._side_model.name: self._side_model,
                self._topic_model.name: self._topic_model,
            }.values():
                model.warm_up()
                # Embedded as queries: a question is compared with questions (e5 is asymmetric).
                for name in ("perpetrator", "victim", "other"):
                    sentences = getattr(self._prototypes, name)
                    self._vectors[model.name, name] = np.stack(
                        [model.embed_query(s) for s in sentences]
                    )
            logger.info(
                "role side classifier: %d prototypes per side (%s for the side, %s for the topic)",
                len(self._prototypes.perpetrator),
                self._side_model.name,
                self._topic_model.name,
            )

    def _closest(self, model: str, name: str, query: Matrix) -> tuple[float, int]:
        similarities = self._vectors[model, name] @ query
        order = np.argsort(-similarities)
        return float(similarities[order[: self._top_k]].mean()), int(order[0])

    def _vector(self, model: Embedder, question: str, vectors: Mapping[str, Matrix]) -> Matrix:
        known = vectors.get(model.name)
        return model.embed_query(question) if known is None else known

    def side(self, question: str, vectors: Mapping[str, Matrix] | None = None) -> RoleSide:
        """Read ``question``; ``vectors``: its query vectors already computed, by model name."""
        self.warm_up()
        vectors = vectors or {}
        by_side = self._vector(self._side_model, question, vectors)
        by_topic = self._vector(self._topic_model, question, vectors)
        side_model, topic_model = self.embedder_names
        perpetrator, nearest_p = self._closest(side_model, "perpetrator", by_side)
        victim, nearest_v = self._closest(side_model, "victim", by_side)
        topic = max(
            self._closest(topic_model, "perpetrator", by_topic)[0],
            self._closest(topic_model, "victim", by_topic)[0],
        )
        other, _ = self._closest(topic_model, "other", by_topic)
        best: Role = "perpetrator" if perpetrator > victim else "victim"
        sure = abs(perpetrator - victim) > self._side_margin and topic - other > self._topic_margin
        nearest = (
            self._prototypes.perpetrator[nearest_p]
            if best == "perpetrator"
            else self._prototypes.victim[nearest_v]
        )
        return RoleSide(
            role=best if sure else None,
            perpetrator=round(perpetrator, 4),
            victim=round(victim, 4),
            topic=round(topic - other, 4),
            nearest=nearest,
        )
