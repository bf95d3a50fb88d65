"""``scripts/migrate_assured.py``: a fact gets its page's date, or none; never today's."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from ingest.facts.record_edit import replace_top_level_keys
from scripts.migrate_assured import date_field, migrate, seen_dates, url_date

pytestmark = pytest.mark.unit

RTN = (
    "https://www.rtn.ch/rtn/Actualite/Region/20190912-Une-permanence-du-COSM-ouvre-a-Fleurier.html"
)
UNDATED = "https://www.ne.ch/cosm"


@pytest.mark.parametrize(
    ("url", "day"),
    [
        pytest.param(RTN, date(2019, 9, 12), id="rtn-yyyymmdd"),
        pytest.param("https://lecourrier.ch/2018/06/26/lamar/", date(2018, 6, 26), id="path"),
        pytest.param(
            "https://www.bger.ch/x?highlight_docid=aza://14-09-2022-8C_233-2022&lang=de",
            date(2022, 9, 14),
            id="bger-aza",
        ),
        pytest.param(
            "http://relevancy2.bger.ch/x?docid=aza%3A%2F%2F11-03-2021-2C_914-2020"
            "&highlight_docid=aza%3A%2F%2F31-05-2024-2C_178-2024",
            date(2024, 5, 31),
            id="bger-the-highlighted-decision",
        ),
        pytest.param(
            "https://entscheide.weblaw.ch/cache.php?link=04.09.2023_8C_307-2022",
            date(2023, 9, 4),
            id="weblaw",
        ),
        pytest.param(
            "https://fr.readkong.com/page/n-16-vendredi-27-avril-2018-gessler-4989025",
            date(2018, 4, 27),
            id="french-words",
        ),
        pytest.param(UNDATED, None, id="no-date"),
        pytest.param("https://www.20min.ch/fr/story/couvet-411816715119", None, id="long-number"),
        pytest.param("https://example.ch/20190101-and-20200202", None, id="two-dates"),
    ],
)
def test_url_date(url: str, day: date | None) -> None:
    assert url_date(url) == day


def _record(field: str, value: object, urls: list[str], notes: str = "") -> dict[str, object]:
    return {"id": "r", field: value, "provenance": {field: urls}, "notes": notes}


@pytest.mark.parametrize(
    ("record", "day"),
    [
        pytest.param(_record("hours", "je 13h30-17h", [RTN, UNDATED]), date(2019, 9, 12), id="one"),
        pytest.param(_record("emails", ["a@x.ch", "b@x.ch"], [RTN, UNDATED]), None, id="many"),
        pytest.param(
            _record("emails", ["a@x.ch", "b@x.ch"], [RTN, "https://x.ch/2016/01/02/a/"]),
            date(2016, 1, 2),
            id="many-all-dated-oldest",
        ),
        pytest.param(_record("hours", "(2018) lu 8h-12h", [UNDATED]), date(2018, 1, 1), id="year"),
        pytest.param(_record("hours", "lu 8h-12h (2015)", [RTN]), date(2015, 1, 1), id="year-caps"),
        pytest.param(_record("hours", "lu (2019)", [RTN]), date(2019, 9, 12), id="same-year"),
        pytest.param(_record("hours", "lu 8h-12h", [UNDATED]), None, id="unknown"),
        pytest.param(_record("hours", None, [RTN]), None, id="empty-field"),
    ],
)
def test_date_field(record: dict[str, object], day: date | None) -> None:
    field = next(k for k in record if k not in ("id", "provenance", "notes"))
    dated = date_field(record, field, {})
    assert (dated.day if dated else None) == day


def test_seen_dates_take_one_date_per_row_only(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.jsonl"
    contacts.write_text(
        '{"sources": ["https://a.ch"], "seen_date": "2020-03/04 (période COVID)"}\n'
        '{"sources": ["https://b.ch"], "seen_date": "2007-05-02 (horaire), 2008-01-16"}\n'
        '{"sources": ["https://c.ch"], "seen_date": "page non datée"}\n'
        '{"sources": ["https://d.ch"], "seen_date": "2014-02 (bulletin, février-mars 2014)"}\n',
        encoding="utf-8",
    )
    assert seen_dates(contacts) == {
        "https://a.ch": date(2020, 3, 1),
        "https://d.ch": date(2014, 2, 1),
    }


def test_migrate_edits_only_assured_keeps_reviewers_and_reruns_to_nothing(tmp_path: Path) -> None:
    source = Path(__file__).resolve().parents[1] / "resources" / "facts_corpus"
    path = tmp_path / "ligue-neuchateloise-contre-le-cancer.yaml"
    text = (source / path.name).read_text("utf-8")
    text = text.replace("__ORIGIN_LIGUE__", "https://www.rtn.ch/20240503-ligue")
    reviewer = {"assured_date": date(2026, 1, 5), "assured_by": "A. Steward", "source": None}
    path.write_text(replace_top_level_keys(text, {"assured": {"phones": reviewer}}), "utf-8")
    before = path.read_text("utf-8").splitlines()

    first = migrate([path], {}, dry_run=False)
    after = path.read_text("utf-8").splitlines()
    record = yaml.safe_load(path.read_text("utf-8"))

    assert first["files_changed"] == 1
    assert [line for line in before if line not in after] == []
    assert all(line.startswith("  ") for line in after if line not in before)
    assert record["assured"] == {
        "phones": reviewer,
        "locations": {
            "assured_date": date(2024, 5, 3),
            "assured_by": "migration: date de la page source",
            "source": "https://www.rtn.ch/20240503-ligue/contact.html",
        },
    }
    assert migrate([path], {}, dry_run=False)["files_changed"] == 0
