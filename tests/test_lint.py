"""Style, types and layering are part of the suite: ruff (lint + format), mypy and import-linter's
contracts (the layers of ARCHITECTURE.md), as configured in pyproject.toml."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "cmd",
    [
        ["ruff", "check", "rag", "api", "tests", "benchmarks", "security"],
        ["ruff", "format", "--check", "rag", "api", "tests", "benchmarks", "security"],
        ["mypy", "-p", "rag", "-p", "api"],
        ["lint-imports"],
    ],
    ids=["ruff-check", "ruff-format", "mypy", "import-layers"],
)
def test_static_checks(cmd: list[str]) -> None:
    exe = BIN / cmd[0]
    assert exe.exists(), f"{cmd[0]} is not installed: `make test` installs it (pip install -e '.[dev]')"
    r = subprocess.run([str(exe), *cmd[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
