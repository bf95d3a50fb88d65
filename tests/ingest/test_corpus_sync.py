"""Loading curated records into the store, and the `permanence ingest` / `ask` commands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import CorpusError, DocumentStore, fiche_document, fiche_url
from ingest.corpus_sync import read_institutions, sync_corpus

TINY = Path(__file__).resolve().parents[1] / "resources" / "tiny_corpus"


@pytest.mark.unit
def test_sync_is_incremental_and_marks_removed_records_gone(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(TINY, corpus)
    with DocumentStore(tmp_path / "documents.db") as store:
        first = sync_corpus(store, read_institutions(corpus))
        assert (first.new, first.changed, first.unchanged, first.gone) == (14, 0, 0, 0)
        version = store.get_meta("corpus_version")
        assert version is not None and version.startswith("14-")
        again = sync_corpus(store, read_institutions(corpus))
        assert (again.new, again.changed, again.unchanged, again.gone) == (0, 0, 14, 0)
        (corpus / "caritas-neuchatel.yaml").unlink()
        after = sync_corpus(store, read_institutions(corpus))
        assert (after.unchanged, after.gone) == (13, 1)
        assert store.get_meta("corpus_version") != version
        gone = store.get(fiche_url("caritas-neuchatel"))
        assert gone is not None and gone.status == "gone"
        assert len(store.institutions()) == 13


@pytest.mark.unit
def test_fiche_document_carries_facts_in_sections() -> None:
    record = next(r for r in read_institutions(TINY) if r.id == "gsr-val-de-ruz")
    document = fiche_document(record)
    assert document.url == "/v1/institutions/gsr-val-de-ruz"
    assert document.institution_id == "gsr-val-de-ruz"
    assert document.text.startswith(f"# {document.title}\n")
    assert "## Présentation" in document.text
    assert "Val-de-Ruz" in document.communes
    assert fiche_document(record).content_hash == document.content_hash


@pytest.mark.unit
def test_fiche_lists_situations_after_the_services() -> None:
    record = next(r for r in read_institutions(TINY) if r.id == "gsr-val-de-ruz")
    with_situations = record.model_copy(
        update={"situations": ["je ne peux plus payer mon loyer", "j'ai perdu mon emploi"]}
    )
    text = fiche_document(with_situations).text
    assert (
        "## Quand s'adresser ici\n- je ne peux plus payer mon loyer\n- j'ai perdu mon emploi\n"
        in text
    )
    assert text.index("## Prestations") < text.index("## Quand s'adresser ici")
    assert "## Quand s'adresser ici" not in fiche_document(record).text


@pytest.mark.unit
@pytest.mark.parametrize(
    ("files", "message"),
    [
        pytest.param({}, "holds no institution record", id="empty"),
        pytest.param({"x.yaml": "id: x\nname: [unclosed\n"}, "not valid YAML", id="bad-yaml"),
        pytest.param({"x.yaml": "id: x\nname: X\n"}, "x.yaml", id="missing-fields"),
        pytest.param({"x.yaml": b"\xff\xfe\x00binary"}, "x.yaml", id="binary"),
    ],
)
def test_bad_corpus_gets_a_clear_error(
    tmp_path: Path, files: dict[str, str | bytes], message: str
) -> None:
    for name, content in files.items():
        target = tmp_path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        read_institutions(tmp_path)


@pytest.mark.unit
def test_missing_corpus_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        read_institutions(tmp_path / "nope")


@pytest.mark.integration
@pytest.mark.slow
def test_cli_ingest_index_and_ask_json(tmp_path: Path) -> None:
    env = {**os.environ, "PERMANENCE_DATA_DIR": str(tmp_path), "PERMANENCE_EMBED_MODELS": "use"}
    env["PERMANENCE_CORPUS_DIR"] = str(TINY)
    run = [sys.executable, "-m", "permanence.cli"]
    ingest = subprocess.run([*run, "ingest"], env=env, capture_output=True, text=True, check=True)
    assert "14 institutions: 14 new" in ingest.stdout
    index = subprocess.run([*run, "index"], env=env, capture_output=True, text=True, check=True)
    assert "14 documents" in index.stderr
    ask = subprocess.run(
        [*run, "ask", "--json", "Ich kann meine Krankenkasse nicht mehr bezahlen"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(ask.stdout)
    assert answer["kind"] == "orientation"
    assert answer["language"] == "de"
    assert answer["institutions"]
    numbers = {c["n"] for c in answer["citations"]}
    assert all(set(card["citations"]) <= numbers for card in answer["institutions"])
    empty = subprocess.run([*run, "ask", "  "], env=env, capture_output=True, text=True)
    assert empty.returncode == 2
    assert "empty" in empty.stderr  # errors go to stderr, answers to stdout
