"""LLM-judged metrics: faithfulness and answer relevancy, asked of an OpenAI-compatible endpoint.

Why our own small judge rather than ragas' LLM metrics: ragas needs a LangChain/instructor LLM
wrapper and several calls per answer (statement generation, then verdicts; generated questions
plus embeddings for relevancy), with its own retry and parsing logic that we cannot bound or
test offline. Here each metric is one chat call with a prompt of ``prompts/judge/`` and a JSON
reply, so timeouts, retries and failures are ours to count. A failed or unreadable judgement
scores ``None`` for that question (left out of the mean) and is counted in :attr:`LlmJudge.stats`;
it never stops the run. Definitions: docs/evaluation.md.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from permanence.settings import PROJECT_ROOT, Settings

__all__ = [
    "JUDGE_METRICS",
    "JudgeConfig",
    "JudgeStats",
    "LlmJudge",
    "judge_config",
    "parse_faithfulness",
    "parse_relevancy",
]

logger = logging.getLogger(__name__)

#: Metric names the judge adds to a question's scores.
JUDGE_METRICS = ("faithfulness", "answer_relevancy")

PROMPT_DIR = PROJECT_ROOT / "prompts" / "judge"
#: Transient HTTP statuses worth another attempt.
_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class JudgeConfig:
    """Where the judge is and how long to wait for it."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout_s: float = 20.0
    #: Extra attempts after a timeout, a connection error or a 5xx/429 (so at most retries + 1).
    retries: int = 1
    #: Seconds before a retry (doubled each time).
    backoff_s: float = 0.5

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"judge URL {self.base_url!r} is not an http(s) URL; "
                "pass e.g. --judge-url http://127.0.0.1:8080/v1"
            )
        if not self.model:
            raise ValueError(
                "the judge needs a model name; pass --judge-model or set PERMANENCE_LLM_MODEL"
            )
        if self.retries < 0 or self.timeout_s <= 0:
            raise ValueError(
                f"judge retries {self.retries} / timeout {self.timeout_s} s must be ≥ 0 / > 0"
            )

    @property
    def completions_url(self) -> str:
        """``/v1/chat/completions`` under the base URL, whether or not it ends in ``/v1``."""
        base = self.base_url.rstrip("/")
        if not base.endswith("/v1"):
            base += "/v1"
        return base + "/chat/completions"


def judge_config(
    settings: Settings, *, url: str | None = None, model: str | None = None
) -> JudgeConfig | None:
    """The judge of a run: explicit options first, then ``PERMANENCE_LLM_*``; None if no URL."""
    base_url = url or settings.llm.base_url
    if not base_url:
        return None
    chosen = model or settings.llm.model
    if not chosen:
        raise ValueError(
            f"judge endpoint {base_url} has no model; "
            "pass --judge-model or set PERMANENCE_LLM_MODEL"
        )
    key = settings.llm.api_key.get_secret_value() if settings.llm.api_key else None
    return JudgeConfig(
        base_url=base_url, model=chosen, api_key=key, timeout_s=settings.llm.timeout_s
    )


@dataclass(slots=True)
class JudgeStats:
    """What the judge was asked and how often it failed, for the report's notes."""

    calls: int = 0
    attempts: int = 0
    errors: int = 0
    malformed: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def as_notes(self) -> dict[str, str | int | float]:
        notes: dict[str, str | int | float] = {
            "judge_calls": self.calls,
            "judge_attempts": self.attempts,
            "judge_errors": self.errors,
            "judge_malformed": self.malformed,
            "judge_seconds": round(self.seconds, 2),
        }
        if self.problems:
            notes["judge_first_problem"] = self.problems[0]
        return notes


class JudgeError(Exception):
    """One judgement could not be obtained or read (already counted)."""


def _load(name: str) -> str:
    return (PROMPT_DIR / name).read_text(encoding="utf-8")


def _fill(template: str, **values: str) -> str:
    # str.replace, not str.format: answers and snippets may contain braces.
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _json_object(content: str) -> dict[str, object]:
    """The JSON object of a reply, tolerating a code fence or words around it."""
    match = _JSON_OBJECT.search(content)
    if match is None:
        raise JudgeError(f"no JSON object in the judge's reply {content[:80]!r}")
    try:
        data = json.loads(match.group(0))
    except json.JSONDecodeError as exc:
        raise JudgeError(f"judge reply is not valid JSON ({exc}): {content[:80]!r}") from exc
    if not isinstance(data, dict):
        raise JudgeError(f"judge reply is not a JSON object: {content[:80]!r}")
    return data


