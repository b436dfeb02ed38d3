"""One ingestion in a child process, under a wall-time and a memory limit.

The content API runs its jobs here so that a hostile or huge file fails its own job and nothing
else: the child reads, chunks, embeds with its own embedder and publishes a version; the parent
waits at most ``Limits.timeout_s`` and the child's address space is capped at
``Limits.memory_mb``. Killing the child is safe: a version is built in a temporary folder and
published by a rename, the writer lock is an ``flock`` the kernel releases, and the next writer
removes the dead child's temporary folder.

The child is ``python -m rag.index.isolated``: a JSON job spec on stdin, the report as one JSON line
on stdout, exit ``BUSY_EXIT`` when another writer holds the index, 1 with the reason as the last
line of stderr for any other failure.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from rag.config import JOB_MEMORY_MB, JOB_TIMEOUT_S
from rag.errors import IngestAborted, RagError, WriterBusy
from rag.index.ingest import IngestReport
from rag.index.layout import current_version
from rag.index.options import WriteOptions

PR_SET_PDEATHSIG = 1  # prctl(2)
BUSY_EXIT = 75  # EX_TEMPFAIL: another writer holds the index; the caller may retry


@dataclass(frozen=True)
class Limits:
    """How long and how much memory one isolated ingestion may take (0: no limit)."""

    timeout_s: float = JOB_TIMEOUT_S
    memory_mb: int = JOB_MEMORY_MB  # address space, not resident memory: models reserve more than they touch


def ingest_isolated(
    paths: list[Path],
    index_dir: Path,
    *,
    model: str,
    metadata: Path | None = None,
    options: WriteOptions = WriteOptions(),
    batch_size: int = 32,
    limits: Limits = Limits(),
) -> IngestReport:
    """``rag.index.ingest.ingest(read_paths(paths, metadata), ...)`` in a child process.

    Raises ``WriterBusy`` when another writer holds the index, ``IngestAborted`` when the child hit a
    limit or crashed (the live version is then untouched)."""
    spec = {
        "paths": [str(p) for p in paths],
        "metadata": str(metadata) if metadata else None,
        "index": str(index_dir),
        "model": model,
        "options": replace(options, progress=False).to_dict(),  # the child writes no bars
        "batch_size": batch_size,
        "memory_mb": limits.memory_mb,
    }
    env = {**os.environ, "TQDM_DISABLE": "1", "PYTHONUNBUFFERED": "1"}
    live = current_version(index_dir)
    child = subprocess.Popen(
        [sys.executable, "-m", "rag.index.isolated"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # a kill reaches the child's own children too
    )
    try:
        out, err = child.communicate(json.dumps(spec), timeout=limits.timeout_s or None)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise IngestAborted(
            f"the ingestion took longer than its limit of {limits.timeout_s:g} s and was stopped; "
            f"{_published(index_dir, live)}. Send fewer or smaller files, or raise RAG_JOB_TIMEOUT_S"
        ) from None
    except BaseException:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        raise
    reason = _last_line(err)
    if child.returncode == BUSY_EXIT:
        raise WriterBusy(reason or "another process is writing to the index; retry when it has finished")
    if child.returncode != 0:
        raise IngestAborted(f"{_failure(child.returncode, reason, limits)}; {_published(index_dir, live)}")
    return IngestReport(**json.loads(_last_line(out)))


def _published(index_dir: Path, before: str | None) -> str:
    """What the stopped child left live (it may have published just before it was stopped)."""
    now = current_version(index_dir)
    return "nothing was published" if now == before else f"it had already published version {now}"


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _failure(returncode: int, reason: str, limits: Limits) -> str:
    limit = f"its {limits.memory_mb} MB memory limit (RAG_JOB_MEMORY_MB)" if limits.memory_mb else "memory"
    if reason.startswith("MemoryError"):
        return f"the ingestion ran out of {limit} (send fewer or smaller files)"
    hint = f" (if {limit} is too low, raise it)" if limits.memory_mb else ""
    if returncode < 0:
        return f"the ingestion process was killed by signal {-returncode}{hint}"
    return f"the ingestion failed: {reason or f'exit {returncode}'}{hint}"


def _die_with_parent() -> None:
    """Ask Linux to kill this process when the service that started it dies (kill -9 included), so an
    orphan never goes on writing to an index whose job was already reported failed."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the job is still failed at the next start
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _child() -> int:
    """The child's side: tie its life to the parent's, limit memory, then read, chunk, embed and
    publish."""
    _die_with_parent()
    spec = json.loads(sys.stdin.read())
    if spec["memory_mb"]:
        cap = spec["memory_mb"] * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from rag.embed import make_embedder
    from rag.index.ingest import ingest
    from rag.readers import read_paths

    metadata = Path(spec["metadata"]) if spec["metadata"] else None
    try:
        report = ingest(
            read_paths([Path(p) for p in spec["paths"]], metadata),
            Path(spec["index"]),
            make_embedder(spec["model"], batch_size=spec["batch_size"]),
            WriteOptions.from_dict(spec["options"]),
        )
    except WriterBusy as exc:
        print(exc, file=sys.stderr)
        return BUSY_EXIT
    except MemoryError:
        print("MemoryError: out of memory", file=sys.stderr)
        return 1
    except RagError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(_child())
