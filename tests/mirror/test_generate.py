"""The committed mirror is what the generator makes of the current corpus, and obeys its rules."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
SITES = REPO / "corpora" / "sites"
CORPUS = REPO / "corpora" / "neuchatel"
GENERATOR = REPO / "scripts" / "mirror" / "generate.py"
FOOTER_MARK = "Miroir de test Permanence – contenu généré"
FICTION = "CONTENU FICTIF DE TEST – FICTIONAL TEST CONTENT"
SPECIAL = {"gsr", "intranet", "intranet-basic"}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _generate(out: Path) -> dict[str, bytes]:
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return _tree(out)


def _corpus_ids() -> set[str]:
    return {yaml.safe_load(p.read_text(encoding="utf-8"))["id"] for p in CORPUS.glob("*.yaml")}


def _pages(site: str) -> dict[str, str]:
    out = {}
    for rel, data in _tree(SITES / site).items():
        if rel.endswith((".html", ".htm", ".aspx")):
            try:
                out[rel] = data.decode("utf-8")
            except UnicodeDecodeError:  # the Latin-1 pages (declared right or, on purpose, wrong)
                out[rel] = data.decode("iso-8859-1")
    return out


def _org_sites() -> list[str]:
    return sorted(p.name for p in SITES.iterdir() if p.is_dir() and p.name not in SPECIAL)


@pytest.mark.integration
@pytest.mark.slow
def test_committed_mirror_matches_a_fresh_run(tmp_path: Path) -> None:
    fresh = _generate(tmp_path / "mirror")
    committed = _tree(SITES)
    differing = sorted(k for k in set(fresh) | set(committed) if fresh.get(k) != committed.get(k))
    assert differing == [], (
        f"corpora/sites is stale; run scripts/mirror/generate.py ({differing[:5]})"
    )


@pytest.mark.integration
@pytest.mark.slow
def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    assert _generate(tmp_path / "a") == _generate(tmp_path / "b")


@pytest.mark.integration
def test_generator_check_mode_reports_stale_output(tmp_path: Path) -> None:
    _generate(tmp_path / "m")
    (tmp_path / "m" / "gsr" / "index.html").write_text("changed", encoding="utf-8")
    (tmp_path / "m" / "gsr" / "extra.html").write_text("stale", encoding="utf-8")
    check = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path / "m"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 1
    assert "2 files differ" in check.stdout
    rewrite = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path / "m")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rewrite.returncode == 0
    assert "1 written" in rewrite.stdout and "1 deleted" in rewrite.stdout
    assert not (tmp_path / "m" / "gsr" / "extra.html").exists()


@pytest.mark.integration
@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param(
            {"a.yaml": "id: a\nname: A\n"}, "a.yaml is not a valid institution record", id="invalid"
        ),
        pytest.param(
            {"a.yaml": ": [\n"}, "a.yaml is not a valid institution record", id="not-yaml"
        ),
        pytest.param(
            {"a.yaml": "VALID", "b.yaml": "VALID"},
            "b.yaml repeats the id 'caritas-neuchatel'",
            id="duplicate",
        ),
    ],
)
def test_generator_refuses_a_bad_corpus(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    valid = (CORPUS / "caritas-neuchatel.yaml").read_text(encoding="utf-8")
    for name, text in files.items():
        (corpus / name).write_text(valid if text == "VALID" else text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--corpus", str(corpus), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.unit
def test_gsr_has_one_fiche_per_corpus_record() -> None:
    fiches = {p.stem for p in (SITES / "gsr" / "fiches").glob("*.html")}
    assert fiches == _corpus_ids()
    for fiche_id in sorted(fiches):
        text = (SITES / "gsr" / "fiches" / f"{fiche_id}.html").read_text(encoding="utf-8")
        assert text.count(f'data-institution-id="{fiche_id}"') == 1
        assert '<h1 data-field="name">' in text


@pytest.mark.unit
def test_institution_sites_are_at_least_twelve_with_distinct_layouts() -> None:
    sites = _org_sites()
    assert len(sites) >= 12
    layouts = {
        json.loads((SITES / s / "_server.json").read_text(encoding="utf-8"))["layout"]
        for s in sites
    }
    assert layouts == {
        "admin",
        "bilingual",
        "blog",
        "cards",
        "classic",
        "grid",
        "latin1",
        "minimal",
        "news",
        "onepage",
        "pretty",
        "scripted",
    }
    assert len(sites) == len(layouts)


@pytest.mark.unit
def test_every_page_carries_the_footer_mark_and_intranet_pages_say_fictional() -> None:
    for site in sorted(p.name for p in SITES.iterdir() if p.is_dir()):
        for rel, text in _pages(site).items():
            assert FOOTER_MARK in text or "Miroir de test Permanence &#8211; contenu g" in text, (
                f"{site}/{rel}"
            )
            if site.startswith("intranet"):
                assert FICTION in text, f"{site}/{rel}"
    assert len(_pages("intranet")) >= 15


@pytest.mark.unit
def test_no_phone_number_in_the_mirror_is_missing_from_the_corpus() -> None:
    known = set()
    for path in CORPUS.glob("*.yaml"):
        for phone in yaml.safe_load(path.read_text(encoding="utf-8")).get("phones") or []:
            digits = re.sub(r"\D", "", phone["number"])
            known.add(digits)
            if digits.startswith("41"):
                known.add("0" + digits[2:])
    pattern = re.compile(r"(?<![\w/=.-])(?:\+41 |0)\d{2} \d{3} \d{2} \d{2}(?!\d)")
    for site in sorted(p.name for p in SITES.iterdir() if p.is_dir()):
        for rel, text in _pages(site).items():
            for found in pattern.findall(text):
                assert re.sub(r"\D", "", found) in known, f"{site}/{rel}: {found}"


@pytest.mark.unit
def test_pdfs_parse_and_carry_the_footer_mark() -> None:
    pdfs = sorted(SITES.rglob("*.pdf"))
    assert len(pdfs) >= 20
    for pdf in pdfs:
        reader = pypdf.PdfReader(io.BytesIO(pdf.read_bytes()))
        text = "\n".join(page.extract_text() for page in reader.pages)
        assert FOOTER_MARK in text, pdf
        assert (
            reader.metadata is not None and reader.metadata["/CreationDate"] == "D:20261101060000Z"
        )


@pytest.mark.unit
def test_latin1_pages_exist_declared_right_and_wrong() -> None:
    right = [p for s in _org_sites() for p in (SITES / s).rglob("*.htm")]
    assert right, "the latin1 layout writes .htm pages"
    for page in right:
        site = page.relative_to(SITES).parts[0]
        headers = json.loads((SITES / site / "_server.json").read_text(encoding="utf-8"))["headers"]
        path = "/" + page.relative_to(SITES / site).as_posix()
        assert headers[path] == {"Content-Type": "text/html; charset=iso-8859-1"}
        with pytest.raises(UnicodeDecodeError):
            page.read_bytes().decode("utf-8")
    wrong = [
        SITES / s / "a-propos" / "histoire.html"
        for s in _org_sites()
        if (SITES / s / "a-propos" / "histoire.html").exists()
    ]
    assert len(wrong) == 1
    data = wrong[0].read_bytes()
    assert b"charset=utf-8" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


@pytest.mark.unit
def test_mirror_stays_small() -> None:
    assert sum(len(b) for b in _tree(SITES).values()) < 8 * 1024 * 1024


@pytest.mark.unit
def test_every_fiche_parses_back_to_its_record() -> None:
    """The crawler's GSR parser reads each committed fiche back into the record's facts."""
    from lxml import html as lxml_html

    from ingest.extract import parse_fiche
    from ingest.records import Institution

    for path in sorted(CORPUS.glob("*.yaml")):
        record = Institution.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        page = (SITES / "gsr" / "fiches" / f"{record.id}.html").read_bytes()
        fiche = parse_fiche(lxml_html.fromstring(page), f"http://gsr.test/fiches/{record.id}.html")
        assert fiche is not None, record.id
        assert (fiche.institution_id, fiche.name, fiche.acronym) == (
            record.id,
            record.name,
            record.acronym,
        )
        phones = [(p.number, p.label) for p in fiche.phones]
        assert phones == [(p.number, p.label) for p in record.phones], record.id
        assert fiche.emails == record.emails
        assert fiche.services == list(dict.fromkeys(" ".join(s.split()) for s in record.services))
        assert fiche.service_area == list(dict.fromkeys(record.service_area))
        assert fiche.address == record.address()
        assert fiche.website == record.website
        assert fiche.hours == (" ".join(record.hours.split()) if record.hours else None)
        assert fiche.eligibility == (
            " ".join(record.eligibility.split()) if record.eligibility else None
        )
        assert fiche.application == (
            " ".join(record.application.split()) if record.application else None
        )
