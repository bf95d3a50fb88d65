"""Personal data never reaches storage or logs unredacted; retention is enforced."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from assistant_api.analytics.redaction import PresidioRedactor, RegexRedactor, build_redactor
from assistant_api.analytics.store import AnalyticsStore, AnswerRecord, FeedbackRecord
from assistant_api.app import create_app
from assistant_api.runtime import AssistantRuntime
from permanence.settings import Settings
from tests.assistant_api.conftest import settings_for

ADMIN = {"Authorization": "Bearer admin-token-for-tests-0123456789"}
PERSONAL = {
    "avs": "756.1234.5678.97",
    "phone": "079 123 45 67",
    "phone_intl": "+41 32 886 80 70",
    "iban": "CH93 0076 2011 6238 5295 7",
    "email": "marie.dupont@example.ch",
    "street": "rue de la Gare 12",
    "birth": "12.03.1985",
}


@pytest.mark.unit
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Mon AVS est 756.1234.5678.97.", "Mon AVS est <AVS>.", id="avs"),
        pytest.param("AVS 7561234567897 svp", "AVS <AVS> svp", id="avs-compact"),
        pytest.param("Appelez le 079 123 45 67", "Appelez le <PHONE>", id="mobile"),
        pytest.param("tel +41 32 886 80 70.", "tel <PHONE>.", id="phone-intl"),
        pytest.param("tel 0041 79 123 45 67", "tel <PHONE>", id="phone-0041"),
        pytest.param("IBAN CH93 0076 2011 6238 5295 7", "IBAN <IBAN>", id="iban"),
        pytest.param("écrire à marie.dupont@example.ch", "écrire à <EMAIL>", id="email"),
        pytest.param(
            "j'habite rue de la Gare 12 à Neuchâtel",
            "j'habite <ADDRESS> à Neuchâtel",
            id="street-fr",
        ),
        pytest.param("wohne an der Bahnhofstrasse 5", "wohne an der <ADDRESS>", id="street-de"),
        pytest.param("née le 12.03.1985", "née le <DATE>", id="dob-numeric"),
        pytest.param("né le 3 mai 1980", "né le <DATE>", id="dob-words"),
        pytest.param(
            "Je m'appelle Marie Dupont et j'ai faim",
            "Je m'appelle <PERSON> et j'ai faim",
            id="name-cue",
        ),
        pytest.param("Madame Rochat a dit", "Madame <PERSON> a dit", id="name-title"),
        pytest.param(
            "J'ai 3 enfants et un loyer de 1500 francs",
            "J'ai 3 enfants et un loyer de 1500 francs",
            id="no-personal-data",
        ),
        pytest.param("Appelez le 143", "Appelez le 143", id="helpline-kept"),
    ],
)
def test_regex_redactor(text: str, expected: str) -> None:
    assert RegexRedactor().redact(text) == expected


@pytest.mark.unit
def test_unknown_redactor_is_refused() -> None:
    with pytest.raises(ValueError, match="redactor 'spacy' is unknown"):
        build_redactor("spacy")


@pytest.fixture(scope="module")
def presidio() -> PresidioRedactor:
    redactor = PresidioRedactor()
    redactor.warm_up()
    return redactor


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Jean-Pierre Rochat, mon voisin, ne paie plus son loyer",
            "<PERSON>, mon voisin, ne paie plus son loyer",
            id="name-without-cue",
        ),
        pytest.param(
            "Mon fils Lucas Perret a 12 ans, il vit Bahnhofstrasse 5",
            "Mon fils <PERSON> a 12 ans, il vit <ADDRESS>",
            id="name-and-street",
        ),
        pytest.param(
            "AVS 756.1234.5678.97, tél. 079 123 45 67",
            "AVS <AVS>, tél. <PHONE>",
            id="swiss-patterns",
        ),
        pytest.param(
            "J'ai des dettes et je vis à Cernier",
            "J'ai des dettes et je vis à Cernier",
            id="places-kept",
        ),
    ],
)
def test_presidio_redactor(presidio: PresidioRedactor, text: str, expected: str) -> None:
    assert presidio.redact(text) == expected


@pytest.mark.unit
def test_retention_purges_old_rows(tmp_analytics: Path) -> None:
    store = AnalyticsStore(tmp_analytics, retention_days=30)
    now = datetime(2026, 11, 22, tzinfo=UTC)
    for age, answer_id in ((40, "a" * 32), (5, "b" * 32)):
        store.add_answer(
            AnswerRecord(
                answer_id=answer_id,
                question="<PERSON> cherche un logement",
                kind="no_answer",
                language="fr",
                commune=None,
                theme="logement",
                confidence=0.0,
                institutions=(),
                created_at=now - timedelta(days=age),
            )
        )
        store.add_feedback(
            FeedbackRecord(answer_id, "not_helpful", None, None, now - timedelta(days=age))
        )
    assert store.counts() == {"answers": 2, "feedback": 2}
    assert store.purge(now=now) == 2
    assert store.counts() == {"answers": 1, "feedback": 1}
    report = store.blind_spots(days=30, now=now)
    assert report.total == 1
    assert report.groups[0].reasons == {"no_answer": 1, "not_helpful": 1}
    store.close()
    with pytest.raises(ValueError, match="retention_days=0"):
        AnalyticsStore(tmp_analytics, retention_days=0)


def _personal_question(marker: str) -> str:
    return (
        f"{marker} Je m'appelle Marie Dupont, AVS {PERSONAL['avs']}, tél. {PERSONAL['phone']} ou "
        f"{PERSONAL['phone_intl']}, IBAN {PERSONAL['iban']}, {PERSONAL['email']}, j'habite "
        f"{PERSONAL['street']} à Cernier, née le {PERSONAL['birth']}. Je cherche du travail."
    )


def _stored_text(settings: Settings) -> list[str]:
    store = AnalyticsStore(
        settings.data_dir / "analytics.db", retention_days=settings.retention_days
    )
    try:
        return store.all_text()
    finally:
        store.close()


@pytest.mark.integration
def test_questions_and_comments_are_stored_and_logged_redacted(
    api_server: str, api_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    marker = f"privacy{int(time.time() * 1000)}"
    question = _personal_question(marker)
    answer = httpx.post(f"{api_server}/v1/ask", json={"question": question}, timeout=30).json()
    httpx.post(
        f"{api_server}/v1/feedback",
        json={
            "answer_id": answer["answer_id"],
            "rating": "not_helpful",
            "comment": f"{marker} rappelez-moi au {PERSONAL['phone']}",
        },
        timeout=10,
    )
    httpx.get(f"{api_server}/v1/admin/blind-spots", headers=ADMIN, timeout=30)
    stored = _stored_text(api_settings)
    mine = [t for t in stored if t.startswith(f"{marker} Je")]
    assert mine == [
        f"{marker} Je m'appelle <PERSON>, AVS <AVS>, tél. <PHONE> ou <PHONE>, IBAN <IBAN>, "
        "<EMAIL>, j'habite <ADDRESS> à Cernier, née le <DATE>. Je cherche du travail."
    ]
    assert f"{marker} rappelez-moi au <PHONE>" in stored
    everything = "\n".join(stored) + "\n".join(r.getMessage() for r in caplog.records)
    for value in PERSONAL.values():
        assert value not in everything
    assert "Marie Dupont" not in everything


@pytest.mark.slow
@pytest.mark.integration
def test_presidio_app_stores_names_redacted(
    api_settings: Settings,
    tiny_runtime: AssistantRuntime,
    serve: Callable[[FastAPI], str],
    presidio: PresidioRedactor,
) -> None:
    settings = settings_for(api_settings, redactor="presidio")
    base = serve(create_app(settings, runtime=tiny_runtime))
    assert httpx.get(f"{base}/health", timeout=10).json()["components"]["redactor"] == "presidio"
    marker = f"q{int(time.time() * 1000)}"
    question = f"Jean-Pierre Rochat ({marker}) cherche du travail, tél. {PERSONAL['phone']}"
    httpx.post(f"{base}/v1/ask", json={"question": question}, timeout=30)
    deadline = time.monotonic() + 240
    mine: list[str] = []
    while not mine and time.monotonic() < deadline:
        httpx.get(f"{base}/v1/admin/blind-spots", headers=ADMIN, timeout=30)
        mine = [t for t in _stored_text(settings) if marker in t]
    assert mine == [f"<PERSON> ({marker}) cherche du travail, tél. <PHONE>"]
