"""How many sentences to cite, and when to say the evidence is not there.

The selector gives each candidate sentence a calibrated probability of being evidence for the
question. The policy then abstains when the best probability is below ``abstain``, cites every
sentence at or above ``include`` that is also within ``relative`` of the best (at least the best one,
at most ``max_sentences`` from at most ``max_documents`` documents), and skips near-duplicates.
Its numbers are chosen on the training split's out-of-fold predictions (``rag train selector``) and
stored with the selector.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

DUPLICATE_COSINE = 0.9


@dataclass(frozen=True, slots=True)
class Policy:
    abstain: float = 0.3
    include: float = 0.5
    relative: float = 0.5  # a cited sentence scores at least this share of the best probability
    max_sentences: int = 4
    max_documents: int = 3

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def document_policy(policy: Policy) -> Policy:
    """For a question about one reference, or a study titled with the question: never abstain, cite
    that one document."""
    return replace(policy, abstain=0.0, max_documents=1)


def choose(
    probabilities: np.ndarray,
    documents: Sequence[str],
    vectors: np.ndarray | None,
    policy: Policy,
    *,
    later: Sequence[bool] | None = None,
    shown: Sequence[bool] | None = None,
) -> list[int]:
    """Indices of the sentences to cite, best first; empty when the evidence is insufficient.

    ``shown`` marks sentences the asker has already read (earlier turns of a conversation): they count
    for abstaining and for the bar like any other, but are cited again only when no other sentence
    reaches the bar, since then they are still the answer.

    ``later`` marks sentences of lesser studies (in animals, for a service that answers about
    patients): they take a place only after every other sentence that qualifies, and they do not
    raise the bar for the others: the share of the best (``relative``) is taken of the best other
    sentence when one reaches ``include``. Whether to abstain still follows the best probability."""
    if len(probabilities) == 0:
        return []
    best = float(probabilities.max())
    if best < policy.abstain:
        return []
    lesser = np.zeros(len(probabilities), dtype=bool) if later is None else np.asarray(later, dtype=bool)
    floor = max(policy.include, policy.relative * best)
    others = probabilities[~lesser]
    best_other = float(others.max()) if len(others) else 0.0
    qualifies = probabilities >= np.where(
        lesser | (best_other < policy.include), floor, max(policy.include, policy.relative * best_other)
    )
    if not qualifies.any():  # the best is below ``include``: it is cited alone
        qualifies[int(np.argmax(probabilities))] = True
    if shown is not None and (fresh := qualifies & ~np.asarray(shown, dtype=bool)).any():
        qualifies = fresh
    order = np.lexsort((-probabilities, lesser, ~qualifies))
    chosen: list[int] = []
    cited: list[str] = []
    for i in (int(j) for j in order):
        if len(chosen) >= policy.max_sentences or not qualifies[i]:
            break
        doc = documents[i]
        if doc not in cited and len(cited) >= policy.max_documents:
            continue
        if vectors is not None and any(float(vectors[i] @ vectors[j]) > DUPLICATE_COSINE for j in chosen):
            continue
        chosen.append(i)
        if doc not in cited:
            cited.append(doc)
    return chosen
