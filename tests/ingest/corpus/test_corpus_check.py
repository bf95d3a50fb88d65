"""Checker: exact findings on the fixture corpora, and the helpers behind them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.corpus import Finding, check_corpus
from ingest.corpus.check import shared_word_run

pytestmark = pytest.mark.unit


def _relative(findings: list[Finding], base: Path) -> list[tuple[str, str, str]]:
    return [(f.severity, str(Path(f.file).relative_to(base)), f.message) for f in findings]


def test_valid_corpus_has_only_the_missing_office_warnings(
    resources: Path, fixture_communes: Path, today: date
) -> None:
    findings = check_corpus(
        resources / "valid",
        communes_path=fixture_communes,
        gold_dir=resources / "gold",
        today=today,
    )

    assert _relative(findings, resources) == [
        ("warning", "communes.yaml", "Neuchâtel: no office id for ope"),
        ("warning", "communes.yaml", "Le Locle: no office id for social_counter, orp, ope"),
    ]


def test_broken_corpus_findings(resources: Path, fixture_communes: Path, today: date) -> None:
    findings = check_corpus(
        resources / "broken",
        communes_path=fixture_communes,
        gold_dir=resources / "broken-gold",
        today=today,
    )
    got = _relative(findings, resources)

    no_source = "has a value but no provenance entry with an http(s) source; add provenance."
    seen = "with the URL(s) where it was seen"
    broken = resources / "broken"
    expected_errors = [
        (
            "broken/bad-yaml.yaml",
            "not valid YAML (line 3, column 11): expected ',' or ']', but got ':'",
        ),
        ("broken/missing-field.yaml", "field 'description': Field required"),
        ("broken/not-a-mapping.yaml", "expected a mapping of fields, found list"),
        ("broken/sloppy.yaml", f"field 'name' {no_source}name {seen}"),
        (
            "broken/sloppy.yaml",
            f"field 'phones' {no_source}phones {seen}",
        ),
        (
            "broken/sloppy.yaml",
            "service_area: 'Littoral' is a region, not a commune; list its communes instead: "
            "Neuchâtel (or 'canton')",
        ),
        (
            "broken/sloppy.yaml",
            "service_area: 'Lausanne' is not a commune of the commune table (or 'canton')",
        ),
        (
            "broken/sloppy.yaml",
            "locations[0].commune: 'Cernier' is not a commune; it lies in the commune of "
            "'Val-de-Ruz'",
        ),
        (
            "broken/sloppy.yaml",
            "locations[1].commune: 'neuchatel' is spelled 'Neuchâtel' in the commune table",
        ),
        (
            "broken/wrong-id.yaml",
            "field 'id': id 'other-id' differs from the file name; rename the file to "
            "other-id.yaml or set id: wrong-id",
        ),
        ("broken/dup.yaml", "id 'dup' is used by 2 files"),
        ("broken/dup.yml", "id 'dup' is used by 2 files"),
        (
            "communes.yaml",
            f"Val-de-Ruz: ope 'gamma-ligne' has no record gamma-ligne.yaml in {broken}",
        ),
        ("broken-gold/set-b.jsonl:4", "not valid JSON: Expecting ',' delimiter"),
        ("broken-gold/set-b.jsonl:5", "field 'question': Field required"),
        ("broken-gold/set-b.jsonl", "question id 'b-2' appears 2 times"),
        ("broken-gold/set-b.jsonl", "b-1: acceptable ids ['nobody'] have no record"),
        ("broken-gold/set-b.jsonl", "b-2: unknown category 'cuisine'"),
        ("broken-gold/set-b.jsonl", "b-2: commune 'Lausanne' is not in the table"),
        (
            "broken/sloppy.yaml",
            "situation 'appelez le 032 000 00 09 le matin' holds a number, address or link; "
            "situations describe needs in the asker's words and add no fact (put facts in "
            "their own field)",
        ),
    ]
    for file, message in expected_errors:
        assert ("error", file, message) in got
    expected_warnings = [
        ("broken/sloppy.yaml", "provenance.hours cites sources but 'hours' is empty"),
        (
            "broken/sloppy.yaml",
            "source 'brochure papier de 2019' is not an http(s) URL; give the page address or "
            "drop it",
        ),
        (
            "broken/sloppy.yaml",
            "description shares the 8-word run 'ce service aide les familles du littoral qui' "
            "with the notes or services; write the description in your own words",
        ),
        ("broken/sloppy.yaml", "last_verified 2030-01-01 lies in the future"),
        (
            "broken/folded.yaml",
            "description has line breaks inside sentences (lines of a '>-' block indented "
            "deeper than the first); indent the block evenly",
        ),
    ]
    for file, message in expected_warnings:
        assert ("warning", file, message) in got
    assert sum(f.severity == "error" for f in findings) == 29
    assert sum(f.severity == "warning" for f in findings) == 7


def test_broken_commune_table_is_one_error_and_skips_commune_rules(
    resources: Path, tmp_path: Path, today: date
) -> None:
    table = tmp_path / "communes.yaml"
    table.write_text("as_of: 2026-01-01\nsources: []\ncommunes: []\n", encoding="utf-8")

    findings = check_corpus(resources / "valid", communes_path=table, gold_dir=None, today=today)

    assert [(f.severity, f.file) for f in findings] == [("error", str(table))]
    assert "field 'sources': List should have at least 1 item" in findings[0].message


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            "un deux trois quatre cinq six sept huit neuf",
            "zéro UN deux trois quatre cinq six sept huit",
            "un deux trois quatre cinq six sept huit",
            id="shared-run",
        ),
        pytest.param(
            "un deux trois quatre cinq six sept huit",
            "un deux trois quatre cinq six sept",
            None,
            id="seven-words-only",
        ),
        pytest.param("court", "court", None, id="short-texts"),
    ],
)
def test_shared_word_run(first: str, second: str, expected: str | None) -> None:
    assert shared_word_run(first, second) == expected


def test_finding_prints_severity_file_and_message() -> None:
    finding = Finding("error", "a.yaml", "field 'x' is wrong")

    assert str(finding) == "ERROR   a.yaml: field 'x' is wrong"


def test_office_links_must_serve_the_commune_and_name_a_real_site(
    resources: Path, tmp_path: Path, today: date
) -> None:
    table = tmp_path / "communes.yaml"
    table.write_text(
        "as_of: 2026-01-01\nsources: [{url: https://example.org, about: x}]\ncommunes:\n"
        "  - name: Le Locle\n    region: Montagnes\n    sources: [https://example.org]\n"
        "    social_counter: alpha-social\n    orp: beta-emploi\n    ope: gamma-ligne\n"
        "    ope_site: Antenne des Montagnes\n",
        encoding="utf-8",
    )

    findings = check_corpus(resources / "valid", communes_path=table, today=today)

    assert [(f.severity, f.message) for f in findings if f.file == str(table)] == [
        (
            "warning",
            "Le Locle: social_counter 'alpha-social' does not list 'Le Locle' in its service_area",
        ),
        ("warning", "Le Locle: orp 'beta-emploi' does not list 'Le Locle' in its service_area"),
        (
            "error",
            "Le Locle: ope_site 'Antenne des Montagnes' is not a location of "
            "'gamma-ligne'; its locations are []",
        ),
    ]
