"""The layering the README promises, checked on every test run (`make check` runs it too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from permanence.settings import PROJECT_ROOT

pytestmark = pytest.mark.unit


def test_layers_import_downward_and_nothing_imports_the_tests() -> None:
    """import-linter contracts of pyproject.toml: eval > assistant_api > index > ingest >
    permanence, and no product module imports ``tests``."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is part of the dev extra"
    done = subprocess.run(
        [command, "--no-cache"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout
