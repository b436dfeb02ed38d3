"""Run `rag eval retrieval` and append its table to BENCHMARKS.md.

python -m benchmarks.eval_retrieval --data ../shared/data/scifact --whole-documents
python -m benchmarks.eval_retrieval --data ../shared/data/scifact            # default chunking
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks._common import append_result, markdown_table, run_eval_retrieval

PUBLISHED = "Published SciFact test nDCG@10: BM25 0.665–0.679, all-MiniLM-L6-v2 0.645 (MTEB)."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--whole-documents", action="store_true")
    parser.add_argument("--chunk-words", type=int, default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--modes", default="bm25,dense,hybrid", help="e.g. bm25,dense,hybrid,rerank")
    args = parser.parse_args()
    options = ["--split", args.split, "--modes", args.modes]
    if args.whole_documents:
        options.append("--whole-documents")
    if args.chunk_words:
        options += ["--chunk-words", str(args.chunk_words)]
    if args.model:
        options += ["--model", args.model]
    t = time.perf_counter()
    report = run_eval_retrieval(args.data, *options)
    wall = time.perf_counter() - t
    rows = [
        [mode, *(f"{m[name]:.4f}" for name in ("ndcg@10", "recall@100", "mrr@10", "precision@1"))]
        for mode, m in report["metrics"].items()
    ]
    table = markdown_table(["mode", "nDCG@10", "Recall@100", "MRR@10", "P@1"], rows)
    cfg = report["config"]
    timing = report["timings"]
    notes = (
        f"Model `{cfg['model']}`, chunking {cfg['chunking']}, {cfg['counts']['passages']} passages; "
        f"index build {timing['index_build']['seconds']} s (reused: {timing['index_build']['reused']}), "
        f"querying {timing['total_query_seconds']} s for {report['queries']} queries × {len(rows)} modes "
        f"({timing['queries_per_second']} queries/s); wall time {wall:.0f} s.\n\n"
        f"Paired t-test (ranx):\n\n```\n{report['comparison']}\n```\n\n{PUBLISHED}"
    )
    label = "whole documents" if args.whole_documents else f"chunked ({cfg['chunking']['chunk_words']} words)"
    append_result(f"Retrieval: {args.data.name} {args.split}, {label}", table, notes)


if __name__ == "__main__":
    main()
