"""The embedded LLM: llama.cpp in this process, behind the same ``complete()`` as ``ChatClient``.

Opt-in (``PERMANENCE_LLM_BACKEND=embedded``) for a deployment with no model server: the packaged
Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) is loaded once when the runtime opens and answers on the
process's own CPU. One llama context serves every request, so generation is serialized by a lock;
each call is bounded by ``max_tokens`` and by a deadline that covers the wait for the lock, the
prompt evaluation and the generation. During the prompt evaluation (a 1,000-token prompt takes
20–40 s on 2 cores, in a single call into llama.cpp) the deadline is enforced inside llama.cpp by
its abort callback; during generation it is checked between tokens, with the callback removed:
llama.cpp calls it after every graph node, ~900 times per token, and each call needs the GIL —
with another Python thread busy (the analytics redactor) that cut generation from 3 to 1 token/s.
A timeout or any engine error raises :class:`LLMError`, which the composer turns into the
extractive answer. llama.cpp keeps the longest common prefix of the previous prompt in its cache,
so the fixed system prompt is evaluated once per process, not once per question.
"""

from __future__ import annotations

import importlib
import logging
import math
import os
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from assistant_api.llm.client import LLMError
from assistant_api.llm.model_files import (
    GGUF_NAME,
    INSTALL_HINT,
    EmbeddedModelError,
    ensure_gguf_model,
)
from permanence.settings import LLMSettings

__all__ = ["EmbeddedChatClient", "GenerationStats", "open_embedded_client"]

logger = logging.getLogger(__name__)

#: The end of the last complete sentence (with its citation markers), for answers cut at
#: ``max_tokens``: a half sentence must not reach the reader.
#: Fixed sampling seed: the same question and sources give the same answer (tests, evaluation).
SEED = 7
#: Without it the 1.5B model wrote one Arabic sentence 9 times, until max_tokens; with 1.1 it
#: stopped by itself (the validator still refuses answers that repeat a sentence).
REPEAT_PENALTY = 1.1
_SENTENCE_END = re.compile(r"[.!?؟。](?:\s*\[\d+\])*(?=\s|$)")


@dataclass(frozen=True, slots=True)
class GenerationStats:
    """What one ``complete()`` call cost, from llama.cpp's own counters."""

    queue_s: float
    #: Prompt tokens evaluated (the cached common prefix with the previous prompt excluded).
    prompt_tokens: int
    prompt_s: float
    completion_tokens: int
    generation_s: float
    #: From the call (after the lock) to the first text of the reply.
    first_token_s: float
    total_s: float
    finish_reason: str

    @property
    def prompt_tokens_per_s(self) -> float:
        return self.prompt_tokens / self.prompt_s if self.prompt_s > 0 else 0.0

    @property
    def generation_tokens_per_s(self) -> float:
        return self.completion_tokens / self.generation_s if self.generation_s > 0 else 0.0


def _import_llama_cpp() -> ModuleType:
    # llama.cpp's OpenMP threads spin-wait at every graph node by default. On a 2-core machine
    # with anything else running, spinning threads starve each other: 1–4 tokens/s instead of
    # 12.8 with passive waiting (measured). libgomp reads this once, when llama_cpp loads it.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        return importlib.import_module("llama_cpp")
    except ImportError as exc:
        raise EmbeddedModelError(
            f"PERMANENCE_LLM_BACKEND=embedded needs llama-cpp-python, which is not installed "
            f"({exc}); {INSTALL_HINT}"
        ) from exc


def _trim_to_sentence(text: str) -> str:
    ends = list(_SENTENCE_END.finditer(text))
    return text[: ends[-1].end()] if ends else ""


