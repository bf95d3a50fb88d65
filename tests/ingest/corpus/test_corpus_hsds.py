"""HSDS 3 export and import: table layout, field mapping and a lossless round trip."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest import Assurance, Institution
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
        "metadata": 0,
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
    # No fact of the fixtures is dated: the service is not "assured" on the day its file was
    # written, and that day travels as last_verified.
    assert service["assured_date"] is None
    extension = service["x_permanence"]
    assert isinstance(extension, dict)
    assert extension["last_verified"] == "2026-01-15"
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


def _assured(inst: Institution, **fields: tuple[date, str | None]) -> Institution:
    assured = {
        f: Assurance(assured_date=day, assured_by="A. Steward", source=source)
        for f, (day, source) in fields.items()
    }
    return inst.model_copy(update={"assured": assured})


@pytest.mark.unit
def test_assured_dates_round_trip_per_fact(resources: Path, tmp_path: Path) -> None:
    alpha, *others = load_corpus(resources / "valid")
    page = "https://example.org/alpha/contact"
    dated = _assured(
        alpha,
        phones=(date(2025, 3, 14), page),
        emails=(date(2024, 1, 2), None),
        hours=(date(2026, 6, 30), page),
        services=(date(2023, 5, 5), None),
    )
    assert dated.locations and dated.phones and dated.emails and dated.hours

    export_hsds([dated, *others], tmp_path)
    metadata = json.loads((tmp_path / "metadata.json").read_text())
    services = json.loads((tmp_path / "services.json").read_text())

    phone_rows = [r for r in metadata if r["resource_type"] == "phone"]
    assert [(r["resource_id"], r["last_action_date"], r["updated_by"]) for r in phone_rows] == [
        (f"alpha-social--phone-{i}", "2025-03-14", "A. Steward") for i in range(len(alpha.phones))
    ]
    assert {r["x_permanence"]["field"] for r in metadata} == {
        "phones",
        "emails",
        "hours",
        "services",
    }
    # locations are filled but undated: the service as a whole has no assured date.
    assert services[0]["assured_date"] is None
    assert import_hsds(tmp_path) == [dated, *others]


@pytest.mark.unit
def test_service_assured_date_is_the_oldest_contact_fact(resources: Path, tmp_path: Path) -> None:
    alpha = load_corpus(resources / "valid")[0]
    filled = [f for f in ("phones", "emails", "locations", "hours", "website") if getattr(alpha, f)]
    days = {f: (date(2026, 1, 1 + i), None) for i, f in enumerate(filled)}
    export_hsds([_assured(alpha, **days)], tmp_path)

    service = json.loads((tmp_path / "services.json").read_text())[0]

    assert len(filled) >= 2
    assert service["assured_date"] == "2026-01-01"
    assert service["assurer_email"] is None


@pytest.mark.unit
def test_export_without_metadata_still_imports(resources: Path, tmp_path: Path) -> None:
    institutions = load_corpus(resources / "valid")
    export_hsds(institutions, tmp_path)
    (tmp_path / "metadata.json").unlink()
    services = json.loads((tmp_path / "services.json").read_text())
    for row in services:  # as written before per-fact dates: last_verified as assured_date
        row["assured_date"] = row["x_permanence"].pop("last_verified")
    (tmp_path / "services.json").write_text(json.dumps(services))

    assert import_hsds(tmp_path) == institutions
