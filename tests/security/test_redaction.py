"""Both redactors pass one table: every identifier of every language and script is replaced.

The regex redactor is what runs when Presidio is not installed, so it is held to the whole
table on its own; Presidio (spaCy's French model on top of the same rules) must not undo any
row, nor blank the rows that hold no personal data.
"""

from __future__ import annotations

import pytest

from assistant_api.analytics.redaction import PresidioRedactor, Redactor, RegexRedactor
from tests.security.redaction_table import KEPT, REDACTED


@pytest.fixture(scope="module")
def presidio() -> PresidioRedactor:
    pytest.importorskip("presidio_analyzer", reason="the privacy extra is not installed")
    redactor = PresidioRedactor()
    redactor.warm_up()
    return redactor


@pytest.mark.unit
@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_regex_redacts(text: str, expected: str) -> None:
    assert RegexRedactor().redact(text) == expected


@pytest.mark.unit
@pytest.mark.parametrize("text", KEPT)
def test_regex_keeps_what_is_not_personal(text: str) -> None:
    assert RegexRedactor().redact(text) == text


def _check(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize(("text", "expected"), REDACTED)
def test_presidio_redacts(presidio: PresidioRedactor, text: str, expected: str) -> None:
    _check(presidio, text, expected)


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.parametrize("text", KEPT)
def test_presidio_keeps_what_is_not_personal(presidio: PresidioRedactor, text: str) -> None:
    _check(presidio, text, text)
