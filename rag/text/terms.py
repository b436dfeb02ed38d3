"""Content words: lower-cased, stopwords removed, Snowball-stemmed (for overlap and topic terms)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import Stemmer

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an the of in on for to and or with without by from at as is are was were be been being do does did
    what which who whom whose when where why how there their this that these those it its into than then
    any all some can could should would may might must will shall not no yes about between among versus vs
    patients patient study studies""".split()  # noqa: SIM905
)


@lru_cache(maxsize=1)
def stemmer() -> Any:
    """The shared PyStemmer Snowball English stemmer."""
    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    """The Snowball (English) stem of a lower-case word."""
    return str(stemmer().stemWord(word))


def content_terms(text: str) -> set[str]:
    """Stemmed, lower-cased words of ``text`` without stopwords."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS and len(w) > 1]
    return set(stemmer().stemWords(words))
