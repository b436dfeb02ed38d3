"""Embedding throughput per backend on SciFact abstracts (title + abstract), with quality checks.

For each backend: documents/s (each batch size, texts sorted by length as sentence-transformers
does), peak RSS of the process, mean cosine to torch fp32, and — with --ndcg — dense SciFact test
nDCG@10 with documents embedded whole (`rag eval retrieval --whole-documents --modes dense`).

    python -m benchmarks.embed_throughput --data ../shared/data/scifact [-n 1000] [--ndcg]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import append_result, markdown_table, run_eval_retrieval

MODEL = "packaged:all-MiniLM-L6-v2"
CHILD = """
import json, resource, sys, time
import numpy as np
from rag.embed.embedder import SentenceTransformerEmbedder
name, batch, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
docs = [json.loads(l) for l in open(path)][:n]
texts = [d["title"] + " " + d["text"] for d in docs]
emb = SentenceTransformerEmbedder(name, batch_size=batch)
emb.embed(texts[:32])
t = time.perf_counter()
v = emb.embed(texts)
dt = time.perf_counter() - t
np.save(sys.argv[5], v)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"docs_per_s": len(texts) / dt, "rss_mb": rss}))
"""


def run(name: str, batch: int, corpus: Path, n: int, out: Path) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", CHILD, name, str(batch), str(corpus), str(n), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(r.stdout.strip().splitlines()[-1])


def ndcg(data: Path, name: str) -> float:
    report = run_eval_retrieval(data, "--whole-documents", "--modes", "dense", "--model", name)
    return float(report["metrics"]["dense"]["ndcg@10"])


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("-n", type=int, default=1000, help="abstracts to embed")
    parser.add_argument("--batch", default="16,32,64", help="batch sizes")
    parser.add_argument("--backends", default="torch,onnx,onnx-int8,openvino,openvino-int8")
    parser.add_argument("--ndcg", action="store_true", help="also SciFact dense nDCG@10 per backend (slow)")
    args = parser.parse_args()
    corpus = args.data / "corpus.jsonl"
    tmp = Path(tempfile.mkdtemp())
    measured, ref = [], None
    for backend in args.backends.split(","):  # torch first: the reference
        name = MODEL if backend == "torch" else f"{MODEL}@{backend}"
        for i, batch in enumerate(int(b) for b in args.batch.split(",")):
            out = tmp / f"{backend}-{batch}.npy"
            m = run(name, batch, corpus, args.n, out)
            v = np.load(out)
            ref = v if ref is None else ref
            score = f"{ndcg(args.data, name):.4f}" if args.ndcg and i == 0 else ""
            measured.append((backend, batch, m, float(np.mean(np.sum(ref * v, axis=1))), score))
    base = max(m["docs_per_s"] for backend, _, m, _, _ in measured if backend == "torch")  # best torch fp32
    rows = [
        [
            backend,
            batch,
            f"{m['docs_per_s']:.1f}",
            f"{m['docs_per_s'] / base:.2f}×",
            f"{m['rss_mb']:.0f}",
            f"{cos:.4f}",
            score,
        ]
        for backend, batch, m, cos, score in measured
    ]
    table = markdown_table(
        ["backend", "batch", "docs/s", "vs torch", "peak RSS MB", "cosine to torch", "nDCG@10"], rows
    )
    append_result(
        f"Embedding throughput: {args.n} SciFact abstracts",
        table,
        "One process per row (2 cores). 'vs torch' is against the best torch fp32 row. nDCG@10: SciFact "
        "test, dense, whole documents; queries and documents embedded by the same backend.",
    )


if __name__ == "__main__":
    main()
