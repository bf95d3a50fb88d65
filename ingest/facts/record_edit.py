"""Write an accepted fact into its record file, touching only the keys concerned.

Why text splicing and not a YAML round trip: the records are hand-curated (other people add
fields and comments while proposals wait), and a round trip through any YAML library rewrites
what it does not understand the way it prefers (``null`` written as nothing, long lines
re-folded: ``ruamel.yaml`` changes 138 of the 185 files on a load and dump that edits
nothing). So the new value of each changed top-level key is dumped alone, in the style the
corpus is written in (:func:`ingest.corpus.dump_institution`: PyYAML, width 100), and put in
place of that key's lines; every other line of the file stays byte for byte. The result is
validated as an :class:`~ingest.records.Institution` before it is written, and written
atomically (a temporary file renamed over the record).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path

import yaml

__all__ = ["replace_top_level_keys", "write_atomically"]

_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):(?:\s|$)")
#: Where a key the file does not have yet goes: before the first of these, else at the end.
_INSERT_BEFORE = ("notes", "last_verified")


def _blocks(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Top-level key → (first line, line after its block)."""
    starts = [(i, m.group(1)) for i, line in enumerate(lines) if (m := _TOP_KEY.match(line))]
    spans: dict[str, tuple[int, int]] = {}
    for n, (start, key) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        while end > start + 1 and lines[end - 1].startswith("#"):
            end -= 1  # a comment just above the next key belongs to it
        spans[key] = (start, end)
    return spans


class _NoAliasDumper(yaml.SafeDumper):
    """A safe dumper that writes a value twice rather than as ``&id001``/``*id001``.

    One ``date`` object dated two facts (``assured``) would otherwise become an anchor and an
    alias, which the hand-edited records never use.
    """

    def ignore_aliases(self, data: object) -> bool:
        return True


def _dump(key: str, value: object) -> list[str]:
    text = yaml.dump(
        {key: value},
        Dumper=_NoAliasDumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return text.splitlines(keepends=True)


def replace_top_level_keys(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each key of ``values`` set to its value; other lines untouched."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    for key, value in values.items():
        spans = _blocks(lines)
        if key in spans:
            start, end = spans[key]
            lines[start:end] = _dump(key, value)
            continue
        anchor = next((spans[k][0] for k in _INSERT_BEFORE if k in spans), len(lines))
        lines[anchor:anchor] = _dump(key, value)
    return "".join(lines)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one rename (a crash leaves the old file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
