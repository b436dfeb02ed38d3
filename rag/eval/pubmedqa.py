"""PubMedQA as a retrieval benchmark: corpus = the labelled abstracts, queries = the questions.

The abstracts are indexed **without titles** (PubMedQA's question is usually the article's title
rephrased, so a title would give the answer away): only the contexts with their section labels.
"""

from __future__ import annotations

import json
from pathlib import Path

from rag.errors import InvalidInput
from rag.eval.beir import BeirDataset


def convert(source: Path, target_dir: Path) -> BeirDataset:
    """Write ``corpus.jsonl`` for ``ori_pqal.json`` into ``target_dir``; return the dataset."""
    if source.is_dir():
        source = source / "ori_pqal.json"
    if not source.exists():
        raise InvalidInput(f"{source} not found; point --data at PubMedQA's ori_pqal.json or its folder")
    items = json.loads(source.read_text(encoding="utf-8"))
    target_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    for pmid, item in sorted(items.items()):
        row = {
            "_id": pmid,
            "title": "",
            "text": " ".join(item["CONTEXTS"]),
            "sections": item["CONTEXTS"],
            "labels": item["LABELS"],
            "metadata": {"pmid": pmid, "year": item.get("YEAR")},
        }
        lines.append(json.dumps(row))
    corpus = target_dir / "corpus.jsonl"
    content = "\n".join(lines) + "\n"
    if not corpus.exists() or corpus.read_text(encoding="utf-8") != content:
        corpus.write_text(content, encoding="utf-8")
    queries = {pmid: item["QUESTION"] for pmid, item in items.items()}
    qrels = {pmid: {pmid: 1} for pmid in items}
    return BeirDataset(root=target_dir, split="all", queries=queries, qrels=qrels)
