"""Editing a record file in place: only the keys concerned change, byte for byte."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.facts.record_edit import replace_top_level_keys

pytestmark = pytest.mark.unit

RECORD = """\
id: test-record
name: Test
# a comment a curator left above the phones
phones:
- number: +41 32 721 23 25
emails: []
description: >-
  A folded text that a YAML round trip would re-wrap, long enough to be folded over two lines of
  the file as the corpus writes it.
website: null
notes: null
last_verified: 2026-11-22
"""


@pytest.mark.parametrize(
    ("changes", "old", "new"),
    [
        pytest.param(
            {"emails": ["LNCC@ne.ch"]}, "emails: []\n", "emails:\n- LNCC@ne.ch\n", id="replace"
        ),
        pytest.param(
            {"assured": {"emails": {"assured_date": date(2026, 12, 3), "assured_by": "r"}}},
            "notes: null\n",
            "assured:\n  emails:\n    assured_date: 2026-12-03\n    assured_by: r\nnotes: null\n",
            id="insert-before-notes",
        ),
        pytest.param(
            {"phones": []},
            "phones:\n- number: +41 32 721 23 25\n",
            "phones: []\n",
            id="key-after-a-comment",
        ),
        pytest.param(
            {"website": "https://a.ch"}, "website: null\n", "website: https://a.ch\n", id="scalar"
        ),
    ],
)
def test_only_the_changed_key_moves(changes: dict[str, object], old: str, new: str) -> None:
    assert RECORD.count(old) == 1
    assert replace_top_level_keys(RECORD, changes) == RECORD.replace(old, new)


def test_a_key_the_file_lacks_goes_at_the_end_without_notes() -> None:
    text = "id: x\nname: X\n"
    assert replace_top_level_keys(text, {"hours": "lu 8h-12h"}) == text + "hours: lu 8h-12h\n"
