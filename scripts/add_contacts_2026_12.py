"""Add to the records what ``ne-contacts-2026-12.jsonl`` found that they lack (issue 19).

Why direct edits and not proposals: these facts were read by a person from pages that cannot
be crawled here (no internet), so ``permanence facts refresh`` cannot propose them, and
accepting them would date them today. Each is written with its page in ``sources`` and
``provenance``, marked ``unconfirmed`` (none is recent), and the notes say where it comes
from. Their age is then written by ``scripts/migrate_assured.py`` from the page's date
(run it after this script): the Croix-Bleue bulletin of February 2014 makes them stale, the
undated pages leave them "unknown".

What the file adds, and what is left out:

* ``fas-coordination-action-sociale``: phone and street (Archives de l'État page, undated);
* ``croix-bleue-neuchateloise``: phone and hours of the 2014 bulletin, whose URL is now known;
* ``espace-des-solidarites-neuchatel``: the 2007 hours, with their blog page;
* ``gsr-neuchatel``, ``agence-avs-neuchatel``: the old page of the Ville the notes called
  "URL exacte non conservée", added to the provenance of phone and address;
* left out: the SAVI's other numbers (the record keeps the police page's on purpose), the
  fax numbers (records hold no fax), the two institutions without a record (a record is
  more than a contact), and every "not found".

Each file is re-read just before it is written; only the keys named here change.

    python scripts/add_contacts_2026_12.py [--dry-run]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

import yaml

from ingest import Institution
from ingest.facts.record_edit import replace_top_level_keys, write_atomically

ROOT = Path(__file__).resolve().parents[1]

ARCHIVES = (
    "http://www.ne.ch/autorites/DESC/SCNE/archives-etat/rechercher/Pages/mesurescoercition.aspx"
)
REPERES = "http://doczz.fr/doc/4697890/r-ep%C3%A8r-es---croix-bleue-neuch%C3%A2teloise"
PASTIS = "http://pastis.bloguez.com/pastis/527261/Neuchatel_L_Espace_des_Solidarites"
VILLE = (
    "http://www.neuchatelville.ch/profils/admin.asp/"
    "1-11-160-14801-5001-1001-1-1-2-1/2-1-4803-5001-5050-2-0-300/"
)

#: record id → (source URL, {field: value to add}, (old notes sentence, new one) or None).
ADDITIONS: dict[str, tuple[str, dict[str, object], tuple[str, str] | None]] = {
    "fas-coordination-action-sociale": (
        ARCHIVES,
        {
            "phones": [{"number": "+41 32 886 80 00"}],
            "locations": [
                {
                    "street": "Faubourg de l'Hôpital 23",
                    "postal_code": "2000",
                    "commune": "Neuchâtel",
                }
            ],
        },
        (
            "adresse et téléphone non relevés.",
            "adresse et téléphone d'une page non datée des Archives de l'État (vers 2017-2019, "
            "la FAS y est point de contact pour les victimes de mesures coercitives): à "
            "confirmer.",
        ),
    ),
    "croix-bleue-neuchateloise": (
        REPERES,
        {
            "phones": [{"number": "+41 32 725 02 17", "label": "permanence téléphonique (2014)"}],
            "hours": "(2014) permanence téléphonique lu, me, ve 9h-11h",
        },
        (
            "non repris dans les champs faute de source vérifiable et récente.",
            "repris (bulletin REPÈRES n° 289, février-mars 2014, URL retrouvée) mais ancien: "
            "à reconfirmer.",
        ),
    ),
    "espace-des-solidarites-neuchatel": (
        PASTIS,
        {"hours": "(2007) lu-je 8h30-17h"},
        ("(blog, URL non notée)", "(blog du 2 mai 2007)"),
    ),
    "gsr-neuchatel": (VILLE, {"phones": None, "locations": None}, None),
    "agence-avs-neuchatel": (VILLE, {"phones": None, "locations": None}, None),
}


def _merged(value: object, addition: object) -> object:
    """``value`` with ``addition`` added (lists: appended when absent; text: when empty)."""
    if addition is None:
        return value
    if isinstance(addition, list):
        current = list(value or []) if isinstance(value, list) else []
        return current + [a for a in addition if a not in current]
    return value or addition


def changes_for(record: Mapping[str, object]) -> dict[str, object]:
    """The top-level keys to rewrite in ``record`` (empty when already done)."""
    url, fields, notes = ADDITIONS[str(record["id"])]
    changes: dict[str, object] = {}
    sources = list(record.get("sources") or [])  # type: ignore[call-overload]
    if url not in sources:
        changes["sources"] = [*sources, url]
    provenance = {k: list(v) for k, v in dict(record.get("provenance") or {}).items()}  # type: ignore[call-overload]
    unconfirmed = list(record.get("unconfirmed") or [])  # type: ignore[call-overload]
    for field, addition in fields.items():
        new = _merged(record.get(field), addition)
        if new != record.get(field):
            changes[field] = new
        if url not in provenance.setdefault(field, []):
            provenance[field].append(url)
        if field not in unconfirmed:
            unconfirmed.append(field)
    if provenance != record.get("provenance"):
        changes["provenance"] = provenance
    if unconfirmed != list(record.get("unconfirmed") or []):  # type: ignore[call-overload]
        changes["unconfirmed"] = unconfirmed
    text = str(record.get("notes") or "")
    if notes is not None and notes[0] in text:
        changes["notes"] = text.replace(notes[0], notes[1])
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpora" / "neuchatel")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    for record_id in ADDITIONS:
        path = args.corpus / f"{record_id}.yaml"
        text = path.read_text(encoding="utf-8")
        changes = changes_for(yaml.safe_load(text))
        print(f"{record_id}: {', '.join(changes) or 'nothing to add'}")
        if not changes or args.dry_run:
            continue
        edited = replace_top_level_keys(text, changes)
        Institution.model_validate(yaml.safe_load(edited))
        write_atomically(path, edited)
    return 0


if __name__ == "__main__":
    sys.exit(main())
