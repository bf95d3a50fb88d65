"""One loader for every lexicon: a hand-edited YAML file in, a validated typed model out.

The glossary of needs, the safety lexicon and the emergency prototypes are data that the
network's professionals edit by hand. Read each its own way, they failed each their own way (a
``KeyError`` deep in a constructor, a raw pydantic dump, a silently empty file). Here a file
becomes a :class:`LexiconModel` or a :class:`LexiconError` whose lines each name the file, the
place in it and what is wrong::

    corpora/glossary.yaml: concepts.rent.category: unknown category 'logemnt'; use one of ...

Modules declare their file's shape as ``LexiconModel`` subclasses (validators raise
``ValueError`` with a sentence that says what to write instead) and call :func:`load_lexicon`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, PlainValidator, ValidationError
from pydantic_core import ErrorDetails

from permanence.errors import ConfigurationError
from permanence.text import fold

__all__ = ["FoldedPattern", "LexiconError", "LexiconModel", "fold_pattern", "load_lexicon"]


class LexiconError(ConfigurationError, ValueError):
    """A lexicon file is missing, not YAML, or not of the expected shape.

    A ``ValueError`` too: a bad lexicon is a bad value handed to the code, as it was before the
    files shared this loader.
    """


class LexiconModel(BaseModel):
    """Base of the lexicon file models: unknown keys are typos, and loaded data is read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


ModelT = TypeVar("ModelT", bound=LexiconModel)


#: The parts of a regular expression that folding must not touch: escapes (``\\W`` is not
#: ``\\w``) and named groups (``(?P<age>`` is not ``(?p<age>``).
_REGEX_SYNTAX = re.compile(r"(\\.|\(\?P<\w+>|\(\?P=\w+\))")


def fold_pattern(pattern: str) -> str:
    """``pattern`` with its literal text folded as :func:`permanence.text.fold` folds
    questions, and its regex syntax left as written."""
    parts = _REGEX_SYNTAX.split(pattern)
    return "".join(part if i % 2 else fold(part) for i, part in enumerate(parts))


def _folded_pattern(value: object) -> re.Pattern[str]:
    """A pattern of the file, folded like the questions it is matched against, compiled."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a pattern; write it as a quoted string")
    try:
        return re.compile(fold_pattern(value))
    except re.error as exc:
        raise ValueError(f"bad pattern {value!r}: {exc}; fix the regex") from exc


#: A regular expression of a lexicon file, folded as :func:`permanence.text.fold` folds the
#: questions (so accents may be written) and compiled once at load.
FoldedPattern = Annotated[re.Pattern[str], PlainValidator(_folded_pattern)]

#: Pydantic's wording replaced by what an editor of the file should do.
_MESSAGES = {
    "extra_forbidden": "unknown key; check its spelling and indentation",
    "missing": "missing; add it",
}


def load_lexicon(path: Path, model: type[ModelT]) -> ModelT:
    """Read ``path`` and validate it as ``model``.

    Raises:
        LexiconError: the file cannot be read, is not YAML, is not a mapping, or does not fit
            ``model``; one line per problem, each naming the file and the key path.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LexiconError(f"{path}: cannot be read: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: not valid YAML{_where(exc)}") from exc
    if not isinstance(raw, dict):
        found = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise LexiconError(f"{path}: expected a mapping of keys at the top, found {found}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: {_problem(error)}" for error in exc.errors()]
        raise LexiconError("\n".join(lines)) from exc


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    line = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return f"{line}: {problem}"


def _problem(error: ErrorDetails) -> str:
    context = error.get("ctx") or {}
    if error["type"] == "value_error" and "error" in context:
        message = str(context["error"])  # the validator's own sentence, without pydantic's prefix
    else:
        message = _MESSAGES.get(error["type"], error["msg"])
    where = _location(error["loc"])
    return f"{where}: {message}" if where else message


def _location(loc: Sequence[int | str]) -> str:
    """``("concepts", "rent", "triggers", 3)`` → ``concepts.rent.triggers[3]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out
