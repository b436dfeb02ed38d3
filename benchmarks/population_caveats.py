"""How often answers warn that the cited passages never mention the population asked about.

`rag.answer.population` adds a caveat ("None of the cited passages mentions children or
adolescents; …") when a question names a population (children, pregnancy, older adults, women, men)
and no cited document's title or retrieved passages mention it. This measures, on the PubMedQA
questions that name one (each question's own abstract answers it, so it mentions the population
whenever the question's words are the study's words):

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
from rag.answer.compose import compose
from rag.answer.population import populations
from rag.chunking import ChunkingParams
from rag.config import Settings
from rag.embed.embedder import make_embedder
from rag.engine import Engine
from rag.eval.cache import cached_index
from rag.eval.pubmedqa import convert


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
    asked = {qid: q for qid, q in dataset.queries.items() if populations(q)}
    counts: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    for qid, question in tqdm(sorted(asked.items()), desc="questions"):
        groups.update(populations(question))
        pool = engine.evidence_pool(question)
        own = compose(question, pool, engine.selector)
        if qid in {r.doc_id for r in own.references} and not own.insufficient_evidence:
            counts["own cited"] += 1
            counts["own cited, caveat"] += bool(own.caveats)
        other = compose(question, engine.evidence_pool(question, without=frozenset({qid})), engine.selector)
        if not other.insufficient_evidence:
            counts["withheld answered"] += 1
            counts["withheld answered, caveat"] += bool(other.caveats)

    def share(part: str, whole: str) -> str:
        return f"{counts[part]} / {counts[whole]} ({counts[part] / max(counts[whole], 1):.3f})"

    rows: list[list[object]] = [
        ["own article cited (caveat = false alarm)", share("own cited, caveat", "own cited")],
        [
            "own article withheld, answered anyway (caveat = warning)",
            share("withheld answered, caveat", "withheld answered"),
        ],
    ]
    table = markdown_table(["answers", "with a population caveat"], rows)
    named = ", ".join(f"{g} {n}" for g, n in groups.most_common())
    notes = (
        f"{len(asked)} of {len(dataset.queries)} PubMedQA questions name a population ({named}); "
        f"selector `{engine.selector.name}`, model `{settings.model}`, abstracts without titles. "
        "Nothing was trained or tuned on these figures."
    )
    append_result("Population caveats (PubMedQA questions that name a population)", table, notes)


if __name__ == "__main__":
    main()
