"""What an answer's cited passages do not cover of what was asked: the populations
(``rag.answer.population``) and the drugs (``rag.answer.drugs``) a question names that no cited
document's title or retrieved passages mention. Each becomes one sentence of ``Answer.caveats``:
"None of the cited passages mentions aspirin; check whether the findings apply."
"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer import drugs, population


def caveat(names: Sequence[str]) -> str | None:
    """The sentence an answer adds when the cited passages never mention ``names``."""
    if not names:
        return None
    named = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"None of the cited passages mentions {named}; check whether the findings apply."


def caveats_for(asked: str, cited_texts: Sequence[str]) -> list[str]:
    """The caveats of an answer to ``asked`` (the asker's own words) citing ``cited_texts``: one for
    the drugs, one for the populations it names that the cited texts do not."""
    notes = (
        caveat(drugs.unmentioned(asked, cited_texts)),
        caveat(population.unmentioned(asked, cited_texts)),
    )
    return [note for note in notes if note]