def parse_faithfulness(content: str) -> float | None:
    """Share of supported claims; None when the answer has no claim (nothing to support)."""
    claims = _json_object(content).get("claims")
    if not isinstance(claims, list):
        raise JudgeError(f"judge reply has no 'claims' list: {content[:80]!r}")
    verdicts: list[bool] = []
    for claim in claims:
        supported = claim.get("supported") if isinstance(claim, dict) else None
        if not isinstance(supported, bool):
            raise JudgeError(f"claim without a true/false 'supported': {claim!r}")
        verdicts.append(supported)
    if not verdicts:
        return None
    return sum(verdicts) / len(verdicts)


def parse_relevancy(content: str) -> float:
    """The 0–1 score of the reply; out-of-range or non-numeric scores are malformed."""
    score = _json_object(content).get("score")
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise JudgeError(f"judge reply has no numeric 'score': {content[:80]!r}")
    if not 0.0 <= float(score) <= 1.0:
        raise JudgeError(f"judge score {score} is outside [0, 1]")
    return float(score)


class LlmJudge:
    """Asks the endpoint one question per metric and answer; never raises on a bad reply."""

    def __init__(self, config: JudgeConfig, *, client: httpx.Client | None = None) -> None:
        self.config = config
        self.stats = JudgeStats()
        headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
        self._client = client or httpx.Client(timeout=config.timeout_s, headers=headers)
        self._prompts = {
            "faithfulness": (_load("faithfulness.md"), _load("faithfulness_user.md")),
            "answer_relevancy": (_load("answer_relevancy.md"), _load("answer_relevancy_user.md")),
        }

    def close(self) -> None:
        self._client.close()

    def faithfulness(self, answer: str, contexts: Sequence[str]) -> float | None:
        """Fraction of the answer's claims supported by the cited snippets; None if not judged."""
        if not answer.strip() or not contexts:
            return None
        sources = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(contexts, start=1))
        content = self._ask("faithfulness", contexts=sources, answer=answer)
        return self._parsed(content, parse_faithfulness)

    def answer_relevancy(self, question: str, answer: str) -> float | None:
        """The judge's 0–1 rating of how well the answer addresses the question."""
        if not answer.strip():
            return None
        content = self._ask("answer_relevancy", question=question, answer=answer)
        return self._parsed(content, parse_relevancy)

    def _parsed(self, content: str | None, parse: Callable[[str], float | None]) -> float | None:
        if content is None:
            return None
        try:
            return parse(content)
        except JudgeError as exc:
            self.stats.malformed += 1
            self._problem(str(exc))
            return None

    def _problem(self, message: str) -> None:
        logger.warning("judge: %s", message)
        if len(self.stats.problems) < 20:
            self.stats.problems.append(message)

    def _ask(self, metric: str, **values: str) -> str | None:
        system, user = self._prompts[metric]
        body = {
            "model": self.config.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": _fill(user, **values)},
            ],
        }
        self.stats.calls += 1
        started = time.perf_counter()
        try:
            return self._post(body)
        finally:
            self.stats.seconds += time.perf_counter() - started

    def _post(self, body: dict[str, object]) -> str | None:
        delay = self.config.backoff_s
        last = ""
        for attempt in range(self.config.retries + 1):
            if attempt:
                time.sleep(delay)
                delay *= 2
            self.stats.attempts += 1
            try:
                response = self._client.post(self.config.completions_url, json=body)
            except httpx.HTTPError as exc:  # timeouts, refused connections, broken replies
                last = f"{type(exc).__name__} from {self.config.completions_url}"
                continue
            if response.status_code in _RETRY_STATUSES:
                last = f"HTTP {response.status_code} from {self.config.completions_url}"
                continue
            if response.status_code != 200:
                self.stats.errors += 1
                self._problem(
                    f"HTTP {response.status_code} from {self.config.completions_url}; "
                    "check --judge-url and --judge-model"
                )
                return None
            try:
                content = response.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError):
                self.stats.malformed += 1
                self._problem(f"not a chat completion: {response.text[:80]!r}")
                return None
            if not isinstance(content, str):
                self.stats.malformed += 1
                self._problem(f"completion content is not text: {content!r}")
                return None
            return content
        self.stats.errors += 1
        self._problem(f"{last} after {self.config.retries + 1} attempts")
        return None
