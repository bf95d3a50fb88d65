"""Commune table and resolver: the bundled table's shape and a table of free-text cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import (
    REGIONS,
    CommuneResolver,
    load_communes,
    normalize_place,
    resolve_commune,
)
from ingest.errors import CorpusError

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def resolver() -> CommuneResolver:
    return CommuneResolver(load_communes())


def test_bundled_table_lists_the_24_communes_of_2026() -> None:
    table = load_communes()

    assert len(table.communes) == 24
    assert {r: len(table.by_region(r)) for r in REGIONS} == {
        "Littoral": 11,
        "Montagnes": 9,
        "Val-de-Ruz": 1,
        "Val-de-Travers": 3,
    }
    assert "Laténa" in table.names()
    for merged in ("Peseux", "Valangin", "Les Brenets", "Hauterive", "Saint-Blaise", "Bevaix"):
        assert merged not in table.names()
    assert all(c.sources for c in table.communes)


def test_table_get_ignores_accents_and_case() -> None:
    table = load_communes()

    commune = table.get("la chaux-de-fonds")
    assert commune is not None and commune.name == "La Chaux-de-Fonds"
    assert table.get("Peseux") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("j'habite à cernier", "Val-de-Ruz", id="village-lowercase"),
        pytest.param("Fontainemelon", "Val-de-Ruz", id="val-de-ruz-village"),
        pytest.param("La Chaux-de-Fonds", "La Chaux-de-Fonds", id="city-exact"),
        pytest.param("la chaux de fonds", "La Chaux-de-Fonds", id="city-no-hyphens"),
        pytest.param("chaux-de-fonds", "La Chaux-de-Fonds", id="city-without-article"),
        pytest.param("LA CHAUX-DE-FONDS", "La Chaux-de-Fonds", id="city-uppercase"),
        pytest.param("je vis au Locle", "Le Locle", id="le-locle-contracted"),
        pytest.param("locle", "Le Locle", id="locle-bare"),
        pytest.param("aux Brenets", "Le Locle", id="merged-2021-brenets"),
        pytest.param("Peseux", "Neuchâtel", id="merged-2021-peseux"),
        pytest.param("Corcelles-Cormondrèche", "Neuchâtel", id="merged-2021-corcelles"),
        pytest.param("Valangin", "Neuchâtel", id="merged-2021-valangin"),
        pytest.param("St-Blaise", "Laténa", id="merged-2025-st-abbreviation"),
        pytest.param("saint blaise", "Laténa", id="merged-2025-lowercase"),
        pytest.param("Marin", "Laténa", id="marin-capitalized"),
        pytest.param("Bevaix", "La Grande Béroche", id="beroche-bevaix"),
        pytest.param("Colombier", "Milvignes", id="milvignes-colombier"),
        pytest.param("Fleurier", "Val-de-Travers", id="vdt-fleurier"),
        pytest.param("couvet", "Val-de-Travers", id="vdt-couvet-lowercase"),
        pytest.param("J'habite à Travers", "Val-de-Travers", id="travers-capitalized"),
        pytest.param("Val de Travers", "Val-de-Travers", id="valley-name"),
        pytest.param("Verrières", "Les Verrières", id="verrieres-capitalized"),
        pytest.param("j'habite à Neuchâtel", "Neuchâtel", id="neuchatel-after-a"),
        pytest.param("Neuchâtel", "Neuchâtel", id="neuchatel-whole-text"),
        pytest.param("I live in Neuchatel", "Neuchâtel", id="neuchatel-english"),
        pytest.param("Ich wohne in Neuenburg", "Neuchâtel", id="neuenburg-german"),
        pytest.param("Vivo en Neuchâtel", "Neuchâtel", id="neuchatel-spanish"),
        pytest.param("Moro em Neuchâtel", "Neuchâtel", id="neuchatel-portuguese"),
        pytest.param("Jetoj në Neuchâtel", "Neuchâtel", id="neuchatel-albanian"),
        pytest.param("j'habite Neuchâtel", "Neuchâtel", id="neuchatel-after-habite"),
        pytest.param("les hôpitaux de Neuchâtel", None, id="neuchatel-after-de-is-unclear"),
        pytest.param("2000 Neuchâtel", "Neuchâtel", id="neuchatel-postal-code"),
        pytest.param("en ville de Neuchâtel", "Neuchâtel", id="ville-de-neuchatel"),
        pytest.param("NPA 2114", "Val-de-Travers", id="postal-code-after-npa"),
        pytest.param("Cernier, mais je travaille à Neuchâtel", "Val-de-Ruz", id="first-named"),
        pytest.param("le canton de Neuchâtel", None, id="canton-not-city"),
        pytest.param("Université de Neuchâtel", None, id="university-not-residence"),
        pytest.param("in Neuchâtel canton", None, id="english-canton"),
        pytest.param("à travers le canton", None, id="travers-common-word"),
        pytest.param("un marin", None, id="marin-common-word"),
        pytest.param("des verrières", None, id="verrieres-common-word"),
        pytest.param("né en 2000", None, id="year-not-postal-code"),
        pytest.param("Lausanne", None, id="other-canton"),
        pytest.param("", None, id="empty"),
    ],
)
def test_resolve_commune(resolver: CommuneResolver, text: str, expected: str | None) -> None:
    commune = resolver.resolve(text)

    assert (commune.name if commune else None) == expected


def test_resolve_commune_uses_the_bundled_table() -> None:
    commune = resolve_commune("Je suis à Couvet")

    assert commune is not None and commune.name == "Val-de-Travers"


def test_find_reports_name_and_offsets(resolver: CommuneResolver) -> None:
    text = "De Fleurier à La Chaux-de-Fonds"

    matches = resolver.find(text)

    assert [(m.commune.name, m.name, text[m.start : m.end]) for m in matches] == [
        ("Val-de-Travers", "Fleurier", "Fleurier"),
        ("La Chaux-de-Fonds", "La Chaux-de-Fonds", "La Chaux-de-Fonds"),
    ]


def test_normalize_place_keeps_length() -> None:
    text = "Côte-aux-Fées, l'Épine"

    assert normalize_place(text) == "cote aux fees  l epine"
    assert len(normalize_place(text)) == len(text)


def test_office_ids_point_at_records_or_are_null() -> None:
    table = load_communes()
    corpus = Path(__file__).resolve().parents[3] / "corpora" / "neuchatel"
    ids = {p.stem for p in corpus.glob("*.yaml")}

    dangling = [
        (c.name, field, value)
        for c in table.communes
        for field, value in c.offices().items()
        if value is not None and value not in ids
    ]
    assert dangling == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("[1, 2]", "expected a mapping with as_of, sources and communes", id="list"),
        pytest.param("as_of: [", "not valid YAML", id="bad-yaml"),
        pytest.param(
            "as_of: 2026-01-01\nsources: [{url: https://x.org, about: x}]\ncommunes:\n"
            "  - {name: Bôle, region: Littoral, sources: [https://x.org]}\n"
            "  - {name: Boudry, region: Jura, sources: [https://x.org]}\n",
            "field 'communes.[Boudry].region': Input should be 'Littoral', 'Montagnes', "
            "'Val-de-Ruz' or 'Val-de-Travers'",
            id="bad-region-named-by-commune",
        ),
        pytest.param(
            "as_of: 2026-01-01\nsources: [{url: https://x.org, about: x}]\ncommunes:\n"
            "  - {name: Bôle, region: Littoral, sources: [https://x.org]}\n"
            "  - name: Boudry\n    region: Littoral\n    sources: [https://x.org]\n"
            "    localities: [{name: bole}]\n",
            "name 'bole' is given for both 'Bôle' and 'Boudry'",
            id="name-in-two-communes",
        ),
    ],
)
def test_bad_tables_name_file_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "communes.yaml"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CorpusError) as caught:
        load_communes(path)

    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)
