"""Distributed ingest on a real local Ray cluster (issue 13, item 5): a head and a worker node
started as separate processes on loopback, torn down after. The index it builds is the one a
local ingest builds: same documents, passages and row ids, vectors equal to float tolerance, same
answers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import ABSTRACTS, FIXTURES, PDF_DIR, PDF_MANIFEST, PUBMED, free_port

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray", reason="Ray is installed by `make install` (extra 'distributed')")

RAY = str(Path(sys.executable).with_name("ray"))
# token authentication, with a token of this test's own, for every node and the driver
ENV = {
    **os.environ,
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_AUTH_MODE": "token",
    "RAY_AUTH_TOKEN": secrets.token_hex(32),
}


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    port = free_port()
    address = f"127.0.0.1:{port}"
    head = [RAY, "start", "--head", f"--port={port}", "--node-ip-address=127.0.0.1", "--num-cpus=1"]
    subprocess.run([*head, "--include-dashboard=false", "--disable-usage-stats"], check=True, env=ENV,
                   capture_output=True)  # fmt: skip
    try:
        worker = [RAY, "start", f"--address={address}", "--node-ip-address=127.0.0.1", "--num-cpus=1"]
        subprocess.run(worker, check=True, env=ENV, capture_output=True)
        for _ in range(60):  # both nodes registered
            status = subprocess.run(
                [RAY, "status", f"--address={address}"], env=ENV, capture_output=True, text=True
            )
            if status.stdout.count(" node_") >= 2:
                break
            time.sleep(0.5)
        else:
            raise AssertionError(f"the worker node never joined: {status.stdout}{status.stderr}")
        yield address
    finally:
        subprocess.run([RAY, "stop", "--force"], env=ENV, capture_output=True)


def test_ray_ingest_builds_the_index_a_local_ingest_builds(cluster: str, tmp_path: Path) -> None:
    from rag.config import EngineOptions
    from rag.engine import Engine
    from rag.index.version import open_index

    paths = [str(ABSTRACTS), str(PUBMED), str(PDF_DIR), str(FIXTURES / "pmc" / "ohip_nl_18405359.nxml")]
    rag = [sys.executable, "-m", "rag.cli", "ingest", *paths, "--metadata", str(PDF_MANIFEST), "--quiet"]
    distributed, local = tmp_path / "ray", tmp_path / "local"
    run = subprocess.run(
        [*rag, "--index", str(distributed), "--ray", cluster, "--ray-segment-docs", "5"],
        env=ENV,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    run = subprocess.run([*rag, "--index", str(local)], env=ENV, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]

    a, b = open_index(distributed), open_index(local)
    assert a.store.doc_ids() == b.store.doc_ids() and len(a.store.doc_ids()) == 18
    # a segment per block of at least 5 documents (whole files): 10 abstracts, 6 PubMed records,
    # then the PDFs and the PMC article; the same passages, row ids and answers as one local write
    assert len(a.segments) == 3 and len(b.segments) == 1
    assert a.manifest.model == b.manifest.model and a.manifest.counts == b.manifest.counts
    for doc_id in a.store.doc_ids():
        pa, pb = a.store.passages_of(doc_id), b.store.passages_of(doc_id)
        assert [(p.row_id, p.passage.text) for p in pa] == [(p.row_id, p.passage.text) for p in pb]
        rows = [p.row_id for p in pa]
        assert np.abs(a.dense.vectors(rows) - b.dense.vectors(rows)).max() < 1e-4
    question = "What complications are related to deep venous thrombosis prophylaxis in trauma patients?"
    options = EngineOptions(query_cache=0, answer_cache=0)
    answers = [Engine(i, options).ask(question).answer for i in (distributed, local)]
    assert answers[0] == answers[1] and "[1]" in answers[0]


def test_an_unreachable_cluster_is_one_clear_line(tmp_path: Path) -> None:
    port = free_port()
    rag = [sys.executable, "-m", "rag.cli", "ingest", str(ABSTRACTS), "--index", str(tmp_path / "i")]
    run = subprocess.run(
        [*rag, "--ray", f"127.0.0.1:{port}"], env=ENV, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 2 and "cannot reach a Ray cluster" in run.stderr
    assert not (tmp_path / "i").exists() or not any((tmp_path / "i").glob("versions/v*"))