class EmbeddedChatClient:
    """A GGUF model in-process; ``complete()`` and ``close()`` as :class:`ChatClient` has."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 4096,
        n_threads: int = 2,
        max_tokens: int = 256,
        timeout_s: float = 60.0,
        repeat_penalty: float = REPEAT_PENALTY,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError(f"timeout_s={timeout_s} must be positive")
        if max_tokens < 1:
            raise ValueError(f"max_tokens={max_tokens} must be at least 1")
        if not model_path.is_file():
            raise EmbeddedModelError(
                f"embedded LLM model file {model_path} does not exist; set "
                f"PERMANENCE_LLM_EMBEDDED_PATH to a GGUF file or unset it to use the packaged "
                f"model ({INSTALL_HINT})"
            )
        self._llama_cpp = _import_llama_cpp()
        self.model = model_path.name
        self._max_tokens = max_tokens
        self._repeat_penalty = repeat_penalty
        #: Seconds one ``complete()`` may take, lock wait included (read at each call).
        self.timeout_s = timeout_s
        self._lock = threading.Lock()
        self._deadline = math.inf
        self.last_stats: GenerationStats | None = None
        started = time.monotonic()
        try:
            self._llm: Any = self._llama_cpp.Llama(
                model_path=str(model_path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                seed=SEED,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise EmbeddedModelError(
                f"llama.cpp could not load {model_path}: {exc}; check that it is a GGUF file "
                f"(the packaged one is joined by `permanence` itself, {INSTALL_HINT})"
            ) from exc
        self.load_s = time.monotonic() - started
        # Kept on self: llama.cpp holds only the C pointer, the ctypes object must stay alive.
        self._abort_callback = self._llama_cpp.ggml_abort_callback(self._should_abort)
        self._no_callback = self._llama_cpp.ggml_abort_callback()  # a NULL function pointer
        logger.info(
            "embedded LLM %s loaded in %.1f s (n_ctx=%d, %d threads)",
            self.model,
            self.load_s,
            n_ctx,
            n_threads,
        )

    def _should_abort(self, _data: object) -> bool:
        """Called by llama.cpp after each graph node, from its compute thread."""
        return time.monotonic() > self._deadline

    def _watch_deadline_in_llama(self, on: bool) -> None:
        callback = self._abort_callback if on else self._no_callback
        self._llama_cpp.llama_set_abort_callback(self._llm.ctx, callback, None)

    def close(self) -> None:
        with self._lock:
            llm, self._llm = self._llm, None
            if llm is not None:
                llm.close()

    def complete(
        self, messages: Sequence[dict[str, str]], *, max_tokens: int = 600, temperature: float = 0.1
    ) -> str:
        """The model's reply, cut to its last complete sentence if ``max_tokens`` ended it.

        Raises:
            LLMError: on timeout (the lock wait included), a prompt longer than the context,
                an engine failure, or an empty reply.
        """
        called = time.monotonic()
        deadline = called + self.timeout_s
        if not self._lock.acquire(timeout=self.timeout_s):
            raise LLMError(f"embedded LLM busy for {self.timeout_s:.0f} s; request dropped")
        try:
            if self._llm is None:
                raise LLMError("embedded LLM is closed")
            self._deadline = deadline
            return self._generate(messages, min(max_tokens, self._max_tokens), temperature, called)
        finally:
            self._deadline = math.inf
            self._lock.release()

    def _generate(
        self,
        messages: Sequence[dict[str, str]],
        max_tokens: int,
        temperature: float,
        called: float,
    ) -> str:
        started = time.monotonic()
        # Settle the counters of an aborted decode before zeroing them (they are added lazily).
        self._llama_cpp.llama_synchronize(self._llm.ctx)
        self._llama_cpp.llama_perf_context_reset(self._llm.ctx)
        pieces: list[str] = []
        first_token_s = 0.0
        finish_reason = "stop"
        stream: Iterator[dict[str, Any]] | None = None
        self._watch_deadline_in_llama(True)
        try:
            stream = self._llm.create_chat_completion(
                messages=list(messages),
                max_tokens=max_tokens,
                temperature=temperature,
                repeat_penalty=self._repeat_penalty,
                stream=True,
            )
            for chunk in stream:
                # The prompt is evaluated: from here on the deadline is checked per token.
                self._watch_deadline_in_llama(False)
                choice = chunk["choices"][0]
                text = choice["delta"].get("content")
                if text:
                    if not pieces:
                        first_token_s = time.monotonic() - started
                    pieces.append(text)
                finish_reason = choice.get("finish_reason") or finish_reason
                if time.monotonic() > self._deadline:
                    raise TimeoutError
        except (TimeoutError, RuntimeError) as exc:
            if isinstance(exc, RuntimeError):
                # An aborted decode leaves the cache half-written: the next prompt starts at 0.
                self._llm.reset()
            if time.monotonic() > self._deadline:
                raise LLMError(
                    f"embedded LLM timed out after {time.monotonic() - called:.1f} s "
                    f"(PERMANENCE_LLM_EMBEDDED_TIMEOUT_S={self.timeout_s:g})"
                ) from exc
            raise LLMError(f"embedded LLM failed: {exc}") from exc
        except ValueError as exc:  # the prompt does not fit in n_ctx
            raise LLMError(f"embedded LLM refused the prompt: {exc}") from exc
        finally:
            if stream is not None and hasattr(stream, "close"):
                stream.close()
            self._watch_deadline_in_llama(False)
        ended = time.monotonic()
        perf = self._llama_cpp.llama_perf_context(self._llm.ctx)
        self.last_stats = GenerationStats(
            queue_s=started - called,
            prompt_tokens=int(perf.n_p_eval),
            prompt_s=float(perf.t_p_eval_ms) / 1000,
            completion_tokens=int(perf.n_eval),
            generation_s=float(perf.t_eval_ms) / 1000,
            first_token_s=first_token_s,
            total_s=ended - started,
            finish_reason=finish_reason,
        )
        logger.info(
            "embedded LLM: %d prompt tokens in %.1f s, %d tokens in %.1f s, first text at %.1f s",
            self.last_stats.prompt_tokens,
            self.last_stats.prompt_s,
            self.last_stats.completion_tokens,
            self.last_stats.generation_s,
            first_token_s,
        )
        text = "".join(pieces).strip()
        if finish_reason == "length":
            text = _trim_to_sentence(text)
        if not text:
            raise LLMError(f"embedded LLM gave no usable text (finish_reason={finish_reason})")
        return text


def open_embedded_client(settings: LLMSettings, *, models_dir: Path) -> EmbeddedChatClient:
    """Load the configured GGUF model (joining the packaged parts into ``models_dir`` once).

    Raises:
        EmbeddedModelError: when llama-cpp-python or the weights are missing or unloadable.
    """
    _import_llama_cpp()  # say what to install before spending a minute joining 1.1 GB
    path = settings.embedded_path or ensure_gguf_model(models_dir / GGUF_NAME)
    return EmbeddedChatClient(
        path,
        n_ctx=settings.embedded_ctx,
        n_threads=settings.embedded_threads,
        max_tokens=settings.embedded_max_tokens,
        timeout_s=settings.embedded_timeout_s,
    )
