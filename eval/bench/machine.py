"""The machine a bench ran on and how busy it was, recorded beside the figures.

Figures from a shared VM only mean something with the CPU, the cores, the memory, the commit
and the load average next to them (the README renders them; a busy machine explains a slow
figure). Kept out of the driver so that ``run.py`` is only the order of the sections.
"""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from permanence.settings import PROJECT_ROOT

__all__ = ["bench_environment", "commit", "cpu_model", "memory_gib"]


def cpu_model() -> str:
    """The CPU's marketing name from /proc/cpuinfo (Linux), else the platform's guess."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def commit() -> str | None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        return done.stdout.strip() or None
    return None


def bench_environment(embed_models: str, mode: str) -> dict[str, object]:
    """Date, commit, machine and load at the start: what a reader needs to weigh the figures."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "commit": commit(),
        "machine": platform.machine(),
        "cpu_model": cpu_model(),
        "system": f"{platform.system()} {platform.release()}",
        "cpus": os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "embed_models": embed_models,
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
    }
