"""The extractors on varied layouts: one table per field, each case with an id."""

from __future__ import annotations

import pytest

from ingest.facts import (
    Schedule,
    address_facts,
    deobfuscate,
    email_facts,
    extract_facts,
    known_places,
    parse_schedules,
    phone_facts,
    structured_facts,
    text_facts,
)

pytestmark = pytest.mark.unit

URL = "https://example.test/contact"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Tél. 032 717 74 10", [("phone", "+41 32 717 74 10")], id="local-spaced"),
        pytest.param("+41 (0)32 889 68 12", [("phone", "+41 32 889 68 12")], id="trunk-zero"),
        pytest.param("0041 32 886 80 10", [("phone", "+41 32 886 80 10")], id="double-zero"),
        pytest.param("+41328896649", [("phone", "+41 32 889 66 49")], id="compact"),
        pytest.param("0848 134 134", [("phone", "+41 848 134 134")], id="shared-cost"),
        pytest.param(
            "Tél. 032 717 74 30 | Fax 032 717 74 39",
            [("phone", "+41 32 717 74 30"), ("fax", "+41 32 717 74 39")],
            id="fax-beside-phone",
        ),
        pytest.param("Télécopie: 032 717 74 39", [("fax", "+41 32 717 74 39")], id="telecopie"),
        pytest.param("Telefax 032 717 74 39", [("fax", "+41 32 717 74 39")], id="telefax"),
        pytest.param(
            "Fax 032 717 74 39\nTéléphone 032 717 74 30",
            [("fax", "+41 32 717 74 39"), ("phone", "+41 32 717 74 30")],
            id="fax-label-stays-on-its-line",
        ),
        pytest.param("appeler le 117 ou le 144", [], id="short-numbers-left-out"),
        pytest.param("2000 Neuchâtel, dossier 2026-11", [], id="postcode-is-not-a-phone"),
    ],
)
def test_phones(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(f.kind, f.value) for f in phone_facts(text, URL)] == expected


def test_a_phone_label_in_parentheses_is_kept() -> None:
    (fact,) = phone_facts("+41 32 889 66 49 (Neuchâtel et La Chaux-de-Fonds)", URL)
    assert fact.label == "Neuchâtel et La Chaux-de-Fonds"
    assert fact.source_url == URL
    assert "+41 32 889 66 49" in fact.snippet


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("info@cdlneuchatel.org", ["info@cdlneuchatel.org"], id="plain"),
        pytest.param("opene [at] ne [dot] ch", ["opene@ne.ch"], id="brackets"),
        pytest.param("opeb(at)ne.ch", ["opeb@ne.ch"], id="parentheses"),
        pytest.param("opec arobase ne point ch", ["opec@ne.ch"], id="arobase-point"),
        pytest.param("LNCC {at} ne {dot} ch", ["LNCC@ne.ch"], id="braces"),
        pytest.param("on se voit at home point final", [], id="words-are-not-an-address"),
        pytest.param("Écrire: gsr.mn.ssoc@ne.ch.", ["gsr.mn.ssoc@ne.ch"], id="trailing-dot"),
    ],
)
def test_emails(text: str, expected: list[str]) -> None:
    assert [f.value for f in email_facts(text, URL)] == expected


def test_deobfuscate_leaves_plain_text_alone() -> None:
    assert deobfuscate("Rendez-vous at 10, point de rencontre") == (
        "Rendez-vous at 10, point de rencontre"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Faubourg du Lac 17\n2000 Neuchâtel\nTéléphone 032 721 23 25",
            ["Faubourg du Lac 17, 2000 Neuchâtel"],
            id="lines",
        ),
        pytest.param(
            "Grande-Rue 11\nCP 712\n2400 Le Locle",
            ["Grande-Rue 11, Case postale 712, 2400 Le Locle"],
            id="cp-po-box",
        ),
        pytest.param(
            "Rue Daniel-JeanRichard 43, Case postale 1394, 2301 La Chaux-de-Fonds",
            ["Rue Daniel-JeanRichard 43, Case postale 1394, 2301 La Chaux-de-Fonds"],
            id="case-postale",
        ),
        pytest.param(
            "Grande-Rue 11, Postfach 712, 2400 Le Locle",
            ["Grande-Rue 11, Postfach 712, 2400 Le Locle"],
            id="postfach",
        ),
        pytest.param(
            "Rue de l'École-d'Horlogerie 13\n2114 Val-de-Travers",
            ["Rue de l'École-d'Horlogerie 13, 2114 Val-de-Travers"],
            id="particles",
        ),
        pytest.param(
            "Espacité 5 · 2300 La Chaux-de-Fonds · T +41 32 889 37 85",
            ["Espacité 5, 2300 La Chaux-de-Fonds"],
            id="middle-dots",
        ),
        pytest.param(
            "Passage de Bonne-Fontaine 36-38, CH-2300 La Chaux-de-Fonds",
            ["Passage de Bonne-Fontaine 36-38, 2300 La Chaux-de-Fonds"],
            id="number-range-ch-prefix",
        ),
        pytest.param(
            "Bureau de Neuchâtel, Rue des Poudrières 135, Neuchâtel (à vérifier)",
            ["Rue des Poudrières 135, Neuchâtel"],
            id="no-npa-known-place",
        ),
        pytest.param("Rue 12, Chapitre Deux", [], id="no-npa-unknown-place"),
        pytest.param(
            "Le Seuil, Rue Jaquet-Droz, 2300 La Chaux-de-Fonds",
            ["Rue Jaquet-Droz, 2300 La Chaux-de-Fonds"],
            id="street-without-number",
        ),
        pytest.param("Le Seuil, Jaquet-Droz, 2300 La Chaux-de-Fonds", [], id="no-street-word"),
        pytest.param(
            "Rue de l'Hôtel-de-Ville 1 (1er étage), La Chaux-de-Fonds",
            ["Rue de l'Hôtel-de-Ville 1 (1er étage), La Chaux-de-Fonds"],
            id="floor-in-parentheses",
        ),
        pytest.param("Sites de Neuchâtel, Neuchâtel", [], id="no-street"),
        pytest.param("Rapport 2023 (PDF) Assemblée 2026 Le rapport", [], id="years"),
    ],
)
def test_addresses(text: str, expected: list[str]) -> None:
    found = address_facts(text, URL, places=known_places())
    assert [f.value for f in found] == expected


