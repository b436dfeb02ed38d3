"""Boosted trees, the MLP and their mean: cross-validation on SciFact *train*, then the clinical answer
set over the demo index (PDFs and PubMed abstracts); appends a table to BENCHMARKS.md.

    python -m benchmarks.selector_trees --data ../shared/data/scifact --pubmedqa ../shared/data/pubmedqa

Each design is trained by `rag train selector --designs KEY` exactly as the shipped one is (same data,
folds, seed and policy search); no test split is read.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

from benchmarks._common import append_result, markdown_table, rag_command
from benchmarks.clinical_answers.score import HERE, score

DESIGNS = ("mlp64", "trees", "mlp64+trees")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="SciFact folder")
    parser.add_argument("--pubmedqa", type=Path, default=None)
    parser.add_argument("--index", type=Path, default=Path("indexes/demo"), help="index of the answer set")
    parser.add_argument("--work", type=Path, default=Path("runs/selector-trees"))
    args = parser.parse_args()

    from rag.config import Settings
    from rag.engine import Engine

    questions = json.loads((HERE / "questions.json").read_text(encoding="utf-8"))
    rows = []
    for key in DESIGNS:
        out = args.work / key
        extra = ["--pubmedqa", str(args.pubmedqa)] if args.pubmedqa else []
        cmd = rag_command("train", "selector", "--data", str(args.data), *extra, "--designs", key)
        subprocess.run([*cmd, "--out", str(out), "--quiet"], check=True, env={**os.environ})
        spec = json.loads((out / "selector.json").read_text())
        cv = spec["cross_validation"]["chosen"]
        settings = Settings()
        engine = Engine(args.index, settings.model_copy(update={"selector": str(out)}))
        answers, _ = score(engine, questions)
        rows.append(
            [
                spec["design"],
                f"{cv['f1']:.3f}",
                f"{cv['citation_precision']:.3f}",
                f"{cv['refusal_with_evidence']:.3f}",
                f"{cv['refusal_without_evidence']:.3f}",
                f"{answers['quoted']:.3f}",
                f"{answers['bottom_line']:.3f}",
                f"{answers['refused']:.3f}",
            ]
        )
    table = markdown_table(
        [
            "design",
            "CV F1",
            "CV citation precision",
            "CV refused (evidence)",
            "CV refused (none)",
            "clinical set: quotes expected",
            "bottom line does",
            "refused",
        ],
        rows,
    )
    notes = (
        f"5-fold document-grouped cross-validation on SciFact train (PubMedQA questions learned from: "
        f"{'yes' if args.pubmedqa else 'no'}), policy chosen on the out-of-fold predictions; then the "
        f"{len(questions)} questions of `benchmarks/clinical_answers` on `{args.index}`, every one of which "
        "the corpus answers, so any refusal there is a refusal with evidence."
    )
    append_result("Evidence selector: boosted trees, the MLP and their mean", table, notes)


if __name__ == "__main__":
    main()
