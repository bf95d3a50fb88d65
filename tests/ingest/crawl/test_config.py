"""The sources file: validation messages name the source and key; secrets never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.crawl import load_sources
from ingest.crawl.config import SourceConfig
from ingest.errors import SourceConfigError
from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sources_file_is_valid() -> None:
    sources = load_sources(PROJECT_ROOT / "corpora" / "sources.yaml")
    names = [s.name for s in sources.sources]
    assert names[0] == "ne-ch-action-sociale"
    assert len(names) == len(set(names)) == 7
    assert sources.sources[0].hosts == frozenset({"www.ne.ch"})
    assert {s.effective_audience for s in sources.sources} == {"public"}


def test_defaults_of_a_minimal_source() -> None:
    source = SourceConfig(name="x", kind="intranet", start_urls=["https://Intra.Example.ch/a"])
    assert source.hosts == frozenset({"intra.example.ch"})
    assert source.allowed_prefixes == ["/"]
    assert source.effective_audience == "professional"
    assert source.robots.cache_ttl_s == 86_400.0
    assert source.credentials({}) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("sources: [", "is not valid YAML", id="not-yaml"),
        pytest.param(
            "sources:\n- {name: a, kind: web, start_urls: ['https://a.ch/'], max_page: 3}",
            "max_page",
            id="unknown-key",
        ),
        pytest.param(
            "sources:\n- {name: a, kind: web}", "needs 'start_urls' or 'sitemaps'", id="no-start"
        ),
        pytest.param(
            "sources:\n- {name: a, kind: ftp, start_urls: ['https://a.ch/']}", "kind", id="bad-kind"
        ),
        pytest.param(
            "sources:\n- {name: a, kind: web, start_urls: ['a.ch/x']}",
            "must be an absolute http(s) URL",
            id="relative-url",
        ),
        pytest.param(
            "sources:\n- {name: a, kind: web, start_urls: ['https://a.ch/'],"
            " auth: {method: bearer, token_env: T}}",
            "only allowed on intranet sources",
            id="auth-on-web",
        ),
        pytest.param(
            "sources:\n- {name: a, kind: web, start_urls: ['https://a.ch/']}\n"
            "- {name: a, kind: web, start_urls: ['https://b.ch/']}",
            "repeated: ['a']",
            id="duplicate-names",
        ),
        pytest.param(
            "sources:\n- {name: a, kind: web, start_urls: ['https://a.ch/'],"
            " robots: {cache_ttl_s: 100000}}",
            "cache_ttl_s",
            id="robots-cache-over-24h",
        ),
    ],
)
def test_malformed_sources_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(SourceConfigError, match=r"malformed|not valid YAML") as raised:
        load_sources(write(tmp_path, text))
    assert message in str(raised.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceConfigError, match=r"cannot read sources file .*nowhere\.yaml"):
        load_sources(tmp_path / "nowhere.yaml")


def test_select_unknown_source_lists_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "sources:\n- {name: a, kind: web, start_urls: ['https://a.ch/']}")
    with pytest.raises(SourceConfigError, match="no source named 'b'; known sources: a"):
        load_sources(path).select("b")


def test_credentials_come_from_named_variables_and_never_print(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "sources:\n- name: intra\n  kind: intranet\n  start_urls: ['https://i.ch/']\n"
        "  auth: {method: form, login_url: 'https://i.ch/login', username_env: U, password_env: P}",
    )
    source = load_sources(path).sources[0]
    credentials = source.credentials({"U": "alice", "P": "pw-very-secret-77"})
    assert credentials is not None
    assert credentials.password is not None
    assert credentials.password.get_secret_value() == "pw-very-secret-77"
    assert "pw-very-secret-77" not in repr(credentials)
    assert "pw-very-secret-77" not in str(credentials.model_dump())
    with pytest.raises(SourceConfigError, match="environment variable P is not set"):
        source.credentials({"U": "alice"})
