"""Run `rag eval retrieval` and append its table to BENCHMARKS.md.

python -m benchmarks.eval_retrieval --data ../shared/data/scifact --whole-documents
python -m benchmarks.eval_retrieval --data ../shared/data/scifact            # default chunking
python -m benchmarks.eval_retrieval --data ../shared/data/scifact --split train --modes hybrid \
    --fusion rrf,weighted,zscore                                               # fusions side by side
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from benchmarks._common import append_result, markdown_table, run_eval_retrieval
from rag.eval.beir import load_beir

FUSED = ("hybrid", "rerank")  # the modes that fusion changes
PUBLISHED = "Published SciFact test nDCG@10: BM25 0.665–0.679, all-MiniLM-L6-v2 0.645 (MTEB)."


def compare_fusions(args: argparse.Namespace, fusions: list[str], reports: list[dict]) -> str:
    """ranx's paired t-test between the fusions' hybrid runs."""
    from ranx import Qrels, Run, compare

    qrels = Qrels(load_beir(args.data, args.split).qrels)
    runs = [Run.from_file(str(Path(r["out"]) / "run.hybrid.trec"), kind="trec") for r in reports]
    for run, fusion in zip(runs, fusions, strict=True):
        run.name = f"hybrid ({fusion})"
    metrics = ["ndcg@10", "recall@100", "mrr@10", "precision@1"]
    return str(compare(qrels, runs=runs, metrics=metrics, max_p=0.05, stat_test="student"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--whole-documents", action="store_true")
    parser.add_argument("--chunk-words", type=int, default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--modes", default="bm25,dense,hybrid", help="e.g. bm25,dense,hybrid,rerank")
    parser.add_argument(
        "--fusion", default=None, help="hybrid fusion(s), e.g. rrf,weighted,zscore (default: RAG_FUSION)"
    )
    args = parser.parse_args()
    options = ["--split", args.split, "--modes", args.modes]
    if args.whole_documents:
        options.append("--whole-documents")
    if args.chunk_words:
        options += ["--chunk-words", str(args.chunk_words)]
    if args.model:
        options += ["--model", args.model]
    fusions = args.fusion.split(",") if args.fusion else [None]
    if len(fusions) > 1 and "hybrid" not in args.modes.split(","):
        parser.error("comparing fusions needs the hybrid mode in --modes")
    t = time.perf_counter()
    reports = [run_eval_retrieval(args.data, *options, *(["--fusion", f] if f else [])) for f in fusions]
    wall = time.perf_counter() - t
    rows = [
        [
            f"{mode} ({f})" if len(fusions) > 1 and mode in FUSED else mode,
            *(f"{m[name]:.4f}" for name in ("ndcg@10", "recall@100", "mrr@10", "precision@1")),
        ]
        for f, report in zip(fusions, reports, strict=True)
        for mode, m in report["metrics"].items()
        if f == fusions[0] or mode in FUSED
    ]
    table = markdown_table(["mode", "nDCG@10", "Recall@100", "MRR@10", "P@1"], rows)
    report = reports[-1]
    comparison = report["comparison"] if len(fusions) == 1 else compare_fusions(args, fusions, reports)
    cfg = report["config"]
    timing = report["timings"]
    notes = (
        f"Model `{cfg['model']}`, chunking {cfg['chunking']}, {cfg['counts']['passages']} passages; "
        f"index build {timing['index_build']['seconds']} s (reused: {timing['index_build']['reused']}), "
        f"querying {timing['total_query_seconds']} s for {report['queries']} queries "
        f"× {len(report['metrics'])} modes "
        f"({timing['queries_per_second']} queries/s); wall time {wall:.0f} s.\n\n"
        f"Paired t-test (ranx):\n\n```\n{comparison}\n```\n\n{PUBLISHED}"
    )
    label = "whole documents" if args.whole_documents else f"chunked ({cfg['chunking']['chunk_words']} words)"
    append_result(f"Retrieval: {args.data.name} {args.split}, {label}", table, notes)


if __name__ == "__main__":
    main()
