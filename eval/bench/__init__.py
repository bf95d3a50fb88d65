"""``make bench``: every performance figure of the issues, measured in one run.

Run with ``python -m eval.bench --out DIR [--quick]``; see docs/evaluation.md, "Benchmarks".
"""

from __future__ import annotations

from eval.bench.run import BenchConfig, run_bench

__all__ = ["BenchConfig", "run_bench"]
