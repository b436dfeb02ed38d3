"""The running service keeps answering while the index is re-ingested and switched, with no
restart, no failed request, and every request answered wholly from one version."""

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ABSTRACTS, PUBMED, start_server

from rag.index import layout
from rag.index.version import open_index

pytestmark = pytest.mark.slow
ENV = {**os.environ, "HF_HUB_OFFLINE": "1"}
RAG = [sys.executable, "-m", "rag.cli"]


def test_zero_failures_while_ingesting_and_switching(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    subprocess.run(
        [*RAG, "ingest", str(ABSTRACTS), "--index", str(index), "--model", "hashing-256", "--quiet"],
        env=ENV,
        check=True,
        capture_output=True,
    )
    first = layout.current_version(index)
    server, base = start_server(index)
    try:
        results: list[tuple[str, list[str]]] = []
        failures: list[str] = []
        stop = threading.Event()

        def fire() -> None:
            body = json.dumps({"query": "hyperbaric oxygen air embolism gluten", "k": 20}).encode()
            while not stop.is_set() and len(results) + len(failures) < 5000:  # bounded in count and time
                req = urllib.request.Request(
                    base + "/v1/search", data=body, headers={"content-type": "application/json"}
                )
                try:
                    with urllib.request.urlopen(req, timeout=30) as r:
                        data = json.loads(r.read())
                        results.append((data["index_version"], [h["doc_id"] for h in data["hits"]]))
                except (urllib.error.URLError, OSError, ValueError) as exc:
                    failures.append(repr(exc))

        threads = [threading.Thread(target=fire) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        subprocess.run(
            [*RAG, "ingest", str(PUBMED), "--index", str(index), "--quiet"],
            env=ENV,
            check=True,
            capture_output=True,
        )
        second = layout.current_version(index)
        time.sleep(1.5)
        subprocess.run([*RAG, "use", first, "--index", str(index)], env=ENV, check=True, capture_output=True)
        time.sleep(1.5)
        subprocess.run([*RAG, "use", second, "--index", str(index)], env=ENV, check=True, capture_output=True)
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        health = json.loads(urllib.request.urlopen(base + "/v1/health", timeout=5).read())
    finally:
        server.terminate()
        server.wait(timeout=20)

    assert failures == []
    assert len(results) > 20
    seen = {version for version, _ in results}
    assert {first, second} <= seen  # moved to the new version and back, without a restart
    assert health["index_version"] == second and health["documents"] == 16
    docs = {v: {d for d, _ in open_index(index, version=v).store.stored_hashes()} for v in seen}
    for version, hit_docs in results:  # each answer comes wholly from the version it names
        assert set(hit_docs) <= docs[version]
    assert any(set(h) - docs[first] for v, h in results if v == second)  # the new documents were served
