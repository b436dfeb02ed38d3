"""kill -9 a real `rag ingest` subprocess at several moments; the live index must stay whole, and
the re-run must complete without re-embedding the batches finished before the kill."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from rag.index import layout
from rag.index.version import open_index

ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}


def consistent(index_dir: Path) -> int:
    index = open_index(index_dir)
    ids = set(index.store.row_ids())
    assert set(index.dense.ids()) == ids
    assert set(np.asarray(index.lexical.row_ids).tolist()) == ids
    return int(index.manifest.counts["documents"])


WORDS = "aspirin heparin embolism trauma stroke oxygen sepsis fracture insulin asthma".split()  # noqa: SIM905


def write_corpus(path: Path, n: int, prefix: str) -> None:
    with path.open("w") as fh:
        for i in range(n):
            body = " ".join(
                f"Sentence {j} of study {prefix}{i} reports {WORDS[(i + j) % 10]} outcomes in {j + 3} cases."
                for j in range(12)
            )
            row = {"_id": f"{prefix}{i}", "title": f"Study {i} of {WORDS[i % 10]}", "text": body}
            fh.write(json.dumps(row) + "\n")


def ingest_cmd(corpus: Path, index: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "rag.cli",
        "ingest",
        str(corpus),
        "--index",
        str(index),
        "--model",
        "hashing-256",
        "--quiet",
        "--json",
    ]


def logged(index: Path) -> int:
    """Vectors in the resume log so far (0 while there is none)."""
    path = index / "resume.sqlite"
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM vectors").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_when(proc: subprocess.Popen, ready) -> None:  # type: ignore[no-untyped-def]
    """Freeze the writer (SIGSTOP) the moment ``ready()`` holds, then kill -9 it."""
    deadline = time.time() + 120
    while not ready() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.002)
    proc.send_signal(signal.SIGSTOP)
    assert proc.poll() is None, "the ingest finished before the kill point; the test corpus is too small"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_kill_9_during_ingest_never_corrupts_and_resumes(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    base = tmp_path / "base.jsonl"
    write_corpus(base, 50, "b")
    assert subprocess.run(ingest_cmd(base, index), env=ENV, capture_output=True).returncode == 0
    live_before = layout.current_version(index)
    big = tmp_path / "big.jsonl"
    write_corpus(big, 3000, "n")
    tmp_builds = index / layout.VERSIONS
    tmp_segments = index / layout.SEGMENTS
    points = [
        lambda: any(tmp_segments.glob(".tmp-*")),  # the build has started, nothing embedded yet
        lambda: logged(index) >= 1000,  # some batches embedded
        lambda: logged(index) >= 4000,  # most batches embedded
    ]
    for ready in points:
        proc = subprocess.Popen(
            ingest_cmd(big, index), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        kill_when(proc, ready)
        # every kill point is before publishing (the last at about two thirds of the embedding): the
        # live version is the one from before, whole (store, FAISS and BM25 agree)
        assert (layout.current_version(index), consistent(index)) == (live_before, 50)
    embedded_before = logged(index)
    assert embedded_before >= 4000
    r = subprocess.run(ingest_cmd(big, index), env=ENV, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert consistent(index) == 3050
    assert not list(tmp_builds.glob(".tmp-*")) and not (index / "resume.sqlite").exists()
    assert not list(tmp_segments.glob(".tmp-*"))  # the killed builds' segments were cleared
    total = (
        open_index(index).manifest.counts["passages"]
        - open_index(index, version=live_before).manifest.counts["passages"]
    )
    assert report["added"] == 3000 and total > embedded_before
    assert report["passages_embedded"] == total - embedded_before  # finished batches not re-embedded
