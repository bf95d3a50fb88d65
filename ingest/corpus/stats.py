"""Counts over the corpus, the commune table and the gold sets, as one JSON-ready mapping.

``permanence corpus stats --json`` prints it; reports and the eval pipeline read the same keys:
``institutions``, ``with_phone``, ``with_address``, ``with_hours``, ``communes``,
``by_category`` and ``gold`` (``total``, ``per_set``, ``per_kind``, ``per_language``), plus
extra counts that help curation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ingest.corpus.check import CANTON
from ingest.corpus.communes import CommuneTable
from ingest.corpus.gold import GoldSet
from ingest.records import CATEGORIES, Institution

__all__ = ["corpus_stats"]

JsonValue = int | str | None | dict[str, "JsonValue"] | list["JsonValue"]


def _sorted_counts(counter: Counter[str]) -> dict[str, JsonValue]:
    return {key: counter[key] for key in sorted(counter)}


def corpus_stats(
    institutions: Sequence[Institution],
    table: CommuneTable | None,
    gold_sets: Sequence[GoldSet] = (),
) -> dict[str, JsonValue]:
    """The statistics mapping (see the module docstring for the keys).

    ``with_address`` counts records with at least one location that has a street or a post
    office box; ``with_location`` counts records with any location (a commune is enough).
    ``by_category`` counts a record once per category it is filed under, so its values can
    sum to more than ``institutions``; every category of the schema is listed, zero included.
    """
    ids = {i.id for i in institutions}
    by_category = Counter({c: 0 for c in CATEGORIES})
    for inst in institutions:
        by_category.update(inst.categories)
    location_communes = Counter(loc.commune for i in institutions for loc in i.locations)
    unconfirmed = Counter(field for i in institutions for field in i.unconfirmed)
    verified = sorted(i.last_verified for i in institutions)

    stats: dict[str, JsonValue] = {
        "institutions": len(institutions),
        "with_phone": sum(bool(i.phones) for i in institutions),
        "with_address": sum(
            any(loc.street or loc.po_box for loc in i.locations) for i in institutions
        ),
        "with_hours": sum(i.hours is not None for i in institutions),
        "communes": len(table.communes) if table is not None else 0,
        "by_category": _sorted_counts(by_category),
        "with_email": sum(bool(i.emails) for i in institutions),
        "with_website": sum(i.website is not None for i in institutions),
        "with_location": sum(bool(i.locations) for i in institutions),
        "with_unconfirmed": sum(bool(i.unconfirmed) for i in institutions),
        "unconfirmed_fields": _sorted_counts(unconfirmed),
        "cantonal": sum(CANTON in i.service_area for i in institutions),
        "locations_by_commune": _sorted_counts(location_communes),
        "sources": len({url for i in institutions for url in i.sources}),
        "last_verified": {
            "oldest": verified[0].isoformat() if verified else None,
            "newest": verified[-1].isoformat() if verified else None,
        },
    }
    if table is not None:
        linked = 0
        for commune in table.communes:
            offices = commune.offices().values()
            linked += all(value is not None and value in ids for value in offices)
        stats["communes_with_all_offices"] = linked
        stats["communes_by_region"] = _sorted_counts(Counter(c.region for c in table.communes))

    per_set: dict[str, JsonValue] = {}
    per_kind: Counter[str] = Counter()
    per_language: Counter[str] = Counter()
    per_audience: Counter[str] = Counter()
    for gold_set in gold_sets:
        per_set[gold_set.name] = len(gold_set.questions)
        per_kind.update(q.kind for q in gold_set.questions)
        per_language.update(q.language for q in gold_set.questions)
        per_audience.update(q.audience for q in gold_set.questions)
    stats["gold"] = {
        "total": sum(len(s.questions) for s in gold_sets),
        "per_set": per_set,
        "per_kind": _sorted_counts(per_kind),
        "per_language": _sorted_counts(per_language),
        "per_audience": _sorted_counts(per_audience),
    }
    return stats
