"""Whom a service is for and not for: the record field, its source, the HSDS mapping, the data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest import Institution, RoleScope
from ingest.corpus import check_institution, export_hsds, import_hsds, load_corpus
from ingest.corpus.hsds import ROLE_TAXONOMY
from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

SOURCE = "https://example.org/violence"


def _record(**changes: object) -> Institution:
    fields: dict[str, object] = {
        "id": "victim-support",
        "name": "Aide aux victimes",
        "categories": ["violence_victimes"],
        "description": "Un service qui écoute et accompagne les victimes de violence du canton.",
        "eligibility": "Victimes d'infractions et leurs proches.",
        "roles": {"serves": ["victim", "relative"], "not_for": ["perpetrator"]},
        "sources": [SOURCE],
        "provenance": {"eligibility": [SOURCE], "roles": [SOURCE]},
        "last_verified": date(2026, 12, 1),
    }
    fields.update(changes)
    return Institution.model_validate(fields)


def test_roles_are_typed_and_sourced() -> None:
    record = _record()
    assert record.roles == RoleScope(serves=["victim", "relative"], not_for=["perpetrator"])
    assert "roles" in record.filled_fact_fields()


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        pytest.param({"serves": ["victime"]}, "Input should be", id="unknown-role"),
        pytest.param(
            {"serves": ["victim"], "not_for": ["victim"]}, "both in serves and not_for", id="both"
        ),
        pytest.param({}, "needs serves or not_for", id="empty"),
        pytest.param(
            {"serves": ["victim"], "entry_for": ["perpetrator"]}, "must be in serves", id="entry"
        ),
        pytest.param({"for": ["victim"]}, "Extra inputs", id="unknown-key"),
    ],
)
def test_malformed_roles_are_refused(roles: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _record(roles=roles)


def test_roles_without_a_source_are_a_check_error() -> None:
    record = _record(provenance={"eligibility": [SOURCE]})
    findings = check_institution(record, "victim-support.yaml", table=None, resolver=None)
    assert [f.message for f in findings if f.severity == "error" and "roles" in f.message]


def test_hsds_round_trip_keeps_roles_as_attributes(tmp_path: Path) -> None:
    records = [_record(), _record(id="no-roles", roles=None, provenance={})]
    export_hsds(records, tmp_path)
    attributes = json.loads((tmp_path / "attributes.json").read_text(encoding="utf-8"))
    role_rows = sorted(
        (a["link_type"], a["taxonomy_term_id"])
        for a in attributes
        if a["link_type"] in ("serves", "not_for")
    )
    assert role_rows == [
        ("not_for", f"{ROLE_TAXONOMY}:perpetrator"),
        ("serves", f"{ROLE_TAXONOMY}:relative"),
        ("serves", f"{ROLE_TAXONOMY}:victim"),
    ]
    terms = json.loads((tmp_path / "taxonomy_terms.json").read_text(encoding="utf-8"))
    assert {t["code"] for t in terms if t["taxonomy"] == ROLE_TAXONOMY} == {
        "perpetrator",
        "relative",
        "victim",
    }
    assert import_hsds(tmp_path) == records


def test_hsds_round_trip_keeps_the_entry_door(tmp_path: Path) -> None:
    entry = _record(
        roles={"serves": ["victim"], "not_for": ["perpetrator"], "entry_for": ["victim"]}
    )
    export_hsds([entry], tmp_path)
    attributes = json.loads((tmp_path / "attributes.json").read_text(encoding="utf-8"))
    assert [a["taxonomy_term_id"] for a in attributes if a["link_type"] == "entry_for"] == [
        f"{ROLE_TAXONOMY}:victim"
    ]
    assert import_hsds(tmp_path) == [entry]


@pytest.mark.integration
def test_the_violence_network_says_who_is_not_served() -> None:
    """The two services a victim and a perpetrator must not be confused with, from the data."""
    records = {r.id: r for r in load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")}
    victims, perpetrators = records["savi-aide-aux-victimes"], records["savc-auteurs-violence"]
    assert victims.roles is not None and perpetrators.roles is not None
    assert "perpetrator" in victims.roles.not_for and "victim" in victims.roles.serves
    assert "victim" in perpetrators.roles.not_for and "perpetrator" in perpetrators.roles.serves
    with_roles = [r for r in records.values() if r.roles is not None]
    assert all(r.provenance.get("roles") for r in with_roles)
