"""A study whose title is the question.

"Is the nurse cystoscopist a feasible option?" is the title of PubMed 10759659, whose conclusion
answers it in its own words ("A UNP can be trained to perform cystoscopy and detect suspicious lesions
as accurately as can a consultant urologist."). The selector, which reads the question against each
sentence, finds no sentence that shares the question's words and abstains (best p 0.021). A study
titled with the question's own words asks or states what the asker asks: when the policy abstains,
it is cited all the same, with its best sentences under the policy for one document.

On SciFact's training claims, every study whose title shares ``TITLE_MATCH`` of a claim's words (8,
none for a claim without evidence) is a study with the claim's evidence.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.select.candidates import Candidate
from rag.answer.select.policy import Policy, choose, document_policy
from rag.text.spelling import in_american
from rag.text.terms import content_terms

TITLE_MATCH = 0.6  # share of the question's and the title's words together that both name (Jaccard)
TITLE_WORDS = 3  # a shorter question ("Is it safe?") matches too many titles by chance


def titled_study(
    question: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    vectors: np.ndarray,
    policy: Policy,
) -> list[int]:
    """The best sentences of the first candidate study (in retrieval order) whose title has the
    question's words (module docstring), or none."""
    asked = content_terms(in_american(question))
    if len(asked) < TITLE_WORDS:
        return []
    seen: set[str] = set()
    for c in candidates:
        doc = c.hit.doc_id
        if doc in seen:
            continue
        seen.add(doc)
        title = content_terms(in_american(c.hit.document.title))
        if len(asked & title) / len(asked | title) >= TITLE_MATCH:
            theirs = [i for i, other in enumerate(candidates) if other.hit.doc_id == doc]
            picked = choose(
                probabilities[theirs], [doc] * len(theirs), vectors[theirs], document_policy(policy)
            )
            return [theirs[k] for k in picked]
    return []
