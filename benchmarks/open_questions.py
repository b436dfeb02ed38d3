"""A sixth answer-path lever: open questions ("What is known about …?") from structured MEDLINE abstracts.

SciFact's claims are statements and PubMedQA's questions ask yes or no: the shipped selector has never
seen a *what* or *how* question ("What complications are related to DVT prophylaxis in trauma?"), the
kind on which it quotes the sentence that restates the question rather than the findings. A
structured abstract says which of its sentences report findings: its RESULTS and CONCLUSIONS
(``rag.answer.select.features.section_kind``). So each structured abstract of a MEDLINE file becomes
the open question "What is known about <its title>?"; its background and methods sentences, and every
sentence of the other abstracts, are not evidence. Two labellings: ``findings`` (results and
conclusions are evidence) and ``conclusions`` (conclusions are evidence, results unlabelled, as
PubMedQA's are in ``rag.eval.pubmedqa``). The abstracts are indexed as plain text, without titles
(the question is the title) and without section labels (a PDF's abstract has none: the model must
tell findings by what they say, not by a label), and each question is also asked with its article
withheld, so the model sees open questions the corpus cannot answer.

The lever: these questions learned from with the shipped ones (SciFact train and PubMedQA), with one
more feature, whether the question is open (what, which, how, …), cross-validated on SciFact train
on the shipped design's folds, policy and rerank weight tuned on the out-of-fold predictions, as in
``benchmarks.selector_levers``. No test split is read.

    python -m benchmarks.open_questions --data ../shared/data/scifact --pubmedqa ../shared/data/pubmedqa \
        --open-questions ../shared/data/pubmed/legacy_medline2016_604.xml.gz
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.abstention_model import pubmedqa_examples
from benchmarks.selector_designs import arguments, training_examples
from benchmarks.selector_levers import HEADERS, figures, learned_from, widened_out_of_fold
from rag.answer.select.features import section_kind
from rag.errors import InvalidInput
from rag.eval.beir import BeirDataset
from rag.eval.examples import ClaimExamples
from rag.eval.pubmedqa import own_article_set, section_sentences
from rag.eval.train_selector import out_of_fold
from rag.readers.pubmed import read_pubmed
from rag.types import Document

if TYPE_CHECKING:
    from rag.engine import Engine

LABELLINGS = ("findings", "conclusions")
_OPEN = re.compile(r"^\s*(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
_DESIGN_SUBTITLE = re.compile(
    r":\s*(?:an?\s+|the\s+)?[^:]*\b(?:review|trial|study|analysis|report|series|experience|cohort|survey|"
    r"meta-analysis|update|overview)\.?\s*$",
    re.IGNORECASE,
)


def open_question(title: str) -> str:
    """``"What is known about <title>?"``: the title without a trailing period or a subtitle that only
    names the design (": a systematic review"), its first word lower-cased unless it is an acronym."""
    topic = _DESIGN_SUBTITLE.sub("", title.strip()).rstrip(" .?")
    first, _, rest = topic.partition(" ")
    if sum(ch.isupper() for ch in first) < 2:
        first = first.lower()
    return f"What is known about {' '.join(filter(None, (first, rest)))}?"


def structured(document: Document) -> bool:
    """Has labelled findings (results or conclusions) and labelled background or methods."""
    kinds = {section_kind(s.label, s.text) for s in document.sections if s.label}
    return bool(kinds & {"results", "conclusions"}) and bool(kinds & {"background", "methods"})


def evidence_training_set(
    source: Path, target_dir: Path, labelling: str = "findings"
) -> tuple[BeirDataset, list[dict], dict[str, list[str]]]:
    """Every abstract of the MEDLINE/PubMed XML ``source`` as the corpus (``target_dir/corpus.jsonl``,
    plain text); every structured one as an open question whose rationale is its findings' sentences
    (``labelling``, module docstring), and the same question with the article withheld. Returns the
    dataset, rationales and sentences."""
    if not source.exists():
        raise InvalidInput(f"{source} not found; point --open-questions at a PubMed/MEDLINE XML file")
    documents = [d for d in read_pubmed(source) if isinstance(d, Document) and d.sections]
    if not documents:
        raise InvalidInput(
            f"{source} holds no abstracts; point --open-questions at a PubMed/MEDLINE XML file"
        )
    lines: list[str] = []
    rationales: list[dict] = []
    sentences: dict[str, list[str]] = {}
    for doc in sorted(documents, key=lambda d: d.doc_id):
        texts = [s.text for s in doc.sections]
        labels = [s.label or "" for s in doc.sections]
        # indexed as plain text: the labels say which sentences are findings, but a PDF's abstract
        # has none, so the model must learn findings from what the sentences say
        row = {"_id": doc.doc_id, "title": "", "text": " ".join(texts), "metadata": {"pmid": doc.pmid}}
        lines.append(json.dumps(row))
        sentences[doc.doc_id], kinds = section_sentences(texts, labels)
        if not doc.title or doc.title.rstrip().endswith("?") or not structured(doc):
            continue  # a title that asks already is a yes/no question, PubMedQA's kind
        results = kinds.get("results", [])
        evidence = kinds.get("conclusions", []) + (results if labelling == "findings" else [])
        rationales.append(
            {
                "_id": doc.doc_id,
                "claim": open_question(doc.title),
                "evidence": {doc.doc_id: {"label": "FINDINGS", "sentences": [[i] for i in sorted(evidence)]}},
                "cited": [doc.doc_id],
                "unlabelled": {doc.doc_id: results} if labelling == "conclusions" else {},
            }
        )
    dataset, rationales = own_article_set(target_dir, lines, rationales)
    return dataset, rationales, sentences


def open_examples(engine: Engine, source: Path, index_cache: Path, labelling: str) -> list[ClaimExamples]:
    """The open questions and their twins, collected as ``rag train selector`` collects PubMedQA's."""
    from rag.chunking import ChunkingParams
    from rag.engine import Engine
    from rag.eval.cache import cached_index
    from rag.eval.examples import collect

    dataset, rationales, sentences = evidence_training_set(source, index_cache / "open-questions", labelling)
    chunking = ChunkingParams(**engine.index.manifest.chunking)
    path, _ = cached_index(dataset.corpus, index_cache, engine.embedder, chunking)
    return collect(
        Engine(path, engine.options, embedder=engine.embedder), rationales, sentences, dataset.qrels
    )


