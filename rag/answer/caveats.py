"""What an answer's cited passages do not cover of what was asked: the drugs (``rag.answer.drugs``),
the conditions and exposures (``rag.answer.conditions``) and the populations
(``rag.answer.population``) a question names that no cited document's title or retrieved passages
mention. Each kind becomes one sentence of ``Answer.caveats``: "None of the cited passages mentions
aspirin; check whether the findings apply."
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from rag.answer import conditions, drugs, population
from rag.types import Hit

# kind → what the question names of it that the cited texts do not, in the order the caveats are written
KINDS: dict[str, Callable[[str, Iterable[str]], list[str]]] = {
    "drug": drugs.unmentioned,
    "condition": conditions.unmentioned,
    "population": population.unmentioned,
}


def cited_texts(hits: Sequence[Hit], cited: Collection[str]) -> list[str]:
    """What counts as mentioned by the ``cited`` documents: their titles and retrieved passages."""
    return [t for h in hits if h.doc_id in cited for t in (h.document.title, h.text)]


def unmentioned(asked: str, texts: Sequence[str]) -> dict[str, list[str]]:
    """For each kind, the names ``asked`` holds that none of ``texts`` holds (kinds with none left out)."""
    found = {kind: missing(asked, texts) for kind, missing in KINDS.items()}
    return {kind: names for kind, names in found.items() if names}


def caveat(names: Sequence[str]) -> str | None:
    """The sentence an answer adds when the cited passages never mention ``names``."""
    if not names:
        return None
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"None of the cited passages mentions {named}; check whether the findings apply."


def caveats_for(asked: str, texts: Sequence[str]) -> list[str]:
    """The caveats of an answer to ``asked`` (the asker's own words) citing documents whose
    ``cited_texts`` are ``texts``: one sentence per kind it names that the texts do not."""
    return [note for names in unmentioned(asked, texts).values() if (note := caveat(names))]
