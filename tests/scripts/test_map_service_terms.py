"""``scripts/map_service_terms.py``: only the ``service_terms`` block of a record changes."""

from __future__ import annotations

import pytest
import yaml

from ingest.corpus import load_vocabulary
from scripts.map_service_terms import terms_for, with_terms

pytestmark = pytest.mark.unit

RECORD = """id: x
name: X
services:
- conseil en budget
- épicerie à prix réduits
- lutte contre le feu
situations:
- J'ai des dettes
assured:
  phones:
    assured_date: 2020-01-01
    assured_by: someone
last_verified: 2026-11-01
"""


def test_terms_follow_the_phrases_once_each_and_skip_what_no_term_fits() -> None:
    vocabulary = load_vocabulary()
    services = [
        "conseil en budget",
        "désendettement",
        "épicerie à prix réduits",
        "lutte contre le feu",
    ]
    assert terms_for(services, vocabulary) == ["budget-debt-advice", "food-aid"]


def test_the_block_goes_after_services_and_nothing_else_moves() -> None:
    updated = with_terms(RECORD, ["budget-debt-advice", "food-aid"])
    assert updated.replace("service_terms:\n- budget-debt-advice\n- food-aid\n", "") == RECORD
    assert updated.index("service_terms:") == updated.index("situations:") - len(
        "service_terms:\n- budget-debt-advice\n- food-aid\n"
    )
    assert yaml.safe_load(updated)["service_terms"] == ["budget-debt-advice", "food-aid"]


def test_running_again_replaces_the_block_instead_of_adding_one() -> None:
    once = with_terms(RECORD, ["food-aid"])
    assert with_terms(once, ["food-aid"]) == once
    assert with_terms(once, []) == RECORD
