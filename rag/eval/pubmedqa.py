"""PubMedQA as a retrieval benchmark: corpus = the labelled abstracts, queries = the questions.

The abstracts are indexed **without titles** (PubMedQA's question is usually the article's title
rephrased, so a title would give the answer away): only the contexts with their section labels.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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


def section_sentences(texts: Sequence[str], labels: Sequence[str]) -> tuple[list[str], dict[str, list[int]]]:
    """An abstract's sentences, section after section (split as at ingest), and the sentence numbers
    of each section kind (``section_kind``: background, methods, results, conclusions)."""
    sentences: list[str] = []
    kinds: dict[str, list[int]] = {}
    for text, label in zip(texts, labels, strict=True):
        part = [text[s:e] for s, e in split_sentences(text)]
        kind = section_kind(label, text)
        if kind:
            kinds.setdefault(kind, []).extend(range(len(sentences), len(sentences) + len(part)))
        sentences.extend(part)
    return sentences, kinds


def own_article_set(
    target_dir: Path, lines: list[str], rationales: list[dict]
) -> tuple[BeirDataset, list[dict]]:
    """A training set in which each question's own article is its one relevant document: the corpus
    ``lines`` written to ``target_dir``, and the ``rationales`` followed by each question asked again
    with its article withheld (``withheld_twin``)."""
    write_corpus(target_dir, lines)
    qrels = {r["_id"]: {r["_id"]: 1} for r in rationales}
    every = [*rationales, *(withheld_twin(r, [r["_id"]]) for r in rationales)]
    queries = {r["_id"]: r["claim"] for r in every}
    return BeirDataset(root=target_dir, split="train", queries=queries, qrels=qrels), every


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
        sentences[pmid], kinds = section_sentences(item["CONTEXTS"], item["LABELS"])
        first = len(sentences[pmid])  # the conclusion's sentences follow the contexts'
        sentences[pmid] += section_sentences([item["LONG_ANSWER"]], ["CONCLUSIONS"])[0]
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
                "unlabelled": {pmid: kinds.get("results", [])},
            }
        )
    dataset, rationales = own_article_set(target_dir, lines, rationales)
    return dataset, rationales, sentences
