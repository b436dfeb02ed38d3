"""Calibrate the insufficient-evidence threshold (``RAG_MIN_COSINE``) on data.

Answerable questions: PubMedQA questions asked against the PubMedQA abstracts (their own abstract
is indexed). Unanswerable questions: the same questions asked against the SciFact corpus, which
does not contain those studies. For each, the composer's best sentence cosine is recorded; the
threshold maximising balanced accuracy is reported with the distributions.

    python benchmarks/calibrate_threshold.py \
        --pubmedqa ../shared/data/pubmedqa --scifact ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import append_result, markdown_table  # noqa: E402
from rag.chunking import ChunkingParams  # noqa: E402
from rag.embed import DEFAULT_MODEL, make_embedder  # noqa: E402
from rag.engine import AnswerOptions, Engine  # noqa: E402
from rag.eval.cache import cached_index  # noqa: E402
from rag.eval.pubmedqa import convert  # noqa: E402


def best_cosines(engine: Engine, questions: list[str]) -> np.ndarray:
    return np.array([engine.ask(q).top_score or 0.0 for q in questions])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pubmedqa", type=Path, required=True)
    parser.add_argument("--scifact", type=Path, required=True)
    parser.add_argument("--index-cache", type=Path, default=Path("indexes/eval"))
    parser.add_argument("-n", type=int, default=300, help="questions to use")
    args = parser.parse_args()
    embedder = make_embedder(DEFAULT_MODEL)
    chunking = ChunkingParams()
    options = AnswerOptions(min_cosine=-1.0)  # record the score, never refuse
    pqa = convert(args.pubmedqa, args.index_cache / "pubmedqa-beir")
    questions = list(pqa.queries.values())[: args.n]
    own, _ = cached_index(pqa.corpus, args.index_cache, embedder, chunking)
    other, _ = cached_index(args.scifact / "corpus.jsonl", args.index_cache, embedder, chunking)
    pos = best_cosines(Engine(own, embedder=embedder, options=options), questions)
    neg = best_cosines(Engine(other, embedder=embedder, options=options), questions)
    grid = np.round(np.arange(0.2, 0.8, 0.01), 2)
    bal = [((pos >= t).mean() + (neg < t).mean()) / 2 for t in grid]
    best = float(grid[int(np.argmax(bal))])
    rows = []
    for t in sorted({0.4, 0.45, 0.5, 0.55, best}):
        rows.append(
            [
                f"{t:.2f}",
                f"{(pos >= t).mean():.3f}",
                f"{(neg < t).mean():.3f}",
                f"{((pos >= t).mean() + (neg < t).mean()) / 2:.3f}",
            ]
        )
    table = markdown_table(
        ["threshold", "answerable answered", "unanswerable refused", "balanced accuracy"], rows
    )
    q = lambda a: ", ".join(f"{v:.2f}" for v in np.percentile(a, [5, 25, 50, 75, 95]))  # noqa: E731
    notes = (
        f"{len(questions)} questions. Best-sentence cosine percentiles (5/25/50/75/95): answerable {q(pos)}; "
        f"unanswerable {q(neg)}. Best threshold by balanced accuracy: {best:.2f}."
    )
    append_result("Insufficient-evidence threshold calibration", table, notes)


if __name__ == "__main__":
    main()
