"""PubMedQA as a retrieval benchmark: corpus = the labelled abstracts, queries = the questions.

The abstracts are indexed **without titles** (PubMedQA's question is usually the article's title
rephrased, so a title would give the answer away): only the contexts with their section labels.
"""

from __future__ import annotations

import json
from pathlib import Path

from rag.answer.select.features import section_kind
from rag.errors import InvalidInput
from rag.eval.beir import BeirDataset
from rag.eval.examples import withheld_twin
from rag.text.sentences import split_sentences


def read_items(source: Path, *, option: str = "--data") -> dict[str, dict]:
    """``ori_pqal.json`` (or the folder holding it) as ``{pmid: item}``."""
    if source.is_dir():
        source = source / "ori_pqal.json"
    if not source.exists():
        raise InvalidInput(f"{source} not found; point {option} at PubMedQA's ori_pqal.json or its folder")
    return dict(json.loads(source.read_text(encoding="utf-8")))


def write_corpus(target_dir: Path, lines: list[str]) -> Path:
    """``target_dir/corpus.jsonl`` with ``lines`` (rewritten only when they changed: it is a cache key)."""
    target_dir.mkdir(parents=True, exist_ok=True)
    corpus = target_dir / "corpus.jsonl"
    content = "\n".join(lines) + "\n"
    if not corpus.exists() or corpus.read_text(encoding="utf-8") != content:
        corpus.write_text(content, encoding="utf-8")
    return corpus


def convert(source: Path, target_dir: Path) -> BeirDataset:
    """Write ``corpus.jsonl`` for ``ori_pqal.json`` into ``target_dir``; return the dataset."""
    items = read_items(source)
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
    write_corpus(target_dir, lines)
    queries = {pmid: item["QUESTION"] for pmid, item in items.items()}
    qrels = {pmid: {pmid: 1} for pmid in items}
    return BeirDataset(root=target_dir, split="all", queries=queries, qrels=qrels)


DEMO_ITEMS = 300  # the first 300 labelled items (by PMID) are the demo corpus: never trained on


def evidence_training_set(
    source: Path, target_dir: Path, *, skip_first: int = DEMO_ITEMS
) -> tuple[BeirDataset, list[dict], dict[str, list[str]]]:
    """PubMedQA items after the first ``skip_first`` (by PMID) as a SciFact-style evidence set.

    Each abstract is its labelled contexts plus its conclusion (``LONG_ANSWER``, labelled
    ``CONCLUSIONS``), indexed without a title (the title would give the question away); the question's
    rationale is the conclusion's sentences: what a clinician wants quoted, rather than the background.
    The article's results sentences are ``unlabelled``: one may well answer the question, but PubMedQA
    does not say which, so training leaves them out rather than teach that results are not evidence.
    Each question is also asked with its article ``withheld`` (id ``PMID:withheld``, no evidence): every
    PubMedQA question has an answer in its own abstract, so without these twins the model would never
    see a clinical question that the corpus cannot answer.
    Returns the dataset (corpus written to ``target_dir``), its rationales and its sentences.
    """
    items = read_items(source, option="--pubmedqa")
    lines, rationales, sentences = [], [], {}
    for pmid, item in sorted(items.items())[skip_first:]:
        texts = [*item["CONTEXTS"], item["LONG_ANSWER"]]
        labels = [*item["LABELS"], "CONCLUSIONS"]
        split = [[t[s:e] for s, e in split_sentences(t)] for t in texts]
        sentences[pmid] = [s for part in split for s in part]
        first = len(sentences[pmid]) - len(split[-1])
        results: list[int] = []
        n = 0
        for text, label, part in zip(texts[:-1], labels[:-1], split[:-1], strict=True):
            if section_kind(label, text) == "results":
                results.extend(range(n, n + len(part)))
            n += len(part)
        row = {
            "_id": pmid,
            "title": "",
            "text": " ".join(texts),
            "sections": texts,
            "labels": labels,
            "metadata": {"pmid": pmid, "year": item.get("YEAR")},
        }
        lines.append(json.dumps(row))
        rationales.append(
            {
                "_id": pmid,
                "claim": item["QUESTION"],
                "evidence": {
                    pmid: {
                        "label": "CONCLUSION",
                        "sentences": [[i] for i in range(first, len(sentences[pmid]))],
                    }
                },
                "cited": [pmid],
                "unlabelled": {pmid: results},
            }
        )
    write_corpus(target_dir, lines)
    qrels: dict[str, dict[str, int]] = {r["_id"]: {r["_id"]: 1} for r in rationales}
    rationales += [withheld_twin(r, [r["_id"]]) for r in list(rationales)]
    queries = {r["_id"]: r["claim"] for r in rationales}
    return BeirDataset(root=target_dir, split="train", queries=queries, qrels=qrels), rationales, sentences
