"""HSDS 3 export and import: table layout, field mapping and a lossless round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.corpus import HSDS_TABLES, export_hsds, import_hsds, load_corpus
from ingest.errors import CorpusError
from permanence.settings import PROJECT_ROOT


@pytest.mark.unit
def test_export_writes_one_json_array_per_table(resources: Path, tmp_path: Path) -> None:
    counts = export_hsds(load_corpus(resources / "valid"), tmp_path)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.json" for t in HSDS_TABLES)
    assert counts == {
        "organizations": 3,
        "services": 3,
        "locations": 2,
        "addresses": 2,
        "service_at_locations": 2,
        "phones": 2,
        "contacts": 1,
        "schedules": 2,
        "service_areas": 5,
        "languages": 4,
        "attributes": 4,
        "taxonomy_terms": 4,
    }


@pytest.mark.unit
def test_export_field_mapping(resources: Path, tmp_path: Path) -> None:
    export_hsds(load_corpus(resources / "valid"), tmp_path)

    def table(name: str) -> list[dict[str, object]]:
        rows: list[dict[str, object]] = json.loads((tmp_path / f"{name}.json").read_text())
        return rows

    org = table("organizations")[0]
    assert org["id"] == "alpha-social"
    assert org["alternate_name"] == "GSE"
    assert org["email"] == "guichet@example.org"
    assert org["x_permanence"] == {
        "sources": ["https://example.org/alpha", "https://example.org/alpha/contact"],
        "provenance": {
            "name": ["https://example.org/alpha"],
            "acronym": ["https://example.org/alpha"],
            "services": ["https://example.org/alpha"],
            "eligibility": ["https://example.org/alpha"],
            "service_area": ["https://example.org/alpha"],
            "locations": ["https://example.org/alpha/contact"],
            "phones": ["https://example.org/alpha/contact"],
            "emails": ["https://example.org/alpha/contact"],
            "hours": ["https://example.org/alpha/contact"],
        },
        "unconfirmed": [],
        "notes": None,
    }
    service = table("services")[0]
    assert service["organization_id"] == "alpha-social"
    assert service["status"] == "active"
    assert service["assured_date"] == "2026-01-15"
    assert service["eligibility_description"] == "Habitants des communes desservies."
    assert table("addresses")[0] == {
        "id": "alpha-social--location-0--address",
        "location_id": "alpha-social--location-0",
        "address_1": "Rue de l'Exemple 1",
        "address_2": None,
        "city": "Neuchâtel",
        "state_province": "NE",
        "postal_code": "2000",
        "country": "CH",
        "address_type": "physical",
    }
    assert [(r["code"], r["name"]) for r in table("languages")] == [
        ("fr", None),
        ("de", None),
        (None, "français"),
        ("en", None),
    ]
    assert table("schedules")[1]["description"] == "24h/24"
    assert [r["code"] for r in table("taxonomy_terms")] == [
        "aide_sociale",
        "emploi_formation",
        "sante_mentale",
        "urgence",
    ]


@pytest.mark.unit
def test_round_trip_of_fixture_corpus_is_lossless(resources: Path, tmp_path: Path) -> None:
    institutions = load_corpus(resources / "valid")

    export_hsds(institutions, tmp_path)

    assert import_hsds(tmp_path) == institutions


@pytest.mark.integration
def test_round_trip_of_real_corpus_is_lossless(tmp_path: Path) -> None:
    institutions = load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")

    export_hsds(institutions, tmp_path)

    assert len(institutions) > 0
    assert import_hsds(tmp_path) == institutions


@pytest.mark.unit
def test_import_needs_organizations(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as caught:
        import_hsds(tmp_path)

    assert str(caught.value) == (
        f"{tmp_path / 'organizations.json'}: missing; an HSDS export needs organizations.json"
    )


@pytest.mark.unit
def test_import_refuses_rows_of_unknown_organizations(resources: Path, tmp_path: Path) -> None:
    export_hsds(load_corpus(resources / "valid"), tmp_path)
    phones = json.loads((tmp_path / "phones.json").read_text())
    phones[0]["organization_id"] = "ghost"
    (tmp_path / "phones.json").write_text(json.dumps(phones))

    with pytest.raises(CorpusError) as caught:
        import_hsds(tmp_path)

    assert str(caught.value) == "phones: rows point at unknown organizations ['ghost']"


@pytest.mark.unit
def test_import_names_the_organization_of_an_invalid_record(
    resources: Path, tmp_path: Path
) -> None:
    export_hsds(load_corpus(resources / "valid"), tmp_path)
    orgs = json.loads((tmp_path / "organizations.json").read_text())
    orgs[1]["description"] = "trop court"
    (tmp_path / "organizations.json").write_text(json.dumps(orgs))

    with pytest.raises(CorpusError) as caught:
        import_hsds(tmp_path)

    assert str(caught.value) == (
        "organization 'beta-emploi': field 'description': String should have at least 40 characters"
    )
