"""Checks of ``permanence ask``'s options, as argparse types: a bad value is exit 2 with why.

A language without answer templates or a commune outside the canton used to be accepted and
then ignored, so the asker got an answer that was not about what they had said. Each check
imports what it needs when it runs, so building the parser stays cheap.
"""

from __future__ import annotations

import argparse

__all__ = ["commune_name", "language_code", "server_url", "top_k"]

#: Communes named in the error, so the asker sees what kind of name is expected.
_EXAMPLE_COMMUNES = "Neuchâtel, La Chaux-de-Fonds, Val-de-Travers"


def language_code(value: str) -> str:
    """One of the languages Permanence answers in (ISO 639-1, any case)."""
    from assistant_api.triage.language import SUPPORTED_LANGUAGES

    code = value.strip().lower()
    if code not in SUPPORTED_LANGUAGES:
        supported = ", ".join(SUPPORTED_LANGUAGES)
        raise argparse.ArgumentTypeError(
            f"unsupported language {value!r}; Permanence answers in {supported}"
        )
    return code


def commune_name(value: str) -> str:
    """The canonical name of a commune or locality of the canton (the commune table's)."""
    from assistant_api.answer.communes import CommuneDirectory
    from ingest.corpus import load_communes

    directory = CommuneDirectory(load_communes())
    resolved = directory.resolve(value)
    if resolved is not None:
        return resolved
    message = (
        f"unknown commune {value!r} (a commune or village of the canton of Neuchâtel, "
        f"e.g. {_EXAMPLE_COMMUNES})"
    )
    suggestions = directory.suggest(value)
    if suggestions:
        message += f"; did you mean {' or '.join(suggestions)}?"
    raise argparse.ArgumentTypeError(message)


def top_k(value: str) -> int:
    """A number of institutions within the bounds of ``AskRequest.top_k``."""
    from annotated_types import Ge, Le

    from assistant_api.models import AskRequest

    metadata = AskRequest.model_fields["top_k"].metadata
    low = next(m.ge for m in metadata if isinstance(m, Ge) and isinstance(m.ge, int))
    high = next(m.le for m in metadata if isinstance(m, Le) and isinstance(m.le, int))
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a number of institutions from {low} to {high}"
        )
    return number


def server_url(value: str) -> str:
    """The base URL of a running Permanence server (http or https, no trailing slash)."""
    url = value.strip().rstrip("/")
    if not url.startswith(("http://", "https://")) or len(url.split("://", 1)[1]) == 0:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a server URL; give one such as http://127.0.0.1:8000"
        )
    return url
