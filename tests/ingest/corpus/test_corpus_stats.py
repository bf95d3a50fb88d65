"""Statistics: exact counts on the fixture corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.corpus import corpus_stats, load_communes, load_corpus, read_gold_dir
from ingest.records import CATEGORIES

pytestmark = pytest.mark.unit


def test_stats_on_fixture_corpus(resources: Path, fixture_communes: Path) -> None:
    gold_sets, problems = read_gold_dir(resources / "gold")
    stats = corpus_stats(
        load_corpus(resources / "valid"), load_communes(fixture_communes), gold_sets
    )

    assert problems == []
    assert {k: stats[k] for k in ("institutions", "with_phone", "with_address", "with_hours")} == {
        "institutions": 3,
        "with_phone": 2,
        "with_address": 1,
        "with_hours": 2,
    }
    assert stats["communes"] == 3
    assert stats["by_category"] == {
        **dict.fromkeys(CATEGORIES, 0),
        "aide_sociale": 1,
        "emploi_formation": 1,
        "sante_mentale": 1,
        "urgence": 1,
    }
    assert stats["gold"] == {
        "total": 3,
        "per_set": {"set-a": 3},
        "per_kind": {"direct": 2, "paraphrase": 1},
        "per_language": {"de": 1, "fr": 2},
        "per_audience": {"public": 3},
    }
    assert stats["with_location"] == 2
    assert stats["with_email"] == 1
    assert stats["with_website"] == 1
    assert stats["cantonal"] == 1
    assert stats["unconfirmed_fields"] == {"hours": 1}
    assert stats["locations_by_commune"] == {"Neuchâtel": 1, "Val-de-Ruz": 1}
    assert stats["communes_with_all_offices"] == 1
    assert stats["last_verified"] == {"oldest": "2026-01-15", "newest": "2026-03-10"}


def test_stats_of_an_empty_corpus(tmp_path: Path) -> None:
    stats = corpus_stats([], None)

    assert stats["institutions"] == 0
    assert stats["communes"] == 0
    assert stats["last_verified"] == {"oldest": None, "newest": None}
    assert stats["gold"] == {
        "total": 0,
        "per_set": {},
        "per_kind": {},
        "per_language": {},
        "per_audience": {},
    }