def open_column(every: list[ClaimExamples]) -> list[np.ndarray]:
    """One more feature per example: is its question open (1) or not (0)."""
    return [np.full((len(e.labels), 1), float(bool(_OPEN.match(e.claim)))) for e in every]


def main() -> None:
    def xml_file(text: str) -> Path:  # checked before minutes of SciFact examples, not after
        if not Path(text).is_file():
            raise argparse.ArgumentTypeError(
                f"{text} is not a file; give a PubMed/MEDLINE XML file (.xml, .xml.gz)"
            )
        return Path(text)

    def more(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--open-questions", type=xml_file, required=True, help="a MEDLINE/PubMed XML file"
        )

    args = arguments(__doc__, "runs/open-questions", pubmedqa=True, more=more)
    engine, examples, design = training_examples(args.data, args.index_cache)
    extra = pubmedqa_examples(engine, args.pubmedqa, args.index_cache) if args.pubmedqa else []
    n = len(examples)
    rows: list[list[object]] = [
        [f"shipped ({design.name})", *figures(examples, out_of_fold([*examples, *extra], design)[:n])]
    ]
    print(rows[-1], file=sys.stderr)
    counts = {}
    for labelling in LABELLINGS:
        opened = open_examples(engine, args.open_questions, args.index_cache, labelling)
        counts[labelling] = sum(1 for e in opened if e.gold)
        every = [*examples, *extra, *opened]
        probs = widened_out_of_fold(every, open_column(every), design)
        name = "results and conclusions" if labelling == "findings" else "conclusions (results unlabelled)"
        rows.append(
            [f"+ open questions, evidence: {name}; + question-is-open feature", *figures(examples, probs[:n])]
        )
        print(rows[-1], file=sys.stderr)
    learned = learned_from(extra)
    notes = (
        f"{n} SciFact train claims, 5 document-grouped folds; sentence probabilities out of fold "
        f"({learned}); "
        f"{counts['findings']} open questions from the structured abstracts of `{args.open_questions.name}` "
        "and as many asked with their article withheld, learned from with the rest and not judged; policy "
        "and rerank weight tuned on each row's out-of-fold predictions, as `rag train selector` does. "
        "No test split was read."
    )
    append_result(
        "Answer-path lever: open questions (SciFact train, cross-validated)",
        markdown_table(HEADERS, rows),
        notes,
    )


if __name__ == "__main__":
    main()
