"""``permanence facts refresh → list → accept / reject`` through the real CLI.

Two institution sites (``tests/resources/facts_sites/``) are served on 127.0.0.1 and crawled
with ``permanence crawl``; the test records (``tests/resources/facts_corpus/``) differ from
what the sites say in known ways, so the refresh must find exactly: the Ligue's e-mail
(obfuscated on its page) and hours (a sentence), both new; the Ligue's second phone, which the
page its provenance cites no longer shows; the Agence AVS's second phone, which its site gives
as a fax; and the Agence's address, which the site gives differently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.store import DocumentStore
from permanence.cli import main
from permanence.testing.sites import serve_sites

pytestmark = pytest.mark.integration

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
SITES = RESOURCES / "facts_sites"
CORPUS = RESOURCES / "facts_corpus"
LIGUE = "ligue-neuchateloise-contre-le-cancer"
AVS = "agence-avs-neuchatel"


@dataclass
class Setup:
    ligue: str
    avs: str
    corpus: Path
    data: Path

    def record(self, institution_id: str) -> dict[str, Any]:
        loaded = yaml.safe_load((self.corpus / f"{institution_id}.yaml").read_text("utf-8"))
        assert isinstance(loaded, dict)
        return loaded

    def text(self, institution_id: str) -> str:
        return (self.corpus / f"{institution_id}.yaml").read_text("utf-8")


@pytest.fixture
def crawled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Setup]:
    """Both sites served and crawled into a fresh data dir, with the test corpus."""
    with serve_sites("ligue", "agence-avs", root=SITES) as sites:
        corpus = tmp_path / "corpus"
        corpus.mkdir()
        for path in CORPUS.glob("*.yaml"):
            text = path.read_text("utf-8")
            text = text.replace("__ORIGIN_LIGUE__", sites["ligue"])
            text = text.replace("__ORIGIN_AVS__", sites["agence-avs"])
            (corpus / path.name).write_text(text, "utf-8")
        data = tmp_path / "data"
        monkeypatch.setenv("PERMANENCE_DATA_DIR", str(data))
        monkeypatch.setenv("PERMANENCE_CORPUS_DIR", str(corpus))
        monkeypatch.setenv("PERMANENCE_CRAWL_IDENTIFY_LANGUAGE", "false")
        from permanence.settings import get_settings

        get_settings.cache_clear()
        config = tmp_path / "sources.yaml"
        config.write_text(
            "sources:\n"
            + "".join(
                f"  - name: {name}\n    kind: web\n    start_urls: ['{origin}/']\n"
                "    rate: {concurrency: 2, delay_s: 0.0}\n"
                for name, origin in (("ligue", sites["ligue"]), ("avs", sites["agence-avs"]))
            ),
            encoding="utf-8",
        )
        assert main(["crawl", "--config", str(config), "--no-progress"]) == 0
        yield Setup(sites["ligue"], sites["agence-avs"], corpus, data)


def _list(capsys: pytest.CaptureFixture[str], *extra: str) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["facts", "list", "--json", *extra]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list)
    return rows


def _by(rows: list[dict[str, object]]) -> dict[tuple[object, object, object], dict[str, object]]:
    return {(r["institution_id"], r["field"], r["status"]): r for r in rows}


def test_refresh_list_accept_reject(crawled: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["facts", "refresh"]) == 0
    assert "2 of 2 institutions have crawled pages" in capsys.readouterr().out
    rows = _list(capsys)
    found = {(k, r["value"], r["current_value"]) for k, r in _by(rows).items()}
    assert found == {
        ((LIGUE, "email", "new"), "LNCC@ne.ch", None),
        ((LIGUE, "hours", "new"), "Mo-Fr 08:00-12:00,13:30-17:30", None),
        ((LIGUE, "phone", "no_longer_found"), None, "+41 32 886 80 70"),
        ((AVS, "phone", "contradicted"), "fax +41 32 717 74 39", "+41 32 717 74 39"),
        (
            (AVS, "address", "changed"),
            "Rue St-Maurice 4, 2000 Neuchâtel",
            "Faubourg de l'Hôpital 23, 2000 Neuchâtel",
        ),
    }
    assert len(rows) == 5
    assert {"id", "institution_id", "field", "value", "current_value", "source_url", "seen_at",
            "status"} <= set(rows[0])  # fmt: skip
    by = _by(rows)
    email = by[(LIGUE, "email", "new")]
    assert email["source_url"] == crawled.ligue + "/contact.html"
    assert email["page_date"] == "2026-10-14"
    assert "LNCC" in str(email["snippet"])
    assert by[(AVS, "address", "changed")]["source_url"] == crawled.avs + "/"

    # Accept the e-mail: only its field (and its provenance) change in the record file.
    before = crawled.text(LIGUE)
    capsys.readouterr()
    assert main(["facts", "accept", str(email["id"]), "--by", "Steward Test"]) == 0
    assert "document store reloaded" in capsys.readouterr().out
    record = crawled.record(LIGUE)
    assert record["emails"] == ["LNCC@ne.ch"]
    assert record["assured"] == {
        "emails": {
            "assured_date": date.today(),
            "assured_by": "Steward Test",
            "source": crawled.ligue + "/contact.html",
        }
    }
    assert crawled.ligue + "/contact.html" in record["provenance"]["emails"]
    changed = {line for line in crawled.text(LIGUE).splitlines()} ^ set(before.splitlines())
    assert {line.split(":")[0] for line in changed if not line.startswith((" ", "-"))} <= {
        "emails", "assured"
    }  # fmt: skip
    assert crawled.text(LIGUE).startswith(before.split("emails:")[0])
    with DocumentStore(crawled.data / "documents.db") as store:
        stored = {i.id: i for i in store.institutions()}
    assert stored[LIGUE].emails == ["LNCC@ne.ch"]
    assert stored[LIGUE].assured["emails"].assured_by == "Steward Test"

    # Deciding it again, or an unknown id, is an error that changes nothing.
    after = crawled.text(LIGUE)
    capsys.readouterr()
    assert main(["facts", "accept", str(email["id"]), "--by", "Someone"]) == 1
    err = capsys.readouterr().err
    assert f"proposal {email['id']} is already accepted by Steward Test" in err
    assert main(["facts", "reject", "9999", "--by", "Someone"]) == 1
    assert "no proposal with id 9999" in capsys.readouterr().err
    assert crawled.text(LIGUE) == after

    # Reject the fax: it is not proposed again by the next refresh.
    fax = by[(AVS, "phone", "contradicted")]
    assert main(["facts", "reject", str(fax["id"]), "--by", "Steward Test", "--reason", "x"]) == 0
    capsys.readouterr()
    assert main(["facts", "refresh"]) == 0
    out = capsys.readouterr().out
    assert "0 new proposals, 3 seen again, 0 withdrawn, 1 rejected before" in out
    pending = _by(_list(capsys))
    assert set(pending) == {
        (LIGUE, "hours", "new"),
        (LIGUE, "phone", "no_longer_found"),
        (AVS, "address", "changed"),
    }
    rejected = _list(capsys, "--decision", "rejected")
    assert [(r["id"], r["decided_by"], r["reason"]) for r in rejected] == [
        (fax["id"], "Steward Test", "x")
    ]

    # Accept the hours, the lost phone and the changed address.
    for key in (
        (LIGUE, "hours", "new"),
        (LIGUE, "phone", "no_longer_found"),
        (AVS, "address", "changed"),
    ):
        assert main(["facts", "accept", str(pending[key]["id"]), "--by", "Steward Test"]) == 0
    ligue, avs = crawled.record(LIGUE), crawled.record(AVS)
    assert ligue["hours"] == "lu-ve 8h-12h, 13h30-17h30"
    assert ligue["phones"] == [{"number": "+41 32 721 23 25"}]
    assert "phones" not in ligue["unconfirmed"]
    assert avs["locations"] == [
        {"street": "Rue St-Maurice 4", "postal_code": "2000", "commune": "Neuchâtel"}
    ]
    assert sorted(avs["assured"]) == ["locations"]
    assert avs["phones"] == [{"number": "+41 32 717 74 30"}, {"number": "+41 32 717 74 39"}]
    capsys.readouterr()
    assert main(["facts", "refresh"]) == 0
    assert (
        "0 new proposals, 0 seen again, 0 withdrawn, 1 rejected before" in capsys.readouterr().out
    )
    assert _list(capsys) == []


def test_list_prints_a_table_for_people(crawled: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "refresh", "--institution", AVS]) == 0
    capsys.readouterr()
    assert main(["facts", "list"]) == 0
    table = capsys.readouterr().out
    assert "Rue St-Maurice 4, 2000 Neuchâtel" in table
    assert "contradicted" in table
    assert LIGUE not in table


def test_refresh_of_an_unknown_institution(
    crawled: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["facts", "refresh", "--institution", "nobody"]) == 1
    assert "no record with id 'nobody'" in capsys.readouterr().err


def test_accept_that_the_record_cannot_take_changes_nothing(
    crawled: Setup, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["facts", "refresh", "--institution", LIGUE]) == 0
    email = _by(_list(capsys))[(LIGUE, "email", "new")]
    path = crawled.corpus / f"{LIGUE}.yaml"
    broken = path.read_text("utf-8").replace("description: >-", "description: short\nx: >-")
    path.write_text(broken, "utf-8")
    capsys.readouterr()
    assert main(["facts", "accept", str(email["id"]), "--by", "Steward Test"]) == 1
    assert "would not be a valid record" in capsys.readouterr().err
    assert path.read_text("utf-8") == broken
    assert _by(_list(capsys))[(LIGUE, "email", "new")]["id"] == email["id"]
