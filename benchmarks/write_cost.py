"""What small writes, search over many segments and compaction cost on a large index (issue 13).

On an index of ``--size`` documents, most of one passage (built like ``benchmarks/scale.py``: real
passages repeated with word dropout, vectors generated to the real model's distribution):

1. adding 1,000 new abstracts and deleting 1,000 documents (bytes written: this process's ``wchar``
   from ``/proc/self/io``; the new segment's size on disk), beside the time to embed the 1,000
   abstracts with the real model alone (generated vectors make a write's own embedding cost zero);
2. hybrid search latency (p50/p95 over ``--queries`` SciFact claims) with the segments of step 1,
   then after 18 more small writes (20 segments; automatic compaction off for the run), then after
   ``rag compact`` merged them, with compaction's throughput.

    python -m benchmarks.write_cost --data ../shared/data --fit-index indexes/eval/scifact-cb2bcb5ac048 \\
        --size 1000000

``--label before`` runs the part a version without segments supports (step 1) for a side-by-side
comparison from a checkout of that version.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.scale import GaussianEmbedder, real_passages, size_mb, synthetic
from rag.chunking import ChunkingParams
from rag.embed.embedder import SentenceTransformerEmbedder
from rag.index import layout
from rag.index.ingest import ingest, remove
from rag.index.options import WriteOptions
from rag.readers import ReadResult
from rag.types import Document, Section

N = 1000


def written_bytes() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def measured(write: Callable[[], object], index: Path) -> tuple[float, float, float]:
    """(seconds, MB written by this process, MB of the newest segment, or of the version without segments)."""
    before, t = written_bytes(), time.perf_counter()
    write()
    seconds = time.perf_counter() - t
    segments = index / "segments"
    newest = max(segments.iterdir(), key=lambda p: p.stat().st_mtime) if segments.is_dir() else None
    return seconds, (written_bytes() - before) / 1e6, size_mb(newest or layout.version_dir(index))


def latency(index: Path, embedder: object, queries: list[str]) -> tuple[float, float]:
    """p50 and p95 ms of hybrid search (k=10) over ``queries``, after one warm-up pass."""
    from rag.index.version import open_index
    from rag.retrieve.retrievers import make_retriever

    retriever = make_retriever(open_index(index), embedder, "hybrid")  # type: ignore[arg-type]
    for q in queries[:20]:
        retriever.search(q, 10)
    times = []
    for q in queries:
        t = time.perf_counter()
        retriever.search(q, 10)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.percentile(times, 50)), float(np.percentile(times, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with scifact/corpus.jsonl")
    parser.add_argument("--fit-index", type=Path, action="append", required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--label", default="segmented index")
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-write-cost"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ["RAG_COMPACT_SEGMENTS"] = "0"  # this run compacts when it says so

    texts, real, model = real_passages(args.fit_index)
    work = args.work / args.label.replace(" ", "-")
    index = work / f"index-{args.size}"
    shutil.rmtree(work, ignore_errors=True)
    fake = GaussianEmbedder(model, real)
    t = time.perf_counter()
    ingest(synthetic(texts, args.size), index, fake, WriteOptions(progress=True))
    build = time.perf_counter() - t
    manifest = json.loads((layout.version_dir(index) / "manifest.json").read_text())
    passages, chunking = manifest["counts"]["passages"], ChunkingParams(**manifest["chunking"])

    records = [json.loads(line) for line in (args.data / "scifact" / "corpus.jsonl").open()]
    new = [
        Document(doc_id=f"new-{r['_id']}", title=r["title"], sections=(Section(r["text"]),))
        for r in records[:N]
    ]
    add = measured(lambda: ingest([ReadResult("new", tuple(new))], index, fake), index)
    doomed = [f"s{i}" for i in range(0, args.size, max(1, args.size // N))][:N]
    delete = measured(lambda: remove(doomed, index, fake, WriteOptions(chunking=chunking)), index)
    embedder = SentenceTransformerEmbedder(model)
    embedder.embed(["warm-up"])
    t = time.perf_counter()
    from rag.index.distributed import texts_to_embed  # every text a write embeds for a document

    embedder.embed([text for doc in new for text in texts_to_embed(doc, chunking)])
    embed_seconds = time.perf_counter() - t
    rows = [
        [f"add {N} abstracts (vectors given)", f"{add[0]:.1f}", f"{add[1]:,.0f}", f"{add[2]:,.1f}"],
        [f"delete {N} documents", f"{delete[0]:.1f}", f"{delete[1]:,.0f}", "—"],
        [f"embed the {N} abstracts (real model, alone)", f"{embed_seconds:.1f}", "—", "—"],
    ]
    notes = (
        f"Index built in {build / 60:.1f} min like benchmarks/scale.py (real passages repeated, generated "
        "vectors). Last column: the new segment (segmented index) or the new version (before)."
    )
    if (index / "segments").is_dir():
        rows += segment_rows(index, fake, records, args.queries)
        notes += " Search: hybrid, k=10, p50/p95 over SciFact claims as queries."
    append_result(
        f"Write cost on an index of {args.size:,} documents ({passages:,} passages): {args.label}",
        markdown_table(["write", "seconds", "MB written", "MB of the new segment"], rows),
        notes=notes,
    )


def segment_rows(index: Path, fake: object, records: list[dict], n_queries: int) -> list[list[str]]:
    from rag.index.compact import compact

    queries = [r["title"] for r in records[N : N + n_queries]]
    rows = []
    p50, p95 = latency(index, fake, queries)
    rows.append(["search, 2 segments + deletion marks", f"p50 {p50:.1f} ms", f"p95 {p95:.1f} ms", "—"])
    extra = records[N + n_queries :]
    for w in range(18):  # 20 segments: the base, the 1,000 added, and 18 writes of 50 abstracts
        batch = extra[w * 50 : (w + 1) * 50]
        docs = tuple(
            Document(doc_id=f"w{w}-{r['_id']}", title=r["title"], sections=(Section(r["text"]),))
            for r in batch
        )
        ingest([ReadResult(f"w{w}", docs)], index, fake)  # type: ignore[arg-type]
    p50_20, p95_20 = latency(index, fake, queries)
    rows.append(["search, 20 segments + deletion marks", f"p50 {p50_20:.1f} ms", f"p95 {p95_20:.1f} ms", "—"])
    before, t = written_bytes(), time.perf_counter()
    result = compact(index)
    seconds = time.perf_counter() - t
    assert result is not None
    rows.append(
        [
            f"compact 20 segments ({result.passages:,} passages, {result.dropped_documents} deleted dropped)",
            f"{seconds:.1f} ({result.passages / seconds:,.0f} passages/s)",
            f"{(written_bytes() - before) / 1e6:,.0f}",
            f"{size_mb(index / 'segments' / result.segment):,.1f}",
        ]
    )
    p50_1, p95_1 = latency(index, fake, queries)
    rows.append(["search, compacted (1 segment)", f"p50 {p50_1:.1f} ms", f"p95 {p95_1:.1f} ms", "—"])
    rows.append(["p95 with 20 segments ÷ p95 compacted", f"{p95_20 / p95_1:.2f}×", "—", "—"])
    return rows


if __name__ == "__main__":
    main()
