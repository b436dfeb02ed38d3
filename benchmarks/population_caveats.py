"""How often answers warn that the cited passages never mention the population, drug or condition
asked about.

`rag.answer.caveats` adds a caveat ("None of the cited passages mentions children or adolescents;
…", "… mentions aspirin; …") when a question names a population (children, pregnancy, older adults,
women, men; `rag.answer.population`), a drug (`rag.answer.drugs`) or a condition or exposure
(myocardial infarction, lung cancer, smoking …; `rag.answer.conditions`) and no cited document's
title or retrieved passages mention it. This measures, for each kind, on the PubMedQA questions that name one
(each question's own abstract answers it, so it mentions them whenever the question's words are the
study's words):

- **own article cited**: the answer cites the question's own abstract; a caveat here is a false alarm,
  or a question whose abstract names the population in other words ("aged 6 to 12");
- **own article withheld**: the same question asked with its abstract left out of retrieval (as if
  not indexed, `Engine.evidence_pool(without=…)`), as a question the corpus cannot answer; a caveat
  here flags an answer borrowed from other studies.

The abstracts are indexed without titles (as `rag eval pubmedqa` does), so only passages count,
which is stricter than serving, where the title counts too.

    python -m benchmarks.population_caveats --data ../shared/data/pubmedqa
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from benchmarks._common import append_result, markdown_table
from rag.answer.caveats import KINDS, cited_texts, unmentioned
from rag.answer.compose import compose
from rag.chunking import ChunkingParams
from rag.config import Settings
from rag.embed.embedder import make_embedder
from rag.engine import Engine
from rag.eval.cache import cached_index
from rag.eval.pubmedqa import convert
from rag.types import Answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="PubMedQA folder (ori_pqal.json)")
    parser.add_argument("--index-cache", type=Path, default=Path("indexes/eval"))
    args = parser.parse_args()
    settings = Settings()
    dataset = convert(args.data, args.index_cache / "pubmedqa-beir")
    embedder = make_embedder(settings.model, batch_size=settings.embed_batch)
    chunking = ChunkingParams(chunk_words=settings.chunk_words, overlap_sentences=settings.overlap_sentences)
    path, _ = cached_index(dataset.corpus, args.index_cache, embedder, chunking)
    engine = Engine(path, settings, embedder=embedder)
    kinds = list(KINDS)
    # what a question names of each kind: all of it is unmentioned by no text at all
    named = {qid: unmentioned(q, []) for qid, q in dataset.queries.items()}
    asked = {qid: q for qid, q in dataset.queries.items() if named[qid]}
    counts: Counter[str] = Counter()
    names: dict[str, Counter[str]] = {kind: Counter() for kind in kinds}
    for qid, question in tqdm(sorted(asked.items()), desc="questions"):
        own, own_missing = _answered(engine, question)
        other, other_missing = _answered(engine, question, without=frozenset({qid}))
        for kind, found in named[qid].items():
            counts[f"{kind} questions"] += 1
            names[kind].update(found)
            if qid in {r.doc_id for r in own.references} and not own.insufficient_evidence:
                counts[f"{kind} own"] += 1
                counts[f"{kind} own, caveat"] += kind in own_missing
            if not other.insufficient_evidence:
                counts[f"{kind} withheld"] += 1
                counts[f"{kind} withheld, caveat"] += kind in other_missing

    def share(part: str, whole: str) -> str:
        return f"{counts[part]} / {counts[whole]} ({counts[part] / max(counts[whole], 1):.3f})"

    rows: list[list[object]] = [
        [
            kind,
            counts[f"{kind} questions"],
            share(f"{kind} own, caveat", f"{kind} own"),
            share(f"{kind} withheld, caveat", f"{kind} withheld"),
        ]
        for kind in kinds
    ]
    headers = [
        "caveat",
        "questions naming one",
        "own article cited: with the caveat (false alarm)",
        "own article withheld, answered anyway: with the caveat (warning)",
    ]
    listed = "; ".join(
        f"{kind}: " + ", ".join(f"{n} {c}" for n, c in names[kind].most_common(12)) for kind in kinds
    )
    notes = (
        f"{len(asked)} of {len(dataset.queries)} PubMedQA questions name a population, a drug or a "
        f"condition ({listed}); "
        f"selector `{engine.selector.name}`, model `{settings.model}`, abstracts without titles. "
        "Nothing was trained or tuned on these figures."
    )
    title = "Answer caveats (PubMedQA questions that name a population, a drug or a condition)"
    append_result(title, markdown_table(headers, rows), notes)


def _answered(
    engine: Engine, question: str, without: frozenset[str] = frozenset()
) -> tuple[Answer, set[str]]:
    """The answer, and the kinds its caveats are about: what ``compose`` found unmentioned in the
    cited documents' titles and passages (``rag.answer.caveats``)."""
    pool = engine.evidence_pool(question, without=without)
    answer = compose(question, pool, engine.selector)
    cited = {r.doc_id for r in answer.references}
    missing = set(unmentioned(question, cited_texts(pool.hits, cited))) if answer.caveats else set()
    return answer, missing


if __name__ == "__main__":
    main()
