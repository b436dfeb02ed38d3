"""Words a PDF ran together: "Andthenwhenyouseeotherpeopleandstart" → "And then when you see other
people and start".

Some PDFs set a passage (a quotation from an interview, a table's note) in a font whose spaces are not
glyphs, and pypdf reads it as one long "word". Such a run reads badly when quoted and matches nothing
in BM25. ``respace`` splits a long run of letters into the words the same document uses elsewhere
(and common function words), fewest words first; it leaves a run alone unless every piece is such a
word and one of them is a function word ("the", "and", "of" …), so a long medical term
("electroencephalography", "thrombocytopenia") the document happens not to repeat is never cut.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from rag.text.terms import STOPWORDS

MIN_RUN = 16  # letters in a run before it is considered: English words that long are rare
MIN_PIECES = 3  # a split into two could be a compound; three words with a function word is prose
_LETTERS = re.compile(r"[A-Za-z]+")
_RUN = re.compile(rf"\b[A-Za-z]{{{MIN_RUN},}}\b")
# the only words of one or two letters a split may make ("methyl transfer as es" is no split of
# "methyltransferases")
_SHORT = frozenset(
    "a i of to in on at as is it an or be by we he me my no so up us do go if am".split()  # noqa: SIM905
)
# a run with capitals inside (other than the pronoun "I") is a name or code ("DESeqDataSetFromMatrix")
_CAPITAL_INSIDE = re.compile(r"(?<=.)(?!I)[A-Z]")


def respace(pages: list[str]) -> list[str]:
    """``pages`` with the runs of letters a PDF glued together split into words (module docstring)."""
    counts = Counter(w.lower() for page in pages for w in _LETTERS.findall(page))
    words = {w for w in counts if len(w) > 2} | {w for w in STOPWORDS if len(w) > 2}
    known = frozenset(words | _SHORT)
    longest = max(map(len, known), default=0)
    return [_RUN.sub(lambda m: _split(m.group(), known, longest), page) for page in pages]


def _split(run: str, known: frozenset[str], longest: int) -> str:
    """``run`` as words of ``known`` (none longer than ``longest``), or unchanged when it is not prose
    (module docstring)."""
    if _CAPITAL_INSIDE.search(run):
        return run
    pieces = _fewest(run.lower(), known, longest)
    if pieces is None or len(pieces) < MIN_PIECES or not any(p in STOPWORDS for p in pieces):
        return run
    out, start = [], 0
    for piece in pieces:  # the run's own letters and case
        out.append(run[start : start + len(piece)])
        start += len(piece)
    return " ".join(out)


def _fewest(text: str, known: frozenset[str], longest: int) -> list[str] | None:
    """The split of ``text`` into the fewest words of ``known`` other than ``text`` itself (read once
    as a "word"); ``None`` when there is none."""

    @cache
    def best(start: int) -> tuple[str, ...] | None:
        if start == len(text):
            return ()
        found: tuple[str, ...] | None = None
        for end in range(min(len(text) - (start == 0), start + longest), start, -1):
            word = text[start:end]
            if (
                word in known
                and (rest := best(end)) is not None
                and (found is None or len(rest) + 1 < len(found))
            ):
                found = (word, *rest)
        return found

    result = best(0)
    return list(result) if result is not None else None
