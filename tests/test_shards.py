"""Serving beyond one machine (issue 13, item 6): two shards behind the router give the top-10 of one
index over all the documents, BM25 scores included (collection-wide statistics)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error

import pytest
from conftest import ABSTRACTS, PDF_DIR, PDF_MANIFEST, PUBMED, free_port

from rag.index.ingest import ingest
from rag.index.version import open_index
from rag.readers import read_paths
from rag.retrieve.retrievers import make_retriever
from rag.retrieve.shards import LocalShard, RemoteShard, ShardRouter

pytestmark = pytest.mark.slow

QUERIES = [
    "complications of deep venous thrombosis prophylaxis in trauma patients",
    "how is venous air embolism treated",
    "heparin induced thrombocytopenia bleeding",
    "cerebral arterial air embolism after CT-guided lung biopsy",
    "pulmonary nodule localization with a hook wire",
]


@pytest.fixture(scope="module")
def indexes(tmp_path_factory, real_embedder):  # type: ignore[no-untyped-def]
    """With the real model: the hashing test embedder gives many exactly tied cosines, ordered by
    insertion, which no sharding can reproduce."""
    root = tmp_path_factory.mktemp("shards")
    everything = read_paths([ABSTRACTS, PUBMED, PDF_DIR], PDF_MANIFEST)
    ingest(everything, root / "one", real_embedder)
    ingest(read_paths([ABSTRACTS]), root / "a", real_embedder)
    ingest(read_paths([PUBMED, PDF_DIR], PDF_MANIFEST), root / "b", real_embedder)
    router = ShardRouter(
        [LocalShard(open_index(root / "a")), LocalShard(open_index(root / "b"))], real_embedder
    )
    return open_index(root / "one"), router, real_embedder


def _ids(hits):  # type: ignore[no-untyped-def]
    """Passage ids best first; exactly tied scores (same length and term counts) in id order."""
    ordered = sorted(hits, key=lambda h: (-round(h.score, 5), h.passage.passage_id))
    return [h.passage.passage_id for h in ordered]


@pytest.mark.parametrize("query", QUERIES)
def test_bm25_with_global_statistics_gives_the_scores_of_one_index(indexes, query) -> None:  # type: ignore[no-untyped-def]
    one, router, embedder = indexes
    single = make_retriever(one, embedder, "bm25").search(query, 10)
    sharded = router.bm25(query, 10)
    assert single and _ids(sharded) == _ids(single)
    assert max(abs(a.score - b.score) for a, b in zip(sharded, single, strict=True)) < 1e-5


@pytest.mark.parametrize("query", QUERIES)
def test_dense_and_hybrid_top_10_are_those_of_one_index(indexes, query) -> None:  # type: ignore[no-untyped-def]
    one, router, embedder = indexes
    assert _ids(router.dense(query, 10)) == _ids(make_retriever(one, embedder, "dense").search(query, 10))
    hybrid = make_retriever(one, embedder, "hybrid").search(query, 10)
    assert [h.passage.passage_id for h in router.hybrid(query, 10)] == [h.passage.passage_id for h in hybrid]


def test_without_global_statistics_the_shards_would_disagree(indexes) -> None:  # type: ignore[no-untyped-def]
    """The control: each shard's own BM25 (its local statistics) scores differently from one index."""
    one, router, embedder = indexes
    query = QUERIES[2]
    single = {h.passage.passage_id: h.score for h in make_retriever(one, embedder, "bm25").search(query, 50)}
    local = [h for s in router.shards for h in make_retriever(s.index, embedder, "bm25").search(query, 50)]
    assert (
        max(abs(h.score - single[h.passage.passage_id]) for h in local if h.passage.passage_id in single)
        > 1e-3
    )


def test_the_shards_hold_what_one_index_holds(indexes) -> None:  # type: ignore[no-untyped-def]
    one, router, _ = indexes
    assert sorted(d for s in router.shards for d in s.index.store.doc_ids()) == sorted(one.store.doc_ids())


def test_two_shard_servers_on_loopback_give_the_top_10_of_one_index(indexes) -> None:  # type: ignore[no-untyped-def]
    """Each shard in its own `rag serve-shard` process, the router talking to them over HTTP."""
    one, router, embedder = indexes
    servers, remotes = [], []
    env = {**os.environ, "RAG_API_KEY": "shard-key"}
    try:
        for local in router.shards:
            port = free_port()
            index_dir = local.index.path.parent.parent  # the index folder of the version
            cmd = [
                sys.executable,
                "-m",
                "rag.cli",
                "serve-shard",
                "--index",
                str(index_dir),
                "--port",
                str(port),
            ]
            servers.append(subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            remotes.append(RemoteShard(f"http://127.0.0.1:{port}", key="shard-key"))
            _wait_for(port, servers[-1])
        remote = ShardRouter(remotes, embedder)
        for query in QUERIES:
            single = make_retriever(one, embedder, "hybrid").search(query, 10)
            assert [h.passage_id for h in remote.hybrid(query, 10)] == [h.passage_id for h in single]
            assert remote.bm25(query, 10) == router.bm25(query, 10)  # whole hits, through JSON
        with pytest.raises(urllib.error.HTTPError) as refused:  # shards are internal: the key is needed
            RemoteShard(remotes[0].url).stats(["heparin"])
        assert refused.value.code == 401
    finally:
        for server in servers:
            server.kill()
            server.wait()


def _wait_for(port: int, server: subprocess.Popen) -> None:  # type: ignore[type-arg]
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(server.stderr.read().decode() if server.stderr else "the shard server died")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the shard server did not start")
