"""Scale test: indexes of 100k and 1M passages, FAISS Flat vs HNSW vs IVF-PQ, BM25 and SQLite.

Passages are real: the passages of existing indexes (``--fit-index``: SciFact, PubMedQA), repeated
with perturbation (each copy drops 15% of the words at random, so no two copies are equal and BM25
postings grow as they would). Embedding 1M passages with the model would take hours on this
machine, so passage and sentence vectors are *generated to the same distribution*: a Gaussian with
the mean and covariance of the real passage vectors of ``--fit-index``, L2-normalised. Queries are
real: the SciFact test claims, embedded by the real model. The index is built by the product's own
``ingest`` (store with sentence vectors, BM25, FAISS Flat); the other FAISS factories are built
from the same vectors (trained on them where needed). Gaussian vectors have less cluster structure
than real embeddings, which makes approximate search harder, so the recall figures are conservative.

Per size and factory: build time and size of each part, RSS, ``Engine.search`` (what ``/v1/search``
runs: query embedding + BM25 + FAISS + fusion + SQLite) p50/p95 in process, FAISS alone, and
recall@10 of the dense top 10 and of the hybrid top 10 against Flat.

    python -m benchmarks.scale --data ../shared/data --fit-index indexes/eval/scifact-load \\
        --fit-index indexes/eval/pubmedqa-beir-<key> --sizes 100000,1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from benchmarks._common import append_result, markdown_table
from rag.config import EngineOptions
from rag.embed.embedder import SentenceTransformerEmbedder
from rag.engine import Engine
from rag.index import layout
from rag.index.dense import DenseIndex
from rag.index.ingest import ingest
from rag.index.options import WriteOptions
from rag.index.segment import TERMS
from rag.index.version import open_index
from rag.readers import ReadResult
from rag.types import Document, Section


class GaussianEmbedder:
    """Vectors drawn from N(mean, cov) of real embeddings, normalised; ``name`` is the real model's."""

    def __init__(self, name: str, vectors: np.ndarray, seed: int = 0) -> None:
        self.name = name
        self.dimension = vectors.shape[1]
        self.mean = vectors.mean(axis=0)
        cov = np.cov(vectors, rowvar=False) + 1e-6 * np.eye(self.dimension)
        self.factor = np.linalg.cholesky(cov).T.astype(np.float32)
        self.rng = np.random.default_rng(seed)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        z = self.rng.standard_normal((len(texts), self.dimension), dtype=np.float32)
        x = z @ self.factor + self.mean
        return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def real_passages(indexes: list[Path]) -> tuple[list[str], np.ndarray, str]:
    texts, vectors, model = [], [], ""
    for directory in indexes:
        index = open_index(directory)
        model = index.manifest.model
        for row_ids, batch in index.store.iter_index_texts():
            texts += batch
            vectors.append(index.dense.vectors(row_ids))
        index.close()
    return texts, np.vstack(vectors), model


def synthetic(texts: list[str], n: int) -> Iterator[ReadResult]:
    rng = np.random.default_rng(1)
    words = [t.split() for t in texts]
    for i in range(n):
        copy, j = divmod(i, len(texts))
        w = words[j]
        keep = rng.random(len(w)) > 0.15
        text = " ".join(w) if copy == 0 else " ".join(x for x, k in zip(w, keep, strict=True) if k)
        doc = Document(doc_id=f"s{i}", title=f"Synthetic passage {i}", sections=(Section(text),))
        yield ReadResult(f"copy{copy}", (doc,))


def timed_search(engine: Engine, queries: list[str], dense_q: np.ndarray) -> dict[str, object]:
    index = engine.index
    faiss_ms, search_ms, dense_top, hybrid_top = [], [], [], []
    for q, v in zip(queries, dense_q, strict=True):
        t = time.perf_counter()
        _, ids = index.dense.search(v[None, :], 100)  # hybrid retrieval takes 100 candidates
        faiss_ms.append((time.perf_counter() - t) * 1000)
        dense_top.append(list(ids[0][:10]))
        t = time.perf_counter()
        hits = engine.search(q, k=10, mode="hybrid")
        search_ms.append((time.perf_counter() - t) * 1000)
        hybrid_top.append([h.passage_id for h in hits])
    return {"faiss": faiss_ms, "search": search_ms, "dense_top": dense_top, "hybrid_top": hybrid_top}


def pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1]


def recall(found: list[list], truth: list[list]) -> float:
    return float(np.mean([len(set(f) & set(t)) / max(len(t), 1) for f, t in zip(found, truth, strict=True)]))


def variant(ids: np.ndarray, vectors: np.ndarray, factory: str, path: Path) -> DenseIndex:
    """Built as the builder does (batches, trained when saved), saved, and loaded back."""
    dense = DenseIndex.create(vectors.shape[1], factory)
    for start in range(0, len(ids), 100_000):
        dense.add(list(ids[start : start + 100_000]), vectors[start : start + 100_000])
    dense.save(path)
    return DenseIndex.load(path, factory)


