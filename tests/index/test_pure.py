"""Pure pieces of the index: chunking, fusion, ranking, glossary."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from index.backends.base import VectorHit
from index.chunker import Chunker, chunk_id, split_sections
from index.errors import BackendError
from index.fusion import reciprocal_rank_fusion
from index.glossary import Glossary, GlossaryConcept
from index.ranking import COMMUNE_BOOST, ELSEWHERE_PENALTY, apply_commune, rank_institutions
from index.records import Chunk, ChunkHit
from ingest import Document

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]


def _document(text: str, **extra: object) -> Document:
    values: dict[str, object] = {
        "url": "/v1/institutions/x",
        "source_id": "s",
        "kind": "file",
        "title": "Service X",
        "text": text,
        "content_hash": "h",
        "fetched_at": datetime(2026, 1, 1, tzinfo=UTC),
        "institution_id": "x",
        "categories": ["logement"],
    }
    values.update(extra)
    return Document.model_validate(values)


def _words(text: str) -> int:
    return len(text.split())


def test_split_sections_keeps_headings_and_drops_empty_ones() -> None:
    text = "# Title\n\nintro\n\n## A\nalpha\n\n## Empty\n\n## B\nbeta"
    assert split_sections(text) == [("Title", "intro"), ("A", "alpha"), ("B", "beta")]


def test_chunker_merges_small_sections_and_carries_title_and_themes() -> None:
    chunker = Chunker(count_tokens=_words, max_tokens=16, theme_labels={"logement": "logement"})
    chunks = chunker.run(_document("# Service X\n\n## A\none two three\n\n## B\nfour five six"))
    assert len(chunks) == 1
    assert chunks[0].text.startswith("Service X — logement\n")
    assert chunks[0].section == "A · B"
    assert "one two three" in chunks[0].body and "four five six" in chunks[0].body


def test_chunker_splits_long_sections_at_sentences_within_the_limit() -> None:
    sentence = "Ceci est une phrase de huit mots ici."
    chunker = Chunker(count_tokens=_words, max_tokens=20)
    chunks = chunker.run(_document("## Long\n" + " ".join([sentence] * 6)))
    assert len(chunks) == 3
    assert all(_words(c.body) <= 20 for c in chunks)
    assert [c.position for c in chunks] == [0, 1, 2]


def test_chunk_ids_are_stable_and_change_with_content() -> None:
    assert chunk_id("u", 0, "a") == chunk_id("u", 0, "a")
    assert chunk_id("u", 0, "a") != chunk_id("u", 0, "b")
    assert chunk_id("u", 0, "a") != chunk_id("u", 1, "a")
    assert len(chunk_id("u", 0, "a")) == 36


@pytest.mark.parametrize(
    "max_tokens", [pytest.param(8, id="too-small"), pytest.param(5000, id="too-large")]
)
def test_chunker_rejects_out_of_range_limits(max_tokens: int) -> None:
    with pytest.raises(ValueError, match=r"outside 16\.\.2048"):
        Chunker(count_tokens=_words, max_tokens=max_tokens)


def test_rrf_sums_reciprocal_ranks_with_weights() -> None:
    a = [VectorHit("1", 0.9), VectorHit("2", 0.8)]
    b = [VectorHit("2", 5.0), VectorHit("3", 4.0)]
    fused = reciprocal_rank_fusion([a, b], weights=[1.0, 0.5], k=10)
    assert [h.id for h in fused] == ["2", "1", "3"]
    assert fused[0].score == pytest.approx(1 / 12 + 0.5 / 11, abs=1e-12)
    assert fused[1].score == pytest.approx(1 / 11, abs=1e-12)


def test_rrf_rejects_mismatched_weights() -> None:
    with pytest.raises(ValueError, match="2 weights for 1 rankings"):
        reciprocal_rank_fusion([[VectorHit("1", 1.0)]], weights=[1.0, 1.0])


def _hit(institution: str, score: float, communes: tuple[str, ...] = ("canton",)) -> ChunkHit:
    chunk = Chunk(
        id=f"{institution}-{score}",
        url=f"/v1/institutions/{institution}",
        position=0,
        title=institution,
        section="",
        text="t",
        body="b",
        content_hash="h",
        kind="file",
        audience="public",
        language="fr",
        institution_id=institution,
        categories=(),
        communes=communes,
        fetched_at="2026-01-01T00:00:00+00:00",
    )
    return ChunkHit(chunk, score)


def test_rank_institutions_aggregates_with_decay() -> None:
    hits = [_hit("a", 0.5), _hit("b", 0.4), _hit("b", 0.4), _hit("b", 0.4)]
    ranked = rank_institutions(hits)
    assert [h.institution_id for h in ranked] == ["b", "a"]
    assert ranked[0].score == pytest.approx(0.4 + 0.2 + 0.1, abs=1e-12)
    assert len(ranked[0].chunks) == 3


def test_commune_boost_and_penalty() -> None:
    ranked = rank_institutions(
        [
            _hit("gsr-a", 0.5, ("Neuchâtel",)),
            _hit("gsr-b", 0.45, ("Val-de-Ruz",)),
            _hit("cantonal", 0.4),
        ]
    )
    adjusted = apply_commune(ranked, "Val-de-Ruz")
    assert [h.institution_id for h in adjusted] == ["gsr-b", "cantonal", "gsr-a"]
    assert adjusted[0].score == pytest.approx(0.45 * COMMUNE_BOOST, abs=1e-12)
    assert adjusted[0].serves_commune is True
    assert adjusted[2].score == pytest.approx(0.5 * ELSEWHERE_PENALTY, abs=1e-12)
    assert apply_commune(ranked, None) == ranked


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        pytest.param("Je ne peux plus payer mon loyer", "rent", id="fr-rent"),
        pytest.param("Ich habe meine Arbeit verloren", "unemployment", id="de-job"),
        pytest.param("Я не можу платити оренду", "rent", id="uk-rent"),
        pytest.param("لا أستطيع دفع الإيجار", "rent", id="ar-rent"),
        pytest.param("Kiramı ödeyemiyorum", "rent", id="tr-rent"),
        pytest.param("mon proprietaire veut me mettre dehors", "eviction", id="fr-eviction"),
        pytest.param("debo tres meses y me llegan facturas", "debts", id="es-debts"),
    ],
)
def test_glossary_finds_needs_across_languages(question: str, concept: str) -> None:
    glossary = Glossary.from_file(ROOT / "corpora" / "glossary.yaml")
    assert concept in glossary.concepts(question)
    assert glossary.expand(question)
    assert glossary.expand(question) == glossary.french_words(glossary.concepts(question))


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("this is it", id="english-is"),
        pytest.param("alternative solutions", id="prefix-alt"),
        pytest.param("transfer money to a friend abroad", id="transfer-not-trans"),
        pytest.param("quelle est la capitale du Pérou", id="trivia"),
    ],
)
def test_glossary_does_not_fire_on_unrelated_words(text: str) -> None:
    glossary = Glossary.from_file(ROOT / "corpora" / "glossary.yaml")
    assert "lgbt" not in glossary.concepts(text)
    assert "unemployment" not in glossary.concepts(text)
    assert "rent" not in glossary.concepts(text)


def _concept(fr: str, triggers: list[str], category: str = "autres") -> GlossaryConcept:
    return GlossaryConcept(fr=fr, category=category, triggers=tuple(triggers))


def test_glossary_matches_latin_word_starts_and_other_scripts_anywhere() -> None:
    glossary = Glossary(
        {
            "rent": _concept("loyer", ["loyer", "miete"]),
            "debt": _concept("dettes", ["dett", "борг"]),
            "aid": _concept("aide", ["aide sociale"]),
        }
    )
    assert glossary.concepts("Mes loyers impayés") == ["rent"]  # a word start, plural too
    assert glossary.concepts("emploYER") == []  # not at the start of a word
    assert glossary.concepts("у мене боргів") == ["debt"]  # Cyrillic: inside a word
    assert glossary.concepts("Miete, Dettes, aide sociale") == ["aid", "debt", "rent"]  # in order
    assert glossary.concepts("l'aide soc") == []  # a trigger matches whole
    assert glossary.french_words(["rent", "aid"]) == "aide loyer"


def test_glossary_refuses_a_trigger_too_short_to_look_up() -> None:
    with pytest.raises(ValueError, match="too short"):
        _concept("xx", ["a"])


def test_glossary_acronyms_in_capitals_match_whole_words_only() -> None:
    glossary = Glossary(
        {
            "unemployment": _concept("chômage ORP", ["ORP", "chomage"]),
            "disability": _concept("AI", ["AI"]),
        }
    )
    assert glossary.concepts("C'est quel ORP qui va me suivre?") == ["unemployment"]
    assert glossary.concepts("l'AI m'a refusé la rente") == ["disability"]
    assert glossary.concepts("une aide pour un orphelin") == []
    assert glossary.concepts("AIDE") == []


def test_a_point_with_an_unknown_audience_is_refused_not_served() -> None:
    payload = _hit("caritas", 1.0).chunk.payload()
    assert Chunk.from_payload("p1", payload).audience == "public"
    with pytest.raises(BackendError, match="audience 'everyone'"):
        Chunk.from_payload("p2", {**payload, "audience": "everyone"})
    with pytest.raises(BackendError, match="kind 'blog'"):
        Chunk.from_payload("p3", {**payload, "kind": "blog"})
