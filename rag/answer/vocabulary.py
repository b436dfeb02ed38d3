"""A closed vocabulary of named groups (populations, conditions): which a text names, and which of
those a question names that the cited texts never do. Each group is a tuple of regular expressions,
matched case-insensitively as whole words (``(?-i:…)`` for capitals only)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping


class Vocabulary:
    def __init__(self, groups: Mapping[str, tuple[str, ...]]) -> None:
        self.patterns = {
            group: re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)
            for group, words in groups.items()
        }

    def named(self, text: str) -> list[str]:
        """The groups ``text`` names, in the vocabulary's order."""
        return [group for group, pattern in self.patterns.items() if pattern.search(text)]

    def unmentioned(self, question: str, cited_texts: Iterable[str]) -> list[str]:
        """The groups ``question`` names that none of ``cited_texts`` (titles and passages of the cited
        documents) names."""
        asked = self.named(question)
        if not asked:
            return []
        text = "\n".join(cited_texts)
        return [group for group in asked if not self.patterns[group].search(text)]
