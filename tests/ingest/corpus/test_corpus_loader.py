"""Loader: records load into Institution, and bad files name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import dump_institution, load_corpus, load_institution, read_institution
from ingest.errors import CorpusError

pytestmark = pytest.mark.unit


def test_valid_records_load_sorted_by_file_name(resources: Path) -> None:
    institutions = load_corpus(resources / "valid")

    assert [i.id for i in institutions] == ["alpha-social", "beta-emploi", "gamma-ligne"]
    alpha = institutions[0]
    assert alpha.phones[0].number == "+41 32 000 00 01"
    assert alpha.address() == "Rue de l'Exemple 1, 2000 Neuchâtel"
    assert str(alpha.last_verified) == "2026-01-15"


@pytest.mark.parametrize(
    ("file_name", "message"),
    [
        pytest.param(
            "bad-yaml.yaml",
            "bad-yaml.yaml: not valid YAML (line 3, column 11): expected ',' or ']', but got ':'",
            id="bad-yaml",
        ),
        pytest.param(
            "missing-field.yaml",
            "missing-field.yaml: field 'description': Field required",
            id="missing-field",
        ),
        pytest.param(
            "wrong-id.yaml",
            "wrong-id.yaml: field 'id': id 'other-id' differs from the file name; rename the "
            "file to other-id.yaml or set id: wrong-id",
            id="wrong-id",
        ),
        pytest.param(
            "not-a-mapping.yaml",
            "not-a-mapping.yaml: expected a mapping of fields, found list",
            id="not-a-mapping",
        ),
        pytest.param(
            "bad-phone.yaml",
            "bad-phone.yaml: field 'phones[0].number': Value error, phone '032 000 00 00' is not "
            "in the form '+41 32 123 45 67', '+41 800 123 456', '0800 123 456' or a short "
            "number such as '143'",
            id="bad-phone",
        ),
    ],
)
def test_bad_file_error_names_file_and_field(resources: Path, file_name: str, message: str) -> None:
    path = resources / "broken" / file_name

    with pytest.raises(CorpusError) as caught:
        load_institution(path)

    assert str(caught.value) == f"{resources / 'broken'}/{message}"


def test_read_institution_returns_problems_instead_of_raising(resources: Path) -> None:
    institution, problems = read_institution(resources / "broken" / "wrong-id.yaml")

    assert institution is not None and institution.id == "other-id"
    assert [(p.field, p.path.name) for p in problems] == [("id", "wrong-id.yaml")]


def test_unknown_field_is_named(tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text(
        "id: extra\nname: X\ncategories: [autres]\n"
        "description: Une description assez longue pour passer la limite minimale.\n"
        "sources: [https://example.org]\nlast_verified: 2026-01-01\ntelephone: '143'\n",
        encoding="utf-8",
    )

    with pytest.raises(CorpusError) as caught:
        load_institution(path)

    assert str(caught.value) == (
        f"{path}: field 'telephone': unknown field; see ingest/records.py Institution for the "
        "allowed ones"
    )


def test_load_corpus_lists_every_bad_file(resources: Path) -> None:
    with pytest.raises(CorpusError) as caught:
        load_corpus(resources / "broken")

    text = str(caught.value)
    assert text.startswith(f"6 problem(s) in {resources / 'broken'}:\n")
    for name in ("bad-phone", "bad-yaml", "missing-field", "not-a-mapping", "wrong-id"):
        assert f"/{name}.yaml: " in text
    assert (
        f"{resources / 'broken' / 'dup.yml'}: field 'id': id 'dup' is also used by dup.yaml" in text
    )


def test_missing_directory_is_a_corpus_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as caught:
        load_corpus(tmp_path / "absent")

    assert str(caught.value) == (
        f"{tmp_path / 'absent'}: corpus directory not found; set PERMANENCE_CORPUS_DIR"
    )


def test_dump_then_load_gives_the_same_record(resources: Path, tmp_path: Path) -> None:
    for institution in load_corpus(resources / "valid"):
        path = tmp_path / f"{institution.id}.yaml"
        path.write_text(dump_institution(institution), encoding="utf-8")

        assert load_institution(path) == institution
