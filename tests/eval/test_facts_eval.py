"""``python -m eval.facts``: the scorer counts hits, misses and extras per field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.facts import FIELDS, load_facts_gold, score_fiches, score_pages
from eval.facts.__main__ import DEFAULT_GOLD, main

pytestmark = pytest.mark.unit

PAGE = """<html lang="fr"><body>
<p>Tél. 032 717 74 30 | Fax 032 717 74 39</p>
<p>Rue St-Maurice 4, 2000 Neuchâtel · opene [at] ne [dot] ch</p>
<p>du lundi au vendredi de 8h à 12h</p>
</body></html>"""


def _gold(tmp_path: Path, **labels: list[str]) -> Path:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    row = {"id": "p", "split": "dev", "path": "page.html", "url": "https://t.test/", **labels}
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_scores_count_hits_misses_and_extras(tmp_path: Path) -> None:
    gold = _gold(
        tmp_path,
        phone=["+41 32 717 74 30", "+41 32 886 80 70"],
        fax=[],
        email=["OPENE@ne.ch"],
        address=["Rue Saint-Maurice 4, 2000 Neuchâtel"],
        hours=["Mo-Fr 08:00-12:00"],
    )
    scores, pages = score_pages(load_facts_gold(gold), root=tmp_path)
    counts = {f: (scores[f].expected, scores[f].found, scores[f].correct) for f in FIELDS}
    assert counts == {
        "phone": (2, 1, 1),
        "fax": (0, 1, 0),
        "email": (1, 1, 1),
        "address": (1, 1, 1),
        "hours": (1, 1, 1),
    }
    assert (scores["phone"].precision, scores["phone"].recall) == (1.0, 0.5)
    assert scores["fax"].recall is None
    assert scores["fax"].precision == 0.0
    (page,) = pages
    assert page.missed == {"phone": ["+41 32 886 80 70"]}
    assert page.extra == {"fax": ["+41 32 717 74 39"]}


def test_the_command_prints_every_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = _gold(tmp_path, phone=["+41 32 717 74 30"], fax=["+41 32 717 74 39"])
    assert main(["--gold", str(gold), "--root", str(tmp_path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["fields"]["phone"] == {
        "expected": 1, "found": 1, "correct": 1, "precision": 1.0, "recall": 1.0
    }  # fmt: skip
    assert out["fields"]["fax"]["correct"] == 1
    assert out["errors"] == [
        {"id": "p", "missed": {}, "extra": {"email": ["opene@ne.ch"], "address": [
            "rue saint-maurice 4, 2000 neuchâtel"], "hours": ["Mo-Fr 08:00-12:00"]}}
    ]  # fmt: skip
    assert main(["--gold", str(gold), "--root", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert "phone           1      1       1  1.00  1.00" in table


def test_the_labelled_sample_is_well_formed() -> None:
    gold = load_facts_gold(DEFAULT_GOLD)
    assert {g.split for g in gold} == {"dev", "heldout"}
    assert len({g.id for g in gold}) == len(gold)
    root = DEFAULT_GOLD.parents[3]
    assert all((root / g.path).is_file() for g in gold)


def test_fiche_check_compares_with_the_marked_fields(tmp_path: Path) -> None:
    fiche = """<html><body><article data-institution-id="x">
<h1 data-field="name">X</h1>
<p>Une description qui cite aussi le 0848 134 134.</p>
<ul data-field="phones"><li data-number="+41 32 721 23 25">032 721 23 25</li>
<li data-number="+41 32 886 80 70">032 886 80 70</li></ul>
</article></body></html>"""
    (tmp_path / "x.html").write_text(fiche, encoding="utf-8")
    pages, scores, missed = score_fiches(tmp_path)
    assert pages == 1
    phone = scores["phone"]
    assert (phone.expected, phone.found, phone.extra) == (2, 2, 1)
    assert missed == []
