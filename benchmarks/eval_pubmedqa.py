"""Run `rag eval pubmedqa` and append R@1, MRR@10 and answer citation figures to BENCHMARKS.md.

python -m benchmarks.eval_pubmedqa --data ../shared/data/pubmedqa
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks._common import append_result, markdown_table, run_eval


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    r = run_eval("pubmedqa", args.data)
    rows = [
        [mode, f"{m['recall@1']:.4f}", f"{m['mrr@10']:.4f}", f"{m['ndcg@10']:.4f}"]
        for mode, m in r["metrics"].items()
    ]
    table = markdown_table(["mode", "R@1", "MRR@10", "nDCG@10"], rows)
    a = r["answers"]
    cfg = r["config"]
    notes = (
        f"{r['queries']} questions against the 1,000 labelled abstracts indexed without titles "
        f"(contexts with section labels), model `{cfg['model']}`, chunking {cfg['chunking']}. "
        f"Answers (`rag ask`, hybrid) cite the question's own article in {a['cites_right_article']:.3f} "
        f"of cases, as reference [1] in {a['right_article_is_reference_1']:.3f}; on the first 300 questions "
        f"by PMID, which the selector (`{a['selector']}`) never trained on: "
        f"{a['cites_right_article_held_out']:.3f}."
    )
    append_result("PubMedQA retrieval and answer citations", table, notes)


if __name__ == "__main__":
    main()
