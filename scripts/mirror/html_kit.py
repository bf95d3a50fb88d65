"""Small helpers shared by the site renderers: escaping, labels, the output tree.

Plain string building keeps the mirror free of a template dependency; every renderer escapes
record text through ``esc`` and writes through ``Tree`` so that paths and bytes are collected in
one place and written in sorted order.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field

from ingest.records import Institution

#: Every page of the mirror carries this mark in its footer.
FOOTER_MARK = "Miroir de test Permanence – contenu généré"
#: The date the mirror pretends to have been published (never "now": output must be stable).
PUBLISHED = "2026-11-01"
PUBLISHED_AT = "2026-11-01T06:00:00Z"

CATEGORY_LABELS: dict[str, str] = {
    "addiction": "Addictions",
    "aide_sociale": "Aide sociale",
    "alimentation_urgence": "Alimentation et hébergement d'urgence",
    "assurances_sociales": "Assurances sociales",
    "autres": "Autres ressources",
    "emploi_formation": "Emploi et formation",
    "enfance_famille": "Enfance et famille",
    "finances_dettes": "Finances et dettes",
    "handicap": "Handicap",
    "integration_loisirs": "Intégration et loisirs",
    "jeunesse": "Jeunesse",
    "juridique": "Questions juridiques",
    "logement": "Logement",
    "migration_asile": "Migration et asile",
    "sante": "Santé",
    "sante_mentale": "Santé mentale",
    "seniors": "Personnes âgées",
    "urgence": "Urgences",
    "violence_victimes": "Violence et victimes",
}

LANGUAGE_LABELS: dict[str, str] = {
    "ar": "arabe",
    "de": "allemand",
    "en": "anglais",
    "es": "espagnol",
    "fa": "persan",
    "fr": "français",
    "it": "italien",
    "pt": "portugais",
    "ru": "russe",
    "sq": "albanais",
    "ti": "tigrinya",
    "tr": "turc",
    "uk": "ukrainien",
}


def esc(text: object) -> str:
    """HTML-escape any value; safe in text and in double-quoted attributes (``'`` stays as is)."""
    return html.escape(str(text), quote=True).replace("&#x27;", "'")


def slug(text: str) -> str:
    """Lower-case ASCII slug; the test server's ``query_slug`` is the same function."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def sort_key(text: str) -> str:
    """Accent- and case-insensitive sort key, as a French reader expects an A–Z list."""
    return slug(text)


def language_label(code: str) -> str:
    return LANGUAGE_LABELS.get(code, code)


def first_sentence(text: str, limit: int = 220) -> str:
    """The first sentence of ``text`` (cut at ``limit`` characters on a word boundary)."""
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0] + " …"


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if s]


def phone_href(number: str) -> str:
    return "tel:" + number.replace(" ", "")


def display_name(inst: Institution) -> str:
    return f"{inst.name} ({inst.acronym})" if inst.acronym else inst.name


def host_name(inst: Institution) -> str:
    """A host-like folder name: the record's website host, else ``<id>.mirror``."""
    if inst.website:
        host = re.sub(r"^https?://", "", inst.website).split("/")[0].lower()
        host = host.removeprefix("www.")
        if re.fullmatch(r"[a-z0-9.-]+", host):
            return host
    return f"{inst.id}.mirror"


def json_text(data: object) -> str:
    """Stable JSON (sorted keys, 2-space indent, trailing newline)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@dataclass
class Tree:
    """Files of one generated site: relative path → bytes."""

    files: dict[str, bytes] = field(default_factory=dict)

    def add(self, path: str, content: str | bytes, *, encoding: str = "utf-8") -> None:
        if path in self.files:
            raise ValueError(f"the generator writes {path!r} twice; page paths must be unique")
        self.files[path] = content if isinstance(content, bytes) else content.encode(encoding)

    def merge(self, prefix: str, other: Tree) -> None:
        for path, data in other.files.items():
            self.add(f"{prefix}/{path}", data)