def recall_check(real: np.ndarray, model: str, dense_q: np.ndarray, specs: list[str], work: Path) -> None:
    """Recall@10 vs Flat of each factory on the real vectors and on as many generated ones: how much
    harder the generated vectors make approximate search."""
    generated = GaussianEmbedder(model, real).embed([""] * len(real))
    rows = []
    for name, vectors in (("real", real), ("generated", generated)):
        ids = np.arange(len(vectors), dtype=np.int64)
        truth = variant(ids, vectors, "Flat", work / "flat.faiss").search(dense_q, 10)[1]
        for spec in specs:
            factory, *settings = spec.split("|")
            dense = variant(ids, vectors, factory, work / "variant.faiss")
            for params in settings or [""]:
                dense.tune(params)
                found = dense.search(dense_q, 10)[1]
                rows.append([name, len(vectors), factory, params or "-",
                             f"{recall(found.tolist(), truth.tolist()):.3f}"])  # fmt: skip
                print(rows[-1], flush=True)
    append_result(
        "Scale: approximate-search recall on real vs generated vectors",
        markdown_table(["vectors", "n", "FAISS", "search params", "dense R@10 vs Flat"], rows),
        "Same size, same queries (SciFact test claims), HNSW at small efSearch (at this size larger "
        "values find everything). "
        "Shows how the Gaussian vectors of the scale test compare with real MiniLM vectors.",
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="folder with scifact/queries_test.jsonl")
    parser.add_argument("--fit-index", type=Path, action="append", required=True)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument(
        "--factories",
        default="HNSW32|efSearch=64|efSearch=128|efSearch=256;IVF4096,PQ48|nprobe=16|nprobe=64",
        help="factory|search params|search params..., separated by ';' (Flat is always measured)",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-scale"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="reuse an index built by an earlier run")
    parser.add_argument(
        "--recall-check", action="store_true", help="also compare recall on real and generated vectors"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    texts, real, model = real_passages(args.fit_index)
    print(f"{len(texts)} real passages to repeat; fitting vectors on {len(real)} real vectors of {model}")
    queries = [json.loads(line)["text"] for line in (args.data / "scifact" / "queries_test.jsonl").open()]
    queries = queries[: args.queries]
    real_model = SentenceTransformerEmbedder(model)
    dense_q = real_model.embed(queries)
    if args.recall_check:
        args.work.mkdir(parents=True, exist_ok=True)
        sweep = ["HNSW32|efSearch=10|efSearch=16|efSearch=32|efSearch=64"]
        recall_check(real, model, dense_q, sweep, args.work)
    rows = []
    for n in (int(s) for s in args.sizes.split(",") if s):
        directory = args.work / f"scale-{n}"
        build = None
        if not (args.reuse and layout.current_version(directory)):
            shutil.rmtree(directory, ignore_errors=True)
            t = time.perf_counter()
            ingest(synthetic(texts, n), directory, GaussianEmbedder(model, real), WriteOptions(progress=True))
            build = time.perf_counter() - t
        opened = open_index(directory)
        passages = opened.manifest.counts["passages"]
        [segment] = opened.segments  # one write: one segment
        version = segment.path
        store_mb, bm25_mb = size_mb(version / layout.STORE), size_mb(version / TERMS)
        engine = Engine(directory, EngineOptions(query_cache=0, answer_cache=0), embedder=real_model)
        base_rss = rss_mb()
        flat = engine.index.segments[0].dense
        ids, vectors = flat.items()
        truth = timed_search(engine, queries, dense_q)
        t = time.perf_counter()
        for q in queries:
            engine.index.lexical.search(q, 100)
        bm25_ms = (time.perf_counter() - t) / len(queries) * 1000
        built_in = "reused" if build is None else f"{build / 60:.1f}"
        common = [passages, built_in, f"{store_mb:.0f}", f"{bm25_mb:.0f}", f"{bm25_ms:.1f}"]
        rows.append(
            [*common, "Flat", "-", f"{size_mb(version / layout.DENSE):.0f}", f"{base_rss:.0f}"]
            + [f"{pct(truth['faiss'], 50):.1f}", f"{pct(truth['search'], 50):.1f}"]
            + [f"{pct(truth['search'], 95):.1f}", "1.000", "1.000", common[1]]
        )
        print(rows[-1], flush=True)
        for spec in args.factories.split(";"):
            factory, *settings = spec.split("|")
            path = args.work / "variant.faiss"
            t = time.perf_counter()
            dense = variant(ids, vectors, factory, path)
            built = time.perf_counter() - t
            engine.index.segments[0].dense = dense  # the variant stands in for the segment's FAISS index
            for params in settings or [""]:
                dense.tune(params)
                r = timed_search(engine, queries, dense_q)
                rows.append(
                    [*common, factory, params or "-", f"{path.stat().st_size / 1e6:.0f}", f"{rss_mb():.0f}"]
                    + [f"{pct(r['faiss'], 50):.1f}", f"{pct(r['search'], 50):.1f}"]
                    + [f"{pct(r['search'], 95):.1f}", f"{recall(r['dense_top'], truth['dense_top']):.3f}"]
                    + [f"{recall(r['hybrid_top'], truth['hybrid_top']):.3f}", f"{built / 60:.1f}"]
                )
                print(rows[-1], flush=True)
            engine.index.segments[0].dense = flat
            del dense
        engine.index.close()
    if not rows:
        return
    headers = [
        "passages", "ingest min", "SQLite MB", "BM25 MB", "BM25 ms", "FAISS", "search params", "FAISS MB",
        "RSS MB", "FAISS p50 ms", "search p50 ms", "search p95 ms", "dense R@10 vs Flat",
        "hybrid R@10 vs Flat", "FAISS build min",
    ]  # fmt: skip
    for row in rows:
        row += [""] * (len(headers) - len(row))
    append_result(
        "Scale: 100k and 1M passages",
        markdown_table(headers, rows),
        f"Real passage texts (from {', '.join(p.name for p in args.fit_index)}) repeated with 15% word "
        "dropout; passage and sentence vectors generated from a Gaussian fitted to the real MiniLM vectors "
        "(see the script's docstring); queries: the SciFact test claims embedded by the real model. "
        "'search' = Engine.search(hybrid, k=10), what /v1/search runs, in process and without the query "
        "cache (query embedding included). 'ingest min' covers the store with sentence vectors, BM25 and "
        "FAISS Flat (vector generation instead of the model). RSS: the benchmark process with the model "
        "and the index loaded.",
    )


if __name__ == "__main__":
    main()
