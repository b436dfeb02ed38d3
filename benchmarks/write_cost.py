"""What one small write costs on a large index today (issue 13's baseline for the segmented index).

On an index of ``--size`` documents, most of one passage (built like ``benchmarks/scale.py``: real
passages repeated with word dropout, vectors generated to the real model's distribution), three
writes are timed:
adding 1,000 new abstracts, deleting 1,000 documents, and (for the embedding share) embedding the
1,000 abstracts with the real model alone. Bytes written: the ``wchar`` of this process during the
write (``/proc/self/io``) and the size of the new version. Generated vectors make the writes'
embedding cost zero, so their time is the write's own cost (copying the live version, rebuilding
BM25, saving FAISS).

    python -m benchmarks.write_cost --data ../shared/data --fit-index indexes/eval/scifact-cb2bcb5ac048 \\
        --size 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks._common import append_result, markdown_table
from benchmarks.scale import GaussianEmbedder, real_passages, size_mb, synthetic
from rag.chunking import ChunkingParams
from rag.embed.embedder import SentenceTransformerEmbedder
from rag.index import layout
from rag.index.ingest import ingest, remove
from rag.readers import ReadResult
from rag.types import Document, Section

N = 1000


def written_bytes() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def measured(write: Callable[[], object], index: Path) -> tuple[float, float, float]:
    """(seconds, MB written by this process, MB of the version it published)."""
    before, t = written_bytes(), time.perf_counter()
    write()
    seconds = time.perf_counter() - t
    return seconds, (written_bytes() - before) / 1e6, size_mb(layout.version_dir(index))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with scifact/corpus.jsonl")
    parser.add_argument("--fit-index", type=Path, action="append", required=True)
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rag-write-cost"))
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    texts, real, model = real_passages(args.fit_index)
    index = args.work / f"index-{args.size}"
    shutil.rmtree(args.work, ignore_errors=True)
    fake = GaussianEmbedder(model, real)
    t = time.perf_counter()
    ingest(synthetic(texts, args.size), index, fake, progress=True)
    build = time.perf_counter() - t
    passages = json.loads((layout.version_dir(index) / "manifest.json").read_text())["counts"]["passages"]
    chunking = ChunkingParams(
        **json.loads((layout.version_dir(index) / "manifest.json").read_text())["chunking"]
    )

    records = [json.loads(line) for line in (args.data / "scifact" / "corpus.jsonl").open()][:N]
    new = [
        Document(doc_id=f"new-{r['_id']}", title=r["title"], sections=(Section(r["text"]),)) for r in records
    ]
    add = measured(lambda: ingest([ReadResult("new", tuple(new))], index, fake, progress=False), index)
    doomed = [f"s{i}" for i in range(0, args.size, max(1, args.size // N))][:N]
    delete = measured(lambda: remove(doomed, index, fake, chunking=chunking), index)
    embedder = SentenceTransformerEmbedder(model)
    embedder.embed(["warm-up"])
    t = time.perf_counter()
    from rag.index.distributed import texts_to_embed  # every text a write embeds for a document

    embedder.embed([text for doc in new for text in texts_to_embed(doc, chunking)])
    embed_seconds = time.perf_counter() - t
    rows = [
        [f"add {N} abstracts (vectors given)", f"{add[0]:.1f}", f"{add[1]:,.0f}", f"{add[2]:,.0f}"],
        [f"delete {N} documents", f"{delete[0]:.1f}", f"{delete[1]:,.0f}", f"{delete[2]:,.0f}"],
        [f"embed the {N} abstracts (real model, alone)", f"{embed_seconds:.1f}", "—", "—"],
    ]
    append_result(
        f"Write cost on an index of {args.size:,} documents ({passages:,} passages) today "
        "(issue 13 baseline)",
        markdown_table(["write", "seconds", "MB written", "MB of the new version"], rows),
        notes=(
            f"Index built in {build / 60:.1f} min like benchmarks/scale.py (real passages repeated, "
            "generated vectors). Each write copies the live version (SQLite backup, FAISS load and save) "
            "and rebuilds BM25 from every passage; the segmented index of issue 13 is to make a write "
            "cost what it changes."
        ),
    )


if __name__ == "__main__":
    main()
