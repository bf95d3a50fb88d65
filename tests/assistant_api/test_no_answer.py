"""A "no answer" is honest and complete even when no social counter can be named."""

from __future__ import annotations

from typing import Any

import pytest

from assistant_api.answer.communes import CommuneDirectory
from assistant_api.answer.service import _Plan
from assistant_api.triage.roles import QuestionRoles
from ingest.corpus import load_communes

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("language", ["fr", "de", "ar", "ti"])
def test_without_a_counter_to_name_the_no_answer_ends_as_a_sentence(
    tiny_runtime: Any, monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    service = tiny_runtime.service
    # A corpus with no regional social counter on record.
    monkeypatch.setattr(service, "_communes", CommuneDirectory(load_communes(), known_ids=[]))
    templates = service._templates.get(language)
    question = "Une question que rien ne couvre"
    retrieval = service._retriever.run(query=question, audiences=("public",), top_k=3)
    composed = service._no_answer(
        question,
        templates,
        _Plan(language=language, commune=None, audiences=("public",), roles=QuestionRoles()),
        retrieval,
        [],
    )
    assert composed.institutions == []
    assert composed.answer.rstrip().endswith(".")
    assert not composed.answer.rstrip().endswith((":", "：", "፥"))


def test_with_a_counter_the_no_answer_names_it(tiny_runtime: Any) -> None:
    service = tiny_runtime.service
    templates = service._templates.get("fr")
    question = "Une question que rien ne couvre"
    retrieval = service._retriever.run(query=question, audiences=("public",), top_k=3)
    composed = service._no_answer(
        question,
        templates,
        _Plan(language="fr", commune="Val-de-Ruz", audiences=("public",), roles=QuestionRoles()),
        retrieval,
        [],
    )
    assert [i.id for i in composed.institutions] == ["gsr-val-de-ruz"]
