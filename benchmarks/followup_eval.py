"""Follow-up retrieval quality with and without contextualisation (`rag.answer.followup`).

Runs the conversations of `benchmarks/followup/conversations.json` against the PubMedQA abstracts
indexed *without titles* (as `rag eval pubmedqa` does, so the opening question is not in the text),
and reports, for every follow-up turn, document Recall@10 and MRR@10 of hybrid retrieval with the
contextualised query versus the bare question, plus how often topic shifts and follow-ups were told apart.

    python -m benchmarks.followup_eval --data ../shared/data/pubmedqa
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from benchmarks._common import append_result, markdown_table
from rag.answer.followup import PriorTurn, contextualise
from rag.chunking import ChunkingParams
from rag.embed.embedder import DEFAULT_MODEL, make_embedder
from rag.engine import Engine
from rag.eval.cache import cached_index
from rag.eval.pubmedqa import convert

SET = Path(__file__).resolve().parent / "followup" / "conversations.json"


def ranked_docs(engine: Engine, query: str) -> list[str]:
    docs: list[str] = []
    for hit in engine.search(query, k=50):
        if hit.doc_id not in docs:
            docs.append(hit.doc_id)
    return docs[:10]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True, help="PubMedQA folder (ori_pqal.json)")
    parser.add_argument("--index-cache", type=Path, default=Path("indexes/eval"))
    args = parser.parse_args()
    conversations = json.loads(SET.read_text())
    dataset = convert(args.data, args.index_cache / "pubmedqa-beir")
    embedder = make_embedder(DEFAULT_MODEL)
    path, _ = cached_index(dataset.corpus, args.index_cache, embedder, ChunkingParams())
    engine = Engine(path, embedder=embedder)
    stats = {"with": {"r": 0.0, "mrr": 0.0}, "without": {"r": 0.0, "mrr": 0.0}}
    shift = {"follow-up turns detected as follow-ups": [0, 0], "topic shifts detected as shifts": [0, 0]}
    n = 0
    for conv in conversations:
        history: list[PriorTurn] = []
        for i, turn in enumerate(conv["turns"]):
            q, relevant = turn["question"], set(turn["relevant"])
            ctx = contextualise(q, history)
            if i > 0:
                n += 1
                for name, query in (("with", ctx.retrieval_query), ("without", q)):
                    docs = ranked_docs(engine, query)
                    hit = [d in relevant for d in docs]
                    stats[name]["r"] += float(any(hit))
                    stats[name]["mrr"] += 1.0 / (hit.index(True) + 1) if any(hit) else 0.0
                key = (
                    "topic shifts detected as shifts"
                    if turn.get("topic_shift")
                    else "follow-up turns detected as follow-ups"
                )
                shift[key][0] += int(ctx.follow_up != bool(turn.get("topic_shift")))
                shift[key][1] += 1
            answer = engine.ask(q, retrieval_query=ctx.retrieval_query)
            history.append(PriorTurn.of(answer, ctx.retrieval_query, not ctx.follow_up))
    rows = [
        [name, f"{s['r'] / n:.3f}", f"{s['mrr'] / n:.3f}"]
        for name, s in (
            ("bare follow-up question", stats["without"]),
            ("contextualised (rag.answer.followup)", stats["with"]),
        )
    ]
    table = markdown_table(["retrieval query", "Recall@10 (follow-up turns)", "MRR@10"], rows)
    notes = (
        f"{len(conversations)} conversations, {n} later turns (follow-ups and topic shifts); "
        + "; ".join(f"{k}: {v[0]}/{v[1]}" for k, v in shift.items())
        + ". Hybrid retrieval, PubMedQA abstracts without titles, packaged all-MiniLM-L6-v2."
    )
    append_result("Follow-up retrieval: contextualised vs bare", table, notes)


if __name__ == "__main__":
    main()
