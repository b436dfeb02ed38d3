"""Answer-path lever: PubMedQA questions with their key word swapped, as no-evidence training twins.

"Does aspirin prevent stroke?" is answered from a statins study: the corpus has the right disease
with another exposure, and nothing the selector learns from looks like that (a withheld twin takes
the whole article away). Here each PubMedQA training question is also asked with its rarest word (by
document frequency in the PubMedQA corpus) replaced by another question's rarest word that its own
article lacks ("Does early triptan treatment …" → "Does early limb treatment …"), its article still
in the index and none of its sentences evidence. Seeded (13); a twin is judged only by what it does
to the real questions.

Out of fold on SciFact train (the shipped design; policy and rerank weight tuned on each run's
predictions, as ``rag train selector`` does), against the same folds learning from the shipped data
(SciFact train, PubMedQA's questions and their withheld twins). The PubMedQA refusal rates use the
shipped policy for both runs. No test split is read.

    python -m benchmarks.swapped_questions --data ../shared/data/scifact --pubmedqa ../shared/data/pubmedqa
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.abstention_model import pubmedqa_training
from benchmarks.selector_designs import arguments, training_examples
from benchmarks.selector_levers import HEADERS, figures
from rag.answer.select.policy import Policy, choose
from rag.eval.examples import ClaimExamples, collect
from rag.eval.train_selector import out_of_fold
from rag.text.terms import content_terms, stem

SEED = 13
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]+")


def key_word(question: str, df: Counter[str]) -> tuple[str, str] | None:
    """The question's rarest content word in the corpus: (as written, its stem)."""
    best: tuple[str, str] | None = None
    for word in _WORD.findall(question):
        s = stem(word.lower())
        if s in content_terms(word) and df.get(s) and (best is None or df[s] < df[best[1]]):
            best = (word, s)
    return best


def swapped_twins(questions: Sequence[dict], articles: dict[str, set[str]], df: Counter[str]) -> list[dict]:
    """Each question (id ``ID:swapped``) with its key word replaced by another question's key word that
    neither the question nor its article holds; no evidence."""
    rng = np.random.default_rng(SEED)
    keys = {str(q["_id"]): key_word(q["claim"], df) for q in questions}
    words = [k for k in keys.values() if k]
    twins = []
    for q in questions:
        own = keys[str(q["_id"])]
        if own is None:
            continue
        for _ in range(50):
            word, s = words[int(rng.integers(len(words)))]
            if s not in articles[str(q["_id"])] and s not in content_terms(q["claim"]):
                text = re.sub(rf"\b{re.escape(own[0])}\b", word, q["claim"], count=1)
                twins.append({"_id": f"{q['_id']}:swapped", "claim": text, "evidence": {}})
                break
    return twins


def refused(examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray], policy: Policy) -> str:
    n = sum(1 for e, p in zip(examples, probs, strict=True) if not choose(p, e.documents, e.vectors, policy))
    return f"{n / max(len(examples), 1):.3f}"


def main() -> None:
    args = arguments(__doc__, "runs/swapped-questions", pubmedqa=True)
    if args.pubmedqa is None:
        raise SystemExit("--pubmedqa is required: the twins are made from PubMedQA's training questions")
    engine, examples, design = training_examples(args.data, args.index_cache)
    pubmed, pqa, questions, sentences = pubmedqa_training(engine, args.pubmedqa, args.index_cache)
    extra = collect(pubmed, questions, sentences, pqa.qrels)  # as `rag train selector --pubmedqa`
    articles = {}
    with pqa.corpus.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            articles[doc["_id"]] = content_terms(f"{doc.get('title', '')} {doc['text']}")
    df: Counter[str] = Counter(w for terms in articles.values() for w in terms)
    asked = [q for q in questions if not str(q["_id"]).endswith(":withheld")]
    twins = collect(pubmed, swapped_twins(asked, articles, df), sentences, pqa.qrels)
    n, m = len(examples), len(extra)
    policy = engine.selector.policy
    own = [i for i, e in enumerate(extra) if not e.qid.endswith(":withheld")]
    withheld = [i for i, e in enumerate(extra) if e.qid.endswith(":withheld")]
    rows: list[list[object]] = []
    for name, every in (
        ("shipped data", [*examples, *extra]),
        ("+ swapped-word twins", [*examples, *extra, *twins]),
    ):
        probs = out_of_fold(every, design)
        p_extra = probs[n : n + m]
        pubmedqa = [
            refused([extra[i] for i in own], [p_extra[i] for i in own], policy),
            refused([extra[i] for i in withheld], [p_extra[i] for i in withheld], policy),
            refused(twins, probs[n + m :], policy) if len(probs) > n + m else "",
        ]
        rows.append([name, *figures(examples, probs[:n]), *pubmedqa])
        print(rows[-1])
    table = markdown_table([*HEADERS, "PubMedQA refused (own article)", "(withheld)", "(swapped word)"], rows)
    example = twins[0].claim if twins else ""
    notes = (
        f"{n} SciFact train claims, 5 document-grouped folds, design `{design.name}`; {len(own)} PubMedQA "
        f"training questions, as many withheld twins and {len(twins)} swapped-word twins (e.g. “{example}”); "
        f"PubMedQA refusals under the shipped policy {policy.to_dict()}. No test split was read."
    )
    append_result("Answer-path lever: swapped-word twins (SciFact train, cross-validated)", table, notes)


if __name__ == "__main__":
    main()