def test_an_address_keeps_its_parts() -> None:
    (fact,) = address_facts("Grande-Rue 11, CP 712, 2400 Le Locle", URL, places=known_places())
    assert fact.location is not None
    assert (fact.location.street, fact.location.po_box, fact.location.postal_code) == (
        "Grande-Rue 11",
        "Case postale 712",
        "2400",
    )
    assert fact.location.commune == "Le Locle"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        pytest.param(
            "du lundi au vendredi de 8h30 à 11h30", None, ["Mo-Fr 08:30-11:30"], id="fr-sentence"
        ),
        pytest.param(
            "Lu–Je 08:00-12:00 / 13:30-17:00",
            None,
            ["Mo-Th 08:00-12:00,13:30-17:00"],
            id="fr-abbreviated-slash",
        ),
        pytest.param("Mo-Fr 8.30–12 Uhr", "de", ["Mo-Fr 08:30-12:00"], id="de-uhr"),
        pytest.param(
            "Montag bis Freitag 8–12 Uhr und 13.30–17.30 Uhr",
            None,
            ["Mo-Fr 08:00-12:00,13:30-17:30"],
            id="de-bis-und",
        ),
        pytest.param(
            "lu, me, je, ve 9h-11h30 et 14h-20h; ma 14h-20h",
            None,
            ["Mo,We-Fr 09:00-11:30,14:00-20:00; Tu 14:00-20:00"],
            id="fr-list-and-single",
        ),
        pytest.param(
            "Guichet: lu-je 8h30-11h30 (vendredi sur rendez-vous). Téléphone: lu-ve 8h30-11h30, "
            "lu-je 14h-16h.",
            None,
            ["Mo-Th 08:30-11:30", "Mo-Th 08:30-11:30,14:00-16:00; Fr 08:30-11:30"],
            id="two-schedules-in-a-line",
        ),
        pytest.param(
            "Lundi | 08:00 – 12:00 | 13:30 – 17:30\nMardi | 08:00 – 12:00\nSamedi | fermé",
            None,
            ["Mo 08:00-12:00,13:30-17:30; Tu 08:00-12:00"],
            id="table-rows",
        ),
        pytest.param(
            "tous les jours de 8h à 12h et de 14h à 17h30",
            None,
            ["08:00-12:00,14:00-17:30"],
            id="every-day",
        ),
        pytest.param(
            "lu-ve 8h-17h30; sa, di et jours fériés 8h30-12h",
            None,
            ["Mo-Fr 08:00-17:30; Sa-Su 08:30-12:00"],
            id="weekend-holidays-ignored",
        ),
        pytest.param("Di 9-12 Uhr", "de", ["Tu 09:00-12:00"], id="de-di-is-tuesday"),
        pytest.param("di 9h-12h", "fr", ["Su 09:00-12:00"], id="fr-di-is-sunday"),
        pytest.param("8h30-12h et 13h30-16h", None, [], id="times-without-days"),
        pytest.param("Il me faut 2 h - 3h pour venir", None, [], id="pronoun-is-not-a-day"),
        pytest.param("Avenue du Collège 1-3, 2017 Boudry", None, [], id="house-numbers"),
    ],
)
def test_hours(text: str, language: str | None, expected: list[str]) -> None:
    assert [s.osm() for s in parse_schedules(text, language=language)] == expected


