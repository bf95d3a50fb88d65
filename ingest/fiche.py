"""Render a curated Institution record as a Document, the way a GSR fiche reads.

The curated records are the most reliable source the assistant has, so they enter the same
document store as crawled pages and are chunked, embedded and cited the same way. The text is
markdown with one ``##`` section per facet, so the structure-aware chunker can split on it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time

from ingest.records import Document, Institution

__all__ = ["CATEGORY_LABELS", "CORPUS_SOURCE_ID", "fiche_document", "fiche_url"]

CORPUS_SOURCE_ID = "corpus-neuchatel"

#: French labels of the categories, used in fiche text so that keyword search sees the theme.
CATEGORY_LABELS: dict[str, str] = {
    "addiction": "addictions (alcool, drogues, jeu)",
    "aide_sociale": "aide sociale et accompagnement social",
    "alimentation_urgence": "aide alimentaire et hébergement d'urgence",
    "assurances_sociales": "assurances sociales (AVS, AI, PC, LAMal)",
    "autres": "autres services",
    "emploi_formation": "emploi, chômage et formation",
    "enfance_famille": "enfance et famille",
    "finances_dettes": "budget et dettes",
    "handicap": "handicap",
    "integration_loisirs": "intégration et loisirs",
    "jeunesse": "jeunesse",
    "juridique": "droit et aide juridique",
    "logement": "logement",
    "migration_asile": "migration et asile",
    "sante": "santé",
    "sante_mentale": "santé mentale",
    "seniors": "personnes âgées et proches aidants",
    "urgence": "urgences",
    "violence_victimes": "violence et aide aux victimes",
}


def fiche_url(institution_id: str) -> str:
    """The stable document URL of a curated record (served by the API as JSON)."""
    return f"/v1/institutions/{institution_id}"


def _sections(institution: Institution) -> list[tuple[str, str]]:
    sections: list[tuple[str, str]] = [("Présentation", institution.description.strip())]
    themes = ", ".join(CATEGORY_LABELS.get(c, c) for c in institution.categories)
    sections.append(("Domaines", themes))
    if institution.services:
        sections.append(("Prestations", "\n".join(f"- {s}" for s in institution.services)))
    if institution.situations:
        situations = "\n".join(f"- {s}" for s in institution.situations)
        sections.append(("Quand s'adresser ici", situations))
    if institution.eligibility:
        sections.append(("Pour qui", institution.eligibility))
    contact: list[str] = []
    for location in institution.locations:
        contact.append(f"Adresse : {location.one_line()}")
    for phone in institution.phones:
        label = f" ({phone.label})" if phone.label else ""
        contact.append(f"Téléphone{label} : {phone.number}")
    contact.extend(f"E-mail : {email}" for email in institution.emails)
    if institution.website:
        contact.append(f"Site web : {institution.website}")
    if contact:
        sections.append(("Contact", "\n".join(contact)))
    if institution.hours:
        sections.append(("Horaires", institution.hours))
    if institution.service_area:
        sections.append(("Région desservie", ", ".join(institution.service_area)))
    if institution.application:
        sections.append(("Démarches", institution.application))
    if institution.fees:
        sections.append(("Coût", institution.fees))
    if institution.languages:
        sections.append(("Langues", ", ".join(institution.languages)))
    return sections


def fiche_document(institution: Institution) -> Document:
    """The Document for one curated record; its hash changes exactly when its text changes."""
    heading = institution.name + (f" ({institution.acronym})" if institution.acronym else "")
    body = "\n\n".join(f"## {title}\n{text}" for title, text in _sections(institution))
    text = f"# {heading}\n\n{body}\n"
    verified = datetime.combine(institution.last_verified, time(0, 0), tzinfo=UTC)
    return Document(
        url=fiche_url(institution.id),
        source_id=CORPUS_SOURCE_ID,
        kind="file",
        audience="public",
        title=heading,
        text=text,
        language="fr",
        institution_id=institution.id,
        categories=list(institution.categories),
        communes=list(institution.service_area),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        fetched_at=verified,
    )
