"""Builds of the embedded index: where each lives, which one is live, and who may write.

Why builds: ``permanence index --rebuild`` used to delete the live index under a running
server, and a build killed half-way left a partial index that looked healthy. Now a rebuild
writes into a fresh folder and, only once it has finished, names it live by replacing one
small file atomically; a process that has the previous build open keeps answering from it
until it reopens. Every build ends with a marker that says how many chunks it wrote, so a
partial or stale index can be told from a good one (``/health``).

Layout under the index root (``data/index/<collection>``)::

    CURRENT              the live build's folder, relative to the root (os.replace'd)
    builds/<name>/       one build: shard/, collection.json, build.json
    .writer.lock         flock held by the one process writing (a second writer is refused)

An index from before builds has ``shard/`` and ``collection.json`` in the root itself and no
``CURRENT``: the root is then the live build, until the next rebuild replaces it.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from index.errors import IndexLockedError

__all__ = [
    "BuildMarker",
    "WriterLock",
    "build_dirs",
    "live_build",
    "new_build_dir",
    "publish",
    "read_marker",
    "write_marker",
]

CURRENT_FILE = "CURRENT"
BUILDS_DIR = "builds"
MARKER_FILE = "build.json"
LOCK_FILE = ".writer.lock"
META_FILE = "collection.json"


@dataclass(frozen=True, slots=True)
class BuildMarker:
    """What the last write of a build recorded: ``building`` until it finished."""

    state: Literal["building", "complete"]
    documents: int
    chunks: int
    at: str

    @classmethod
    def now(
        cls, state: Literal["building", "complete"], *, documents: int, chunks: int
    ) -> BuildMarker:
        return cls(state, documents, chunks, datetime.now(UTC).isoformat(timespec="seconds"))


def live_build(root: Path) -> Path | None:
    """The folder of the live build under ``root``; ``None`` when nothing was ever built."""
    current = root / CURRENT_FILE
    if current.exists():
        return root / current.read_text(encoding="utf-8").strip()
    if (root / META_FILE).exists():
        return root  # an index from before builds
    return None


def build_dirs(root: Path) -> list[Path]:
    """Every build folder under ``root`` (live, previous, unfinished), oldest first."""
    folder = root / BUILDS_DIR
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.exists() else []


def new_build_dir(root: Path) -> Path:
    """A fresh, empty build folder; names sort by creation time."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / BUILDS_DIR / f"{stamp}-{secrets.token_hex(3)}"
    path.mkdir(parents=True)
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(root: Path, build: Path) -> None:
    """Make ``build`` the live one: write ``CURRENT`` beside it and rename it in place.

    ``os.replace`` is atomic on POSIX: a reader sees the old name or the new one, never half.
    """
    tmp = root / f"{CURRENT_FILE}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(str(build.relative_to(root)) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, root / CURRENT_FILE)
    _fsync_dir(root)


def read_marker(build: Path) -> BuildMarker | None:
    """The marker of ``build``; ``None`` when it has none (or an unreadable one)."""
    try:
        data = json.loads((build / MARKER_FILE).read_text(encoding="utf-8"))
        state = data["state"]
        if state not in ("building", "complete"):
            return None
        return BuildMarker(state, int(data["documents"]), int(data["chunks"]), str(data["at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_marker(build: Path, marker: BuildMarker) -> None:
    """Write the marker durably (temp file, fsync, rename): a kill leaves the old or the new."""
    tmp = build / f"{MARKER_FILE}.tmp"
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(asdict(marker), handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, build / MARKER_FILE)


class WriterLock:
    """An exclusive, non-blocking ``flock`` on ``<root>/.writer.lock``.

    The kernel drops it when the holder dies (kill -9 included), so a crashed build never
    leaves the index locked. Readers (a serving process) never take it.
    """

    def __init__(self, root: Path) -> None:
        self._path = root / LOCK_FILE
        # A raw descriptor, not a file object: an index never closed keeps its lock (as it
        # should) without a ResourceWarning when the object is collected.
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise at once if another writer holds it.

        Raises:
            IndexLockedError: another process (or object) is writing this index.
        """
        if self._fd is not None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise IndexLockedError(
                f"another `permanence index` is writing the index at {self._path.parent} "
                f"(pid {holder}); wait for it to finish, then run this one again"
            ) from exc
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
