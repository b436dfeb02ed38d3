"""Shared helpers for benchmark scripts: machine description and appending to BENCHMARKS.md."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from rag.eval.machine import machine

ROOT = Path(__file__).resolve().parent.parent


def markdown_table(headers: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def append_result(title: str, table: str, notes: str = "") -> None:
    """Print the table and append it, with command, machine and date, to BENCHMARKS.md."""
    command = " ".join(shlex.quote(a) for a in ["python", *sys.argv])
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = f"\n## {title}\n\n- command: `{command}`\n- machine: {machine()}\n- date: {when}\n\n{table}\n"
    if notes:
        block += f"\n{notes}\n"
    print(block)
    path = ROOT / "BENCHMARKS.md"
    if not path.exists():
        path.write_text("# Benchmarks\n\nEvery entry is appended by a script in `benchmarks/`.\n")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(block)


def run_eval_retrieval(data: Path, *options: str) -> dict:
    """Run ``rag eval retrieval --data DATA OPTIONS`` in a child process; its report.json as a dict."""
    out = Path(tempfile.mkdtemp(prefix="eval-"))
    cmd = [sys.executable, "-m", "rag.cli", "eval", "retrieval", "--data", str(data)]
    subprocess.run([*cmd, *options, "--out", str(out), "--quiet"], check=True)
    return dict(json.loads((out / "report.json").read_text()))
