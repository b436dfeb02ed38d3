"""Loading datasets in the BEIR layout: corpus.jsonl, queries[_split].jsonl, qrels/<split>.tsv."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InvalidInput


@dataclass(frozen=True)
class BeirDataset:
    root: Path
    split: str
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]

    @property
    def corpus(self) -> Path:
        return self.root / "corpus.jsonl"


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """TREC-style or BEIR qrels (tab- or space-separated, header row optional, graded relevance)."""
    qrels: dict[str, dict[str, int]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split("\t") if "\t" in line else line.split()
        if not parts or not line.strip():
            continue
        if len(parts) == 4:  # TREC: qid 0 docid rel
            parts = [parts[0], parts[2], parts[3]]
        if len(parts) != 3:
            raise InvalidInput(f"{path}:{lineno}: expected 'query-id corpus-id score', got {line!r}")
        qid, did, score = (p.strip() for p in parts)
        try:
            rel = int(float(score))
        except ValueError:
            if lineno == 1:
                continue  # header row
            raise InvalidInput(f"{path}:{lineno}: relevance {score!r} is not a number") from None
        qrels.setdefault(qid, {})[did] = rel
    return qrels


def load_beir(root: Path, split: str = "test") -> BeirDataset:
    """Load a BEIR dataset; only queries with qrels for ``split`` are kept."""
    if not (root / "corpus.jsonl").exists():
        raise InvalidInput(f"{root} has no corpus.jsonl; point --data at a dataset in BEIR layout")
    qrels_path = root / "qrels" / f"{split}.tsv"
    if not qrels_path.exists():
        raise InvalidInput(f"{qrels_path} not found; choose a --split that has qrels")
    qfile = root / f"queries_{split}.jsonl"
    if not qfile.exists():
        qfile = root / "queries.jsonl"
    if not qfile.exists():
        raise InvalidInput(f"{root} has neither queries_{split}.jsonl nor queries.jsonl")
    qrels = load_qrels(qrels_path)
    queries = {}
    for line in qfile.read_text(encoding="utf-8").splitlines():
        if line.strip():
            q = json.loads(line)
            if str(q["_id"]) in qrels:
                queries[str(q["_id"])] = q["text"]
    qrels = {q: r for q, r in qrels.items() if q in queries}
    if not queries:
        raise InvalidInput(f"no query of {qfile.name} has qrels in {qrels_path.name}")
    return BeirDataset(root=root, split=split, queries=queries, qrels=qrels)
