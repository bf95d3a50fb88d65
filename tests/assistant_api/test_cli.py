"""``permanence ask`` through the real entry point: each failure one clear line, the right code.

Bad options are exit 2, a data dir with nothing to answer from or a server that cannot be asked
exit 1, a closed pipe exits quietly. ``--url`` asks the session's real server; the index held by
the session's runtime is the "server holds the index" case.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException, Request

from assistant_api.cli.ask_options import commune_name
from assistant_api.cli.terminal import render_answer
from assistant_api.models import AskResponse, Citation
from assistant_api.runtime import AssistantRuntime
from ingest import DocumentStore
from ingest.corpus_sync import read_institutions, sync_corpus
from permanence.cli import main
from permanence.pipes import EXIT_BROKEN_PIPE
from permanence.settings import PROJECT_ROOT, Settings
from permanence.testing.servers import free_port
from tests.conftest import TINY_CORPUS

pytestmark = pytest.mark.integration

QUESTION = "Je ne peux plus payer mon loyer"
_TOKEN = "ask-token-for-tests-0123456789"


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``permanence ask ARGS``: (exit code, stdout, stderr); argparse's exit counts too."""
    try:
        code = main(["ask", *args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("PERMANENCE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PERMANENCE_EMBED_MODELS", "use")


# -- options ------------------------------------------------------------------------------


def test_unsupported_language_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(capsys, "--language", "xx", QUESTION)
    assert code == 2
    assert out == ""
    assert "unsupported language 'xx'" in err
    assert "fr, de, it, en" in err


def test_unknown_commune_is_usage_error_with_suggestions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _ask(capsys, "--commune", "Atlantis", QUESTION)
    assert code == 2
    assert (
        "unknown commune 'Atlantis' (a commune or village of the canton of Neuchâtel, "
        "e.g. Neuchâtel, La Chaux-de-Fonds, Val-de-Travers)"
    ) in err
    assert "did you mean" not in err

    code, _, err = _ask(capsys, "--commune", "La Chaux de Fond", QUESTION)
    assert code == 2
    assert "did you mean La Chaux-de-Fonds?" in err


def test_commune_resolves_localities_to_their_commune() -> None:
    assert commune_name("cernier") == "Val-de-Ruz"
    assert commune_name("Neuchatel") == "Neuchâtel"


@pytest.mark.parametrize("value", ["0", "11", "three"])
def test_top_k_outside_the_contract_is_usage_error(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, _, err = _ask(capsys, "--top-k", value, QUESTION)
    assert code == 2
    assert "from 1 to 10" in err


def test_blank_question_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _ask(capsys, "   ")
    assert (code, out) == (2, "")
    assert "the question is empty" in err


# -- nothing to answer from ------------------------------------------------------------------


def test_empty_data_dir_says_how_to_build_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _use_data_dir(monkeypatch, tmp_path)
    code, out, err = _ask(capsys, QUESTION)
    assert (code, out) == (1, "")
    assert f"no index in {tmp_path.resolve()}: build it with `make data`" in err
    assert "permanence ingest && permanence index" in err
    assert list(tmp_path.iterdir()) == []


def test_documents_without_index_says_how_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with DocumentStore(tmp_path / "documents.db") as store:
        sync_corpus(store, read_institutions(TINY_CORPUS))
    _use_data_dir(monkeypatch, tmp_path)
    code, _, err = _ask(capsys, QUESTION)
    assert code == 1
    assert "no index in" in err
    assert not (tmp_path / "index").exists()


def test_index_held_by_a_server_says_how_to_ask_it(
    tiny_runtime: AssistantRuntime,
    tiny_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The session's runtime keeps the tiny index open, as ``permanence serve`` does."""
    _use_data_dir(monkeypatch, tiny_data_dir)
    code, out, err = _ask(capsys, QUESTION)
    assert (code, out) == (1, "")
    assert "is in use by a running server (permanence serve)" in err
    assert f'`permanence ask --url http://127.0.0.1:8000 "{QUESTION}"`' in err
    assert "WouldBlock" not in err
    assert len(err.strip().splitlines()) == 1


# -- --url ----------------------------------------------------------------------------------


def test_url_json_is_the_answer_contract(
    live_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _ask(capsys, "--json", "--url", live_server, QUESTION)
    assert code == 0, err
    answer = AskResponse.model_validate(json.loads(out))
    assert answer.kind == "orientation"
    assert answer.institutions


def test_url_plain_output_is_readable_with_absolute_links(
    live_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _ask(capsys, "--url", live_server, "--commune", "Cernier", QUESTION)
    assert code == 0, err
    assert "**" not in out
    assert "\x1b[" not in out
    assert "[1]" in out
    citation_lines = [line for line in out.splitlines() if line.startswith("[1] ")]
    assert citation_lines
    assert " — /v1/" not in out
    assert all(" — http" in line for line in citation_lines)


def test_url_closed_port_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    code, out, err = _ask(capsys, "--url", url, QUESTION)
    assert (code, out) == (1, "")
    assert err.strip() == (
        f"error: cannot reach a server at {url} (connection refused); "
        "start one with `permanence serve`, or check --url"
    )


def test_url_refusal_prints_the_servers_detail(
    live_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _ask(capsys, "--url", live_server, "loyer " * 500)
    assert (code, out) == (1, "")
    assert f"the server at {live_server} answered 413: the question has" in err
    assert "the limit is 2000" in err


@pytest.fixture(scope="module")
def recording_server(serve: Callable[[FastAPI], str]) -> tuple[str, list[str | None]]:
    """A stand-in server that records the Authorization header it gets; (URL, headers)."""
    app = FastAPI()
    seen: list[str | None] = []

    @app.post("/v1/ask")
    async def ask(request: Request) -> dict[str, object]:
        seen.append(request.headers.get("authorization"))
        return AskResponse(kind="orientation", language="fr", answer="ok").model_dump()

    @app.post("/strict/v1/ask")
    async def strict() -> None:
        detail = [{"loc": ["body", "commune"], "msg": "unknown commune", "type": "value_error"}]
        raise HTTPException(422, detail=detail)

    return serve(app), seen


def test_url_sends_the_ask_token_without_printing_it(
    recording_server: tuple[str, list[str | None]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, seen = recording_server
    monkeypatch.setenv("PERMANENCE_ASK_TOKEN", _TOKEN)
    code, out, err = _ask(capsys, "--url", url, QUESTION)
    assert code == 0, err
    assert seen[-1] == f"Bearer {_TOKEN}"
    assert _TOKEN not in out + err


def test_url_field_errors_are_one_line(
    recording_server: tuple[str, list[str | None]], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _ask(capsys, "--url", f"{recording_server[0]}/strict", QUESTION)
    assert code == 1
    assert err.strip().endswith("answered 422: commune: unknown commune")


# -- pipes ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_reader_closing_the_pipe_ends_quietly(live_server: str) -> None:
    """``permanence ask --json … | head`` with a reader gone before the answer is written."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    command = str(PROJECT_ROOT / ".venv" / "bin" / "permanence")
    process = subprocess.Popen(
        [command, "ask", "--json", "--url", live_server, QUESTION],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PROJECT_ROOT,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the child has even imported
    with process.stderr:
        err = process.stderr.read().decode()
    assert process.wait(timeout=120) == EXIT_BROKEN_PIPE, err
    assert "Traceback" not in err
    assert err == ""


# -- rendering --------------------------------------------------------------------------------


def _citation(n: int, title: str, url: str) -> Citation:
    return Citation(n=n, title=title, url=url, kind="web", snippet="", fetched_at="2026-11-01")


def _response(answer: str) -> AskResponse:
    citations = [
        _citation(1, "Caritas Neuchâtel", "/v1/institutions/caritas-neuchatel"),
        _citation(2, "Site", "https://www.caritas-neuchatel.ch/"),
    ]
    return AskResponse(kind="orientation", language="fr", answer=answer, citations=citations)


def test_plain_rendering_keeps_lines_markers_and_absolute_links() -> None:
    answer = (
        "Voici à qui vous adresser :\n"
        "1. **Caritas Neuchâtel** — dettes et budget [1][2]\n"
        "   Téléphone : 032 886 80 70 [1]\n"
        "Voir [la fiche](/v1/institutions/caritas-neuchatel)."
    )
    text = render_answer(_response(answer), "http://api.example.ch:8000/")
    assert "**" not in text
    assert "\x1b[" not in text
    assert "Caritas Neuchâtel — dettes et budget [1][2]" in text
    # the contact stays on its own line, as in the widget
    assert any(line.strip() == "Téléphone : 032 886 80 70 [1]" for line in text.splitlines())
    assert "la fiche (http://api.example.ch:8000/v1/institutions/caritas-neuchatel)" in text
    assert text.splitlines()[-2:] == [
        "[1] Caritas Neuchâtel — http://api.example.ch:8000/v1/institutions/caritas-neuchatel",
        "[2] Site — https://www.caritas-neuchatel.ch/",
    ]
    assert all(line == line.rstrip() for line in text.splitlines())


def test_terminal_rendering_is_styled() -> None:
    text = render_answer(_response("**Caritas** [1]"), "http://127.0.0.1:8000", terminal=True)
    assert "\x1b[" in text
    assert "**" not in text


def test_links_go_to_the_public_url_when_set() -> None:
    assert Settings(public_base_url="https://permanence.example.ch/").api_base_url() == (
        "https://permanence.example.ch"
    )
    assert Settings(host="0.0.0.0", port=8080).api_base_url() == "http://127.0.0.1:8080"
    assert Settings(host="::1", port=8000).api_base_url() == "http://[::1]:8000"
