"""The newcomer's path: `permanence serve` in demo mode, then `permanence eval` against it.

Real processes on 127.0.0.1: the server is started as `make demo` starts it (demo mode, no
token configured), the token is read from what it prints, and the evaluation command runs
against it with and without that token.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from eval.bench.server import serve_subprocess
from tests.conftest import TINY_CORPUS

pytestmark = [pytest.mark.integration, pytest.mark.slow]

_TOKEN_LINE = re.compile(r"professional token \(this run only\): (\S+)")
_INTRANET_LINE = re.compile(r"intranet mirror .*: (http://\S+)/  user (\S+), password (\S+)")
_GOLD = [
    {
        "id": "demo-public-1",
        "question": "Je n'arrive plus à payer mes factures, qui peut m'aider avec mes dettes ?",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["caritas-neuchatel"],
        "category": "finances_dettes",
        "audience": "public",
    },
    {
        "id": "demo-public-2",
        "question": "I feel very alone and need to talk to someone tonight",
        "language": "en",
        "kind": "orientation",
        "acceptable": ["la-main-tendue-143"],
        "category": "sante_mentale",
        "audience": "public",
    },
    {
        "id": "demo-pro-1",
        "question": "Procédure de signalement d'un enfant en danger à l'office de protection",
        "language": "fr",
        "kind": "orientation",
        "acceptable": ["office-protection-enfant"],
        "category": "famille",
        "audience": "professional",
    },
]


def _environment(data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("PERMANENCE_")}
    return keep | {
        "PERMANENCE_DATA_DIR": str(data_dir),
        "PERMANENCE_CORPUS_DIR": str(TINY_CORPUS),
        "PERMANENCE_EMBED_MODELS": "use",
        "PERMANENCE_VOICE_ENABLED": "false",
        "PERMANENCE_REDACTOR": "regex",
    }


class DemoServer(NamedTuple):
    url: str
    token: str
    banner: str


@pytest.fixture(scope="module")
def demo_server(
    tiny_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    """``permanence serve`` in demo mode on a copy of the tiny data dir, with what it printed."""
    work = tmp_path_factory.mktemp("demo")
    shutil.copytree(tiny_data_dir, work / "data")
    log = work / "serve.log"
    demo = {"PERMANENCE_DEMO": "1", "PERMANENCE_CORPUS_DIR": str(TINY_CORPUS)}
    with serve_subprocess(work / "data", "use", "regex", log, environment=demo) as running:
        banner = log.read_text(encoding="utf-8")  # printed before the server starts
        found = _TOKEN_LINE.search(banner)
        assert found is not None, f"the demo printed no token:\n{banner}"
        yield DemoServer(running.url, found.group(1), banner)


def _eval(
    url: str, tmp_path: Path, token: str | None
) -> tuple[subprocess.CompletedProcess[str], Path]:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(q) + "\n" for q in _GOLD), encoding="utf-8")
    out = tmp_path / "report"
    env = _environment(tmp_path / "unused-data") | (
        {"PERMANENCE_EVAL_PRO_TOKEN": token} if token else {}
    )
    command = [sys.executable, "-m", "permanence.cli", "eval", "--url", url, "--gold", str(gold)]
    done = subprocess.run(
        [*command, "--out", str(out), "--no-ragas", "--no-judge"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done, out / "report.json"


def test_the_demo_token_opens_the_console_session(demo_server: DemoServer) -> None:
    url, token, _ = demo_server
    session = httpx.get(f"{url}/v1/session", headers={"Authorization": f"Bearer {token}"})
    assert session.json() == {"audience": "professional"}
    assert httpx.get(f"{url}/v1/session").json() == {"audience": "public"}


def test_the_intranet_the_demo_cites_is_served_behind_its_login(
    demo_server: DemoServer,
) -> None:
    found = _INTRANET_LINE.search(demo_server.banner)
    if found is None:
        # Port 8010 taken on this machine: the demo says so instead of failing.
        assert "intranet mirror not served" in demo_server.banner
        pytest.skip("the demo's intranet port is in use here")
    origin, user, password = found.groups()
    page = f"{origin}/procedures/subside-lamal.html"
    with httpx.Client(follow_redirects=True) as client:
        refused = client.get(page)
        assert refused.url.path == "/login"  # sent to the login page
        assert "subside" not in refused.text.lower()
        client.post(f"{origin}/login", data={"username": user, "password": password})
        opened = client.get(page)
        assert opened.status_code == 200 and str(opened.url) == page
        assert "subside" in opened.text.lower()


def test_eval_without_a_token_leaves_professional_questions_out_and_says_so(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    url, _, _ = demo_server
    done, report_path = _eval(url, tmp_path, token=None)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 professional questions are left out" in done.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert [q["id"] for q in report["questions"]] == ["demo-public-1", "demo-public-2"]
    assert "1 professional questions" in report["environment"]["questions left out"]
    assert report["systems"]["system"]["overall"]["errors"] == 0


def test_eval_with_the_demo_token_asks_every_question(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    url, token, _ = demo_server
    done, report_path = _eval(url, tmp_path, token=token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "left out" not in done.stdout
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert len(report["questions"]) == 3
    assert report["systems"]["system"]["overall"]["errors"] == 0
    assert token not in report_path.read_text(encoding="utf-8")


def test_eval_with_a_wrong_token_stops_with_a_clear_error(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    url, _, _ = demo_server
    done, report_path = _eval(url, tmp_path, token="a-wrong-token-of-enough-length")
    assert done.returncode == 1
    assert "refused the professional token" in done.stderr
    assert "Traceback" not in done.stderr
    assert not report_path.exists()
