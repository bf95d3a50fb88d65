"""The GSR fiche parser on the local mirror (``corpora/sites/gsr``), and domain linking."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.extract import Extractor, InstitutionLinker, load_institutions, parse_fiche, parse_html
from ingest.records import CATEGORIES, Institution, Location
from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit

FICHES = PROJECT_ROOT / "corpora" / "sites" / "gsr" / "fiches"
CORPUS = PROJECT_ROOT / "corpora" / "neuchatel"
needs_mirror = pytest.mark.skipif(not FICHES.is_dir(), reason="the GSR mirror is not generated")


def fiche_of(name: str) -> Path:
    return FICHES / f"{name}.html"


@needs_mirror
def test_aross_fiche_fields() -> None:
    html = fiche_of("aross").read_text(encoding="utf-8")
    fiche = parse_fiche(
        parse_html(html, "http://gsr/fiches/aross.html"), "http://gsr/fiches/aross.html"
    )
    assert fiche is not None
    assert fiche.institution_id == "aross"
    assert fiche.name == "Accueil Réseau Orientation Santé Social"
    assert fiche.acronym == "AROSS"
    assert fiche.categories == ["seniors", "sante", "autres"]
    assert fiche.services[0] == "entretien d'orientation gratuit à domicile"
    assert len(fiche.services) == 6
    assert fiche.service_area == ["canton"]
    assert fiche.locations == [
        Location(name="Bureaux de l'AROSS", commune="La Chaux-de-Fonds"),
        Location(name="Permanence au CORA", commune="Val-de-Travers"),
    ]
    assert fiche.addresses == [
        "Bureaux de l'AROSS, La Chaux-de-Fonds",
        "Permanence au CORA, Val-de-Travers",
    ]
    assert [p.number for p in fiche.phones] == ["+41 32 886 90 90"]
    assert fiche.emails == ["info@aross.ch"]
    assert fiche.fees == "gratuit"
    assert fiche.last_verified == "2026-11-22"
    assert fiche.unconfirmed == []
    assert len(fiche.sources) == 6


@needs_mirror
def test_phone_labels_and_unconfirmed_fields() -> None:
    html = fiche_of("asloca-neuchatel").read_text(encoding="utf-8")
    fiche = parse_fiche(parse_html(html, "http://gsr/x"), "http://gsr/x")
    assert fiche is not None
    assert [(p.number, p.label) for p in fiche.phones] == [("+41 32 724 54 24", "bureaux")]
    assert fiche.website == "https://www.asloca.ch/neuchatel"
    flagged = fiche_of("addiction-neuchatel").read_text(encoding="utf-8")
    flagged_fiche = parse_fiche(parse_html(flagged, "http://gsr/y"), "http://gsr/y")
    assert flagged_fiche is not None
    assert "locations" in flagged_fiche.unconfirmed
    assert len(flagged_fiche.locations) == 3


@needs_mirror
def test_mirror_fiches_match_their_curated_records() -> None:
    """Every tenth fiche (the full set is checked by the crawl of the mirror)."""
    records = {i.id: i for i in load_institutions(CORPUS)}
    extractor = Extractor(identify_language=False)
    checked = 0
    sample = sorted(FICHES.glob("*.html"))[::10]
    for path in sample:
        result = extractor.extract(path.read_bytes(), media="html", url=f"http://gsr/{path.name}")
        fiche = result.fiche
        assert fiche is not None, path.name
        record = records.get(fiche.institution_id)
        if record is None:
            continue
        checked += 1
        assert fiche.name == record.name, path.name
        assert fiche.categories == record.categories, path.name
        assert fiche.services == record.services, path.name
        assert [p.number for p in fiche.phones] == [p.number for p in record.phones], path.name
        assert fiche.emails == record.emails, path.name
        assert fiche.locations == record.locations, path.name
        assert set(fiche.categories) <= set(CATEGORIES)
        assert result.title == record.name
    assert checked == len([p for p in sample if p.stem in records])
    assert checked >= 10


def test_page_without_fiche_gives_none() -> None:
    tree = parse_html("<html><body><h1>Accueil</h1></body></html>", "http://x/")
    assert parse_fiche(tree, "http://x/") is None


def test_linker_prefers_the_longest_website_prefix() -> None:
    linker = InstitutionLinker(
        {
            "https://csp.ch/neuchatel": "csp-neuchatel",
            "https://csp.ch/neuchatel/migration": "csp-migration",
            "https://www.caritas-neuchatel.ch": "caritas-neuchatel",
            "127.0.0.1:8001": "local-site",
        }
    )
    assert linker.institution_for("https://csp.ch/neuchatel/budget") == "csp-neuchatel"
    assert linker.institution_for("https://csp.ch/neuchatel/migration/asile") == "csp-migration"
    assert linker.institution_for("https://csp.ch/vaud/") is None
    assert linker.institution_for("https://caritas-neuchatel.ch/dons") == "caritas-neuchatel"
    assert linker.institution_for("https://shop.caritas-neuchatel.ch/") == "caritas-neuchatel"
    assert linker.institution_for("http://127.0.0.1:8001/a") == "local-site"
    assert linker.institution_for("http://127.0.0.1:8002/a") is None


def _record(id_: str, website: str | None) -> Institution:
    return Institution(
        id=id_,
        name=id_,
        categories=["autres"],
        description="Une institution fictive pour tester le lien entre pages et institutions.",
        website=website,
        sources=["https://example.org/source"],
        last_verified="2026-11-22",
    )


def test_linker_from_records_leaves_shared_websites_out() -> None:
    linker = InstitutionLinker.from_institutions(
        [
            _record("service-a", "https://www.ne.ch"),
            _record("service-b", "https://www.ne.ch"),
            _record("caritas-neuchatel", "https://www.caritas-neuchatel.ch"),
            _record("caritas-epiceries", "https://www.caritas-neuchatel.ch"),
        ]
    )
    assert linker.institution_for("https://www.ne.ch/aide") is None
    assert linker.institution_for("https://www.caritas-neuchatel.ch/x") == "caritas-neuchatel"


def test_a_page_that_declares_one_known_institution_is_linked_to_it() -> None:
    linker = InstitutionLinker.from_institutions(
        [
            _record("caritas-neuchatel", "https://www.caritas-neuchatel.ch"),
            _record("ocab-subsides", None),
            _record("office-protection-enfant", None),
        ]
    )
    intranet = "http://intranet.example/procedures/subside.html"
    assert linker.link(intranet) is None
    assert linker.link(intranet, ["ocab-subsides"]) == "ocab-subsides"
    # Several institutions on one page (a table of offices): none is "the" institution.
    assert linker.link(intranet, ["ocab-subsides", "office-protection-enfant"]) is None
    # Unknown ids are ignored; the website wins over what a page declares.
    assert linker.link(intranet, ["no-such-record", "ocab-subsides"]) == "ocab-subsides"
    assert linker.link("https://www.caritas-neuchatel.ch/x", ["ocab-subsides"]) == (
        "caritas-neuchatel"
    )


def test_the_extractor_lists_the_institutions_a_page_declares() -> None:
    page = (
        "<html><body><main><h1>Subside</h1><p>Une procédure interne assez longue pour être "
        "extraite comme texte principal de la page, avec ses détails.</p>"
        '<div data-institution-id="ocab-subsides"><h3>OCAB</h3></div>'
        '<div data-institution-id="gsr-neuchatel"><h3>GSR</h3></div>'
        '<div data-institution-id="ocab-subsides"><h3>OCAB encore</h3></div>'
        "</main></body></html>"
    ).encode()
    extraction = Extractor(identify_language=False, parse_fiches=False).extract(
        page, media="html", url="http://intranet.example/p.html"
    )
    assert extraction.declared_institutions == ("ocab-subsides", "gsr-neuchatel")
