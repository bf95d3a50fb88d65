"""The glossary's categories: every need files under a corpus category, checked at load."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.glossary import Glossary, GlossaryConcept
from ingest import CATEGORIES
from permanence.lexicon import LexiconError

pytestmark = pytest.mark.unit

GLOSSARY = Path(__file__).resolve().parents[2] / "corpora" / "glossary.yaml"


def test_every_shipped_concept_has_a_corpus_category() -> None:
    glossary = Glossary.from_file(GLOSSARY)
    assert glossary.category("je ne peux plus payer mon loyer") == "logement"
    assert glossary.category("quelle est la capitale du Pérou") is None


def test_an_unknown_category_is_a_load_error_naming_the_concept(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(
        "concepts:\n"
        "  rent:\n    fr: loyer\n    category: logement\n    triggers: [loyer]\n"
        "  debts:\n    fr: dettes\n    category: dettes\n    triggers: [dette]\n",
        encoding="utf-8",
    )
    with pytest.raises(LexiconError) as raised:
        Glossary.from_file(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: concepts.debts.category: unknown category 'dettes'")
    assert "finances_dettes" in message  # the allowed ones are listed
    assert "rent" not in message


def test_a_missing_category_names_the_concept(tmp_path: Path) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text("concepts:\n  rent:\n    fr: loyer\n    triggers: [loyer]\n", "utf-8")
    with pytest.raises(LexiconError, match=r"concepts\.rent\.category: missing"):
        Glossary.from_file(path)


def test_ties_between_equally_long_matches_go_to_the_first_concept_of_the_file() -> None:
    def concept(category: str, triggers: tuple[str, ...]) -> GlossaryConcept:
        return GlossaryConcept(fr="mots", category=category, triggers=triggers)

    # "zeta" sorts after "alpha" by name but comes first in the file
    glossary = Glossary(
        {
            "zeta": concept("logement", ("loyer",)),
            "alpha": concept("finances_dettes", ("dette",)),
            "beta": concept("aide_sociale", ("aide sociale",)),
        }
    )
    assert glossary.concepts("loyer et dette") == ["alpha", "zeta"]
    assert glossary.category("loyer et dette") == "logement"
    assert glossary.category("dette et loyer") == "logement"  # not the first in the question
    assert glossary.category("dette, loyer, aide sociale") == "aide_sociale"  # the longest
    assert set(CATEGORIES) >= {"logement", "finances_dettes", "aide_sociale"}
