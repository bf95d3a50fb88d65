"""Read the curated institution records (one YAML file each) into :class:`Institution`.

A curator fixing a record needs to know which file and which field is wrong, so every problem
is reported as ``<file>: field '<dotted.path>': <what is wrong>``. :func:`read_institution`
returns the problems as values (the checker lists them all); :func:`load_institution` and
:func:`load_corpus` raise :class:`CorpusError` with the same text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ingest.errors import CorpusError
from ingest.records import Institution

__all__ = [
    "RECORD_SUFFIXES",
    "LoadProblem",
    "dump_institution",
    "iter_record_files",
    "load_corpus",
    "load_institution",
    "read_institution",
    "write_institution",
]

logger = logging.getLogger(__name__)

#: File endings of institution records.
RECORD_SUFFIXES: tuple[str, ...] = (".yaml", ".yml")


@dataclass(frozen=True)
class LoadProblem:
    """One reason a record file could not be turned into an Institution."""

    path: Path
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"field {self.field!r}: " if self.field else ""
        return f"{self.path}: {where}{self.message}"


def iter_record_files(directory: Path) -> Iterator[Path]:
    """The record files of a corpus directory, sorted by name (hidden files skipped)."""
    if not directory.is_dir():
        raise CorpusError(f"{directory}: corpus directory not found; set PERMANENCE_CORPUS_DIR")
    for path in sorted(directory.iterdir()):
        if path.suffix in RECORD_SUFFIXES and not path.name.startswith(".") and path.is_file():
            yield path


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def read_institution(path: Path) -> tuple[Institution | None, list[LoadProblem]]:
    """Parse one record file; expected problems are returned, not raised.

    Returns:
        The institution (``None`` when the file is unusable) and the problems found: bad
        YAML, a top level that is not a mapping, schema errors per field, and an ``id`` that
        differs from the file name.
    """
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [LoadProblem(path, None, f"cannot be read: {exc}")]
    except UnicodeDecodeError as exc:
        return None, [
            LoadProblem(path, None, f"is not UTF-8 text (byte {exc.start}): save it as UTF-8")
        ]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [LoadProblem(path, None, f"not valid YAML{where}: {reason}")]
    if not isinstance(raw, dict):
        found = type(raw).__name__ if raw is not None else "an empty file"
        return None, [LoadProblem(path, None, f"expected a mapping of fields, found {found}")]
    try:
        institution = Institution.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = _loc(error["loc"]) or None
            message = error["msg"]
            if error["type"] == "extra_forbidden":
                message = "unknown field; see ingest/records.py Institution for the allowed ones"
            problems.append(LoadProblem(path, field, message))
        return None, problems
    if institution.id != path.stem:
        problem = LoadProblem(
            path,
            "id",
            f"id {institution.id!r} differs from the file name; rename the file to "
            f"{institution.id}{path.suffix} or set id: {path.stem}",
        )
        return institution, [problem]
    return institution, []


def load_institution(path: Path) -> Institution:
    """Parse one record file.

    Raises:
        CorpusError: the file is not a valid record; the message names the file and field.
    """
    institution, problems = read_institution(path)
    if problems or institution is None:
        raise CorpusError("; ".join(str(p) for p in problems))
    return institution


def load_corpus(directory: Path) -> list[Institution]:
    """All records of a corpus directory, sorted by file name.

    Raises:
        CorpusError: one or more files are invalid (all problems are listed), or two files
            share an id.
    """
    institutions: list[Institution] = []
    problems: list[LoadProblem] = []
    first_file: dict[str, Path] = {}
    for path in iter_record_files(directory):
        institution, found = read_institution(path)
        problems.extend(found)
        if institution is None or found:
            continue
        if institution.id in first_file:
            other = first_file[institution.id].name
            problems.append(
                LoadProblem(path, "id", f"id {institution.id!r} is also used by {other}")
            )
            continue
        first_file[institution.id] = path
        institutions.append(institution)
    if problems:
        raise CorpusError(
            f"{len(problems)} problem(s) in {directory}:\n" + "\n".join(str(p) for p in problems)
        )
    logger.debug("loaded %d institutions from %s", len(institutions), directory)
    return institutions


def dump_institution(institution: Institution) -> str:
    """The record as YAML, fields in schema order, as curators write it."""
    data = institution.model_dump(mode="json")
    text: str = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return text


def write_institution(institution: Institution, directory: Path) -> Path:
    """Write ``<directory>/<id>.yaml`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{institution.id}.yaml"
    path.write_text(dump_institution(institution), encoding="utf-8")
    return path