@pytest.mark.parametrize(
    ("osm", "french"),
    [
        pytest.param("Mo-Fr 08:00-12:00", "lu-ve 8h-12h", id="range"),
        pytest.param(
            "Mo,We-Fr 09:00-11:30,14:00-20:00; Tu 14:00-20:00",
            "lu, me-ve 9h-11h30, 14h-20h; ma 14h-20h",
            id="list",
        ),
    ],
)
def test_a_schedule_renders_as_the_records_write_hours(osm: str, french: str) -> None:
    schedule = Schedule.from_osm(osm)
    assert schedule is not None
    assert schedule.french() == french
    assert schedule.osm() == osm


JSON_LD = """<html><head><script type="application/ld+json">
{"@context": "https://schema.org", "@type": "MedicalClinic", "name": "Maison de Santé",
 "url": "https://medecinsdumonde.ch", "telephone": "+41 32 889 37 85", "faxNumber": "032 717 74 39",
 "email": "maisondesante@ne.ch",
 "address": {"@type": "PostalAddress", "streetAddress": "Espacité 5", "postalCode": "2300",
             "addressLocality": "La Chaux-de-Fonds"},
 "openingHours": "Mo-Fr 09:30-12:30"}
</script></head><body><p>Chargement…</p></body></html>"""

MICRODATA = """<html><body><footer><div itemscope itemtype="https://schema.org/GovernmentOffice">
<span itemprop="name">Service de l'action sociale</span>
<div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
<span itemprop="streetAddress">Rue Saint-Maurice 4</span> <span itemprop="postalCode">2000</span>
<span itemprop="addressLocality">Neuchâtel</span></div>
<a itemprop="telephone" href="tel:+41327177410">032 717 74 10</a></div></footer></body></html>"""

BROKEN_JSON_LD = """<html><head><script type="application/ld+json">{"telephone": </script>
</head><body><p>Tél. 032 721 23 25</p></body></html>"""


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            JSON_LD,
            {
                ("phone", "+41 32 889 37 85", "jsonld"),
                ("fax", "+41 32 717 74 39", "jsonld"),
                ("email", "maisondesante@ne.ch", "jsonld"),
                ("address", "Espacité 5, 2300 La Chaux-de-Fonds", "jsonld"),
                ("hours", "Mo-Fr 09:30-12:30", "jsonld"),
                ("website", "https://medecinsdumonde.ch", "jsonld"),
            },
            id="json-ld-only",
        ),
        pytest.param(
            MICRODATA,
            {
                ("phone", "+41 32 717 74 10", "microdata"),
                ("address", "Rue Saint-Maurice 4, 2000 Neuchâtel", "microdata"),
            },
            id="microdata-vcard",
        ),
        pytest.param(BROKEN_JSON_LD, {("phone", "+41 32 721 23 25", "text")}, id="broken-json"),
    ],
)
def test_pages_with_markup(html: str, expected: set[tuple[str, str, str]]) -> None:
    assert {(f.kind, f.value, f.origin) for f in extract_facts(html, URL)} == expected


def test_structured_facts_alone_ignore_the_text() -> None:
    assert structured_facts(BROKEN_JSON_LD, URL) == []


SEVERAL = """<html lang="fr"><body>
<p>Une ligne pour tous: <a href="tel:+41328896812">+41 (0)32 889 68 12</a>,
<a href="mailto:doc.orp@ne.ch?subject=Question">écrire</a>.</p>
<ul><li>ORP de Neuchâtel<br>Avenue Edouard-Dubois 20<br>2000 Neuchâtel</li>
<li>ORP de La Chaux-de-Fonds<br>Rue du Parc 119<br>2300 La Chaux-de-Fonds</li></ul>
<script>var phone = "032 721 23 25";</script>
</body></html>"""


def test_a_page_with_several_locations() -> None:
    facts = extract_facts(SEVERAL, URL, page_date="2026-10-14")
    assert [(f.kind, f.value) for f in facts] == [
        ("phone", "+41 32 889 68 12"),
        ("email", "doc.orp@ne.ch"),
        ("address", "Avenue Edouard-Dubois 20, 2000 Neuchâtel"),
        ("address", "Rue du Parc 119, 2300 La Chaux-de-Fonds"),
    ]
    assert {f.page_date for f in facts} == {"2026-10-14"}
    assert {f.source_url for f in facts} == {URL}
    assert facts[0].origin == facts[1].origin == "link"


def test_a_tel_link_labelled_fax_is_a_fax() -> None:
    html = '<p>Fax <a href="tel:+41327177439">032 717 74 39</a></p>'
    assert [(f.kind, f.value) for f in extract_facts(html, URL)] == [("fax", "+41 32 717 74 39")]


def test_text_facts_of_a_stored_document() -> None:
    text = "## Contact\n\nTéléphone: 032 886 83 02\n\nE-mail: prosenectute.activites@ne.ch"
    assert [(f.kind, f.value) for f in text_facts(text, URL)] == [
        ("phone", "+41 32 886 83 02"),
        ("email", "prosenectute.activites@ne.ch"),
    ]
