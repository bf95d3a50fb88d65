"""Issue 22, "personal data at rest": nothing a person identifies themselves with is stored.

A real server on 127.0.0.1 is asked questions and sent feedback that carry names, phone
numbers, e-mails, IBANs, AVS and permit numbers and dates in six scripts, and a health
condition with a commune. Then everything the server kept is read back — every column of
every table of ``analytics.db``, the blind-spot report an administrator sees, and every log
record this process emitted meanwhile — and none of the identifiers may be in it, in any
spacing. The stored questions are compared exactly, so a redactor that blanked everything
would fail as surely as one that kept a name.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from assistant_api.analytics.sensitive import WITHHELD
from assistant_api.analytics.store import AnalyticsStore, AnswerRecord
from tests.security.conftest import ADMIN_TOKEN, PrivateServer

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

#: (question, what the store keeps of it, the identifiers it holds)
QUESTIONS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "Je m'appelle Marie Dupont, mon numéro est +33 6 12 34 56 78, mon e-mail jean arobase "
        "gmail point com. Je ne peux plus payer mon loyer.",
        "Je m'appelle <PERSON>, mon numéro est <PHONE>, mon e-mail <EMAIL>. Je ne peux plus "
        "payer mon loyer.",
        ("Marie", "Dupont", "+33 6 12 34 56 78", "jean", "gmail"),
    ),
    (
        "اسمي فاطمة الزهراء، رقمي ٠٧٩ ١٢٣ ٤٥ ٦٧، لا أستطيع دفع الإيجار",
        "اسمي <PERSON>، رقمي <PHONE>، لا أستطيع دفع الإيجار",
        ("فاطمة", "الزهراء", "٠٧٩ ١٢٣ ٤٥ ٦٧"),
    ),
    (
        "Ich heiße Anna Müller, IBAN DE89 3704 0044 0532 0130 00, ich habe Schulden",
        "Ich heiße <PERSON>, IBAN <IBAN>, ich habe Schulden",
        ("Anna", "Müller", "DE89 3704 0044 0532 0130 00"),
    ),
    (
        "Меня зовут Иван Петров, номер паспорта FA 123456, ищу работу",
        "Меня зовут <PERSON>, номер паспорта <ID>, ищу работу",
        ("Иван", "Петров", "FA 123456"),
    ),
    (
        "ስመይ ሳባ ገብረመድህን እዩ፡ ገዛ ይደሊ ኣለኹ፡ 079 765 43 21",
        "ስመይ <PERSON> እዩ፡ ገዛ ይደሊ ኣለኹ፡ <PHONE>",
        ("ሳባ", "ገብረመድህን", "079 765 43 21"),
    ),
    (
        "اسم من علی رضایی است، شماره اجازه اقامت من ۱۲۳۴۵۶۷۸ است، به کار نیاز دارم",
        "اسم من <PERSON> است، شماره اجازه اقامت من <ID> است، به کار نیاز دارم",
        ("علی", "رضایی", "۱۲۳۴۵۶۷۸"),
    ),
    (
        "chamo-me João Silva, moro na rua das Flores 5, nascido a 3 maio 1980, preciso de comida",
        "chamo-me <PERSON>, moro na <ADDRESS>, nascido a <DATE>, preciso de comida",
        ("João", "Silva", "Flores 5", "3 maio 1980"),
    ),
    (
        "J'ai un cancer et je vis seule à Cernier, mon AVS est 756.1234.5678.97",
        WITHHELD,
        ("cancer", "756.1234.5678.97"),
    ),
]
#: (feedback comment, what the store keeps of it, the identifiers it holds)
COMMENTS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        "Rappelez-moi au 079 123 45 67. Cordialement, Marie Dupont",
        "Rappelez-moi au <PHONE>. Cordialement, <PERSON>",
        ("079 123 45 67", "Marie", "Dupont"),
    ),
    ("شكرا، أنا محمد العلي", "شكرا، أنا <PERSON>", ("محمد", "العلي")),
    (
        "Мене звати Олена Коваленко, пишіть olena.k@ukr.net",
        "Мене звати <PERSON>, пишіть <EMAIL>",
        ("Олена", "Коваленко", "olena.k@ukr.net"),
    ),
    ("Ma fille est enceinte, le 12.03.2025 elle accouche", WITHHELD, ("enceinte", "12.03.2025")),
]
#: An "institution id" that is a name and a phone number, and one of the tiny corpus.
FAKE_INSTITUTION = "marie-dupont-0791234567"
REAL_INSTITUTION = "caritas-neuchatel"
IDENTIFIERS = (*(i for *_, ids in QUESTIONS + COMMENTS for i in ids), FAKE_INSTITUTION)


def _digits(text: str) -> str:
    return "".join(str(unicodedata.decimal(c)) for c in text if c.isdecimal())


def leaked(texts: list[str], identifiers: tuple[str, ...] = IDENTIFIERS) -> list[str]:
    """The identifiers found in ``texts``: as written, case-folded, or as their digits alone."""
    found = []
    for identifier in identifiers:
        digits = _digits(identifier)
        for text in texts:
            if identifier.casefold() in text.casefold() or (
                len(digits) >= 6 and digits in _digits(text)
            ):
                found.append(identifier)
                break
    return found


def _raw_files(database: Path) -> list[str]:
    files = sorted(database.parent.glob(f"{database.name}*"))
    assert database in files
    return [path.read_bytes().decode("utf-8", errors="replace") for path in files]


def _stored_rows(server: PrivateServer) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(server.analytics_db) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table}").fetchall()  # two fixed table names
            for table in ("answers", "feedback")
        }


@pytest.fixture(scope="module")
def asked(private_server: PrivateServer) -> Iterator[list[logging.LogRecord]]:
    """Ask every question, send every comment, read the blind spots; yields the log records
    this process emitted meanwhile (the server runs in it, on a uvicorn thread)."""
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Keep(level=logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        with httpx.Client(base_url=private_server.url, timeout=60) as client:
            answers = []
            for question, _, _ in QUESTIONS:
                response = client.post("/v1/ask", json={"question": question})
                assert response.status_code == 200, response.text
                answers.append(response.json()["answer_id"])
            for answer_id in answers:
                feedback = {"answer_id": answer_id, "rating": "not_helpful"}
                assert client.post("/v1/feedback", json=feedback).status_code == 202
            for (comment, _, _), answer_id in zip(COMMENTS, answers, strict=False):
                feedback = {"answer_id": answer_id, "rating": "not_helpful", "comment": comment}
                assert client.post("/v1/feedback", json=feedback).status_code == 202
            # the institution id is free text too: only the corpus's ids are stored
            for institution_id in (FAKE_INSTITUTION, REAL_INSTITUTION):
                feedback = {
                    "answer_id": answers[0],
                    "rating": "wrong_institution",
                    "institution_id": institution_id,
                }
                assert client.post("/v1/feedback", json=feedback).status_code == 202
            report = client.get("/v1/admin/blind-spots", headers=ADMIN)  # waits for the store
            assert report.status_code == 200, report.text
            (private_server.data_dir / "blind-spots.json").write_text(report.text, "utf-8")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
    yield records


def test_questions_are_stored_redacted(private_server: PrivateServer, asked: object) -> None:
    questions = sorted(str(row[2]) for row in _stored_rows(private_server)["answers"])
    assert questions == sorted(kept for _, kept, _ in QUESTIONS)


def test_comments_are_stored_redacted(private_server: PrivateServer, asked: object) -> None:
    comments = sorted(str(row[5]) for row in _stored_rows(private_server)["feedback"] if row[5])
    assert comments == sorted(kept for _, kept, _ in COMMENTS)


def test_no_identifier_anywhere_in_analytics_db(
    private_server: PrivateServer, asked: object
) -> None:
    rows = _stored_rows(private_server)
    cells = [str(cell) for table in rows.values() for row in table for cell in row]
    assert len(rows["answers"]) == len(QUESTIONS)
    assert leaked(cells) == []
    # the raw files too (the database and its write-ahead log), as a disk image would show them
    assert leaked(_raw_files(private_server.analytics_db)) == []


def test_only_known_institution_ids_are_stored(
    private_server: PrivateServer, asked: object
) -> None:
    rated = [row[4] for row in _stored_rows(private_server)["feedback"] if row[3] != "not_helpful"]
    assert rated == [None, REAL_INSTITUTION]


def test_health_condition_is_kept_only_as_a_theme(
    private_server: PrivateServer, asked: object
) -> None:
    rows = _stored_rows(private_server)["answers"]
    withheld = [row for row in rows if row[2] == WITHHELD]
    assert len(withheld) == 1
    _, _, _, _, language, commune, theme, _, _ = withheld[0]
    # the language, the commune (Cernier is in Val-de-Ruz) and a theme stay: what the network
    # reads to see where help is missing
    assert (language, commune) == ("fr", "Val-de-Ruz")
    assert theme


def test_blind_spots_show_no_identifier(private_server: PrivateServer, asked: object) -> None:
    report = json.loads((private_server.data_dir / "blind-spots.json").read_text("utf-8"))
    examples = [e["question"] for group in report["groups"] for e in group["examples"]]
    assert report["total"] == len(QUESTIONS)
    assert sorted(examples) == sorted(kept for _, kept, _ in QUESTIONS)
    assert leaked([json.dumps(report, ensure_ascii=False)]) == []


def test_no_identifier_in_this_process_logs(asked: list[logging.LogRecord]) -> None:
    # httpx and httpcore log the test client's own requests; the server does not use them here.
    ours = [r for r in asked if not r.name.startswith(("httpx", "httpcore"))]
    assert leaked([r.getMessage() for r in ours]) == []


def test_purged_rows_are_gone_from_the_disk(tmp_path: Path) -> None:
    """Past the retention period a row's bytes are overwritten, not left in a free page."""
    database = tmp_path / "analytics.db"
    store = AnalyticsStore(database, retention_days=30)
    now = datetime(2026, 12, 3, tzinfo=UTC)
    marker = "purged-question-7f3a9c"
    store.add_answer(
        AnswerRecord(
            answer_id="c" * 32,
            question=f"{marker} <PERSON> cherche un logement",
            kind="no_answer",
            language="fr",
            commune=None,
            theme="logement",
            confidence=0.0,
            institutions=(),
            created_at=now - timedelta(days=40),
        )
    )
    assert any(marker in text for text in _raw_files(database))
    assert store.purge(now=now) == 1
    store.close()  # checkpoints the write-ahead log into the file
    assert not any(marker in text for text in _raw_files(database))
