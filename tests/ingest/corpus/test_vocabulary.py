"""The service vocabulary (ingest/corpus/vocabulary.py) and the records' service_terms."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ingest.corpus import VocabularyError, load_corpus, load_vocabulary
from permanence.settings import PROJECT_ROOT

LANGUAGES = ["fr", "de", "it", "en", "pt", "es", "ar", "uk", "ru", "fa", "sq", "tr", "ti"]


def _term(**changes: object) -> dict[str, object]:
    term: dict[str, object] = {
        "id": "food-aid",
        "term": "aide alimentaire",
        "definition": "Free or cheap food for people short of money.",
        "labels": {lang: f"food {lang}" for lang in LANGUAGES},
        "unchecked_languages": list(LANGUAGES),
        "match": ["alimentaire", "epicerie"],
    }
    term.update(changes)
    return term


def _write(tmp_path: Path, *terms: dict[str, object]) -> Path:
    path = tmp_path / "services.yaml"
    data = {"taxonomy": "t", "version": 1, "languages": LANGUAGES, "terms": list(terms)}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_packaged_vocabulary_labels_every_term_in_the_13_answer_languages() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.languages == LANGUAGES
    known_concepts = {
        name
        for name in yaml.safe_load(
            (PROJECT_ROOT / "corpora" / "glossary.yaml").read_text(encoding="utf-8")
        )["concepts"]
    }
    for term in vocabulary.terms:
        assert sorted(term.labels) == sorted(LANGUAGES), term.id
        assert set(term.concepts) <= known_concepts, term.id
    # Nobody fluent has read a label yet: the data must say so.
    assert vocabulary.unchecked_share() == 1.0


def test_every_record_term_exists_and_most_records_have_terms() -> None:
    vocabulary = load_vocabulary()
    records = load_corpus(PROJECT_ROOT / "corpora" / "neuchatel")
    with_services = [r for r in records if r.services]
    assert all(set(r.service_terms) <= vocabulary.ids() for r in records)
    assert sum(1 for r in with_services if r.service_terms) == len(with_services)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("conseil juridique en droit du bail (membres)", "legal-advice", id="legal"),
        pytest.param("accueil de jour pour aînés", "care-home-day-care", id="longest-wins"),
        pytest.param("Épicerie à prix réduits", "food-aid", id="accents-and-case-folded"),
        pytest.param("lutte contre le feu", None, id="no-term-fits"),
    ],
)
def test_map_phrase(phrase: str, expected: str | None) -> None:
    assert load_vocabulary().map_phrase(phrase) == expected


def test_a_term_missing_a_language_is_refused_with_its_name(tmp_path: Path) -> None:
    labels = {lang: "x" for lang in LANGUAGES if lang != "ti"}
    with pytest.raises(VocabularyError, match=r"food-aid.*missing \['ti'\]"):
        load_vocabulary(_write(tmp_path, _term(labels=labels)))


def test_duplicate_ids_and_unknown_unchecked_languages_are_refused(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="appears twice"):
        load_vocabulary(_write(tmp_path, _term(), _term()))
    with pytest.raises(VocabularyError, match=r"unknown \['xx'\]"):
        load_vocabulary(_write(tmp_path, _term(unchecked_languages=["xx"])))


def test_label_falls_back_to_french(tmp_path: Path) -> None:
    term = load_vocabulary(_write(tmp_path, _term())).terms[0]
    assert (term.label("ar"), term.label("ja")) == ("food ar", "food fr")
