"""What every benchmark shares: running ``rag`` commands, tables, and appending to BENCHMARKS.md.

Benchmarks are a package, run from the repository root as ``python -m benchmarks.NAME --data ...``.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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
    module = getattr(sys.modules["__main__"].__spec__, "name", None)
    argv = ["-m", module, *sys.argv[1:]] if module else sys.argv
    command = " ".join(shlex.quote(a) for a in ["python", *argv])
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


def rag_command(*args: str) -> list[str]:
    """The command line of ``rag ARGS...`` run by this interpreter."""
    return [sys.executable, "-m", "rag.cli", *args]


def run_eval(kind: str, data: Path, *options: str, report: str = "report.json") -> dict:
    """Run ``rag eval KIND --data DATA OPTIONS`` in a child process; its ``report`` file as a dict,
    with the run's output folder under ``"out"``."""
    out = Path(tempfile.mkdtemp(prefix=f"eval-{kind}-"))
    cmd = rag_command("eval", kind, "--data", str(data), *options, "--out", str(out), "--quiet")
    subprocess.run(cmd, check=True)
    return {**json.loads((out / report).read_text()), "out": str(out)}


def run_eval_retrieval(data: Path, *options: str) -> dict:
    return run_eval("retrieval", data, *options)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(index: Path, code: Path | None = None, **env: str) -> Iterator[tuple[subprocess.Popen, str]]:
    """A real ``rag serve --index INDEX`` on a free loopback port (extra ``RAG_*`` settings in
    ``env``), yielded once ``/v1/health`` answers 200; stopped afterwards. ``code``: a checkout whose
    ``rag`` serves (first on the path, and the working directory ``python -m`` looks in first)."""
    port = free_port()
    paths = {"PYTHONPATH": str(code)} if code is not None else {}
    server = subprocess.Popen(
        rag_command("serve", "--index", str(index.resolve()), "--port", str(port)),
        env={**os.environ, "HF_HUB_OFFLINE": "1", **paths, **env},
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 600
        while True:
            try:
                urllib.request.urlopen(base + "/v1/health", timeout=2).close()
                break
            except OSError as exc:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"rag serve --index {index} did not become healthy: {exc}") from exc
                time.sleep(0.2)
        yield server, base
    finally:
        server.terminate()
        server.wait(timeout=30)
