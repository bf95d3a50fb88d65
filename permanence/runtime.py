"""Process start-up that must happen before any model library is imported.

PyTorch and the OpenMP engines (llama.cpp) spin their thread pools at 100 % on a 2-core machine
unless told otherwise (486 ms instead of 23 ms a query, measured in
../shared/docs/offline-models.md), and any Hugging Face loader must never try the network.
Entry points call :func:`configure_process` first thing; it only sets variables that the
operator has not set.
"""

from __future__ import annotations

import os

__all__ = ["configure_process"]

_DEFAULTS = {
    "OMP_NUM_THREADS": "1",
    "OMP_WAIT_POLICY": "PASSIVE",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "RAGAS_DO_NOT_TRACK": "true",
    "TOKENIZERS_PARALLELISM": "false",
}


def configure_process() -> None:
    """Apply the offline and threading defaults, keeping any value already set."""
    for name, value in _DEFAULTS.items():
        os.environ.setdefault(name, value)
