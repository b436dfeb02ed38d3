"""British and American spellings of the same medical word: "tumour" and "tumor", "oesophagus" and
"esophagus", "haemorrhage" and "hemorrhage", "randomised" and "randomized", "anaemia" and "anemia".

The literature uses both, and so do the clinicians asking. BM25 matches words exactly (after Snowball
stemming, which keeps the two apart: "tumour" and "tumor", "randomis" and "random"), so a query's
words are searched in both spellings (``with_variants``); the answer types match what a question asks
about in a sentence through one folded form (``american``). Rules, not a dictionary: a variant no
passage uses adds nothing to a BM25 score.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z]+")
MIN_LETTERS = 5

# British → American, word by word
_TO_AMERICAN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"([a-z])ae(?=[a-z])", r"\1e"),  # haemorrhage, paediatric, anaemia, ischaemic
        (r"^[ao]e(?=[a-z]{3})", "e"),  # oesophagus, oedema, oestrogen, aetiology
        (r"^(f|c)oe(?=[tl])", r"\1e"),  # foetal, coeliac (not "microerythrocyte", "neuroendocrine")
        (r"(?<=[a-z]{2})oea(s|l)?$", r"ea\1"),  # diarrhoea, dyspnoea, apnoea
        (r"(?<=[a-z]{3})our(s|ed|ing)?$", r"or\1"),  # tumour, behaviour, colour, labour
        (r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$", r"iz\1"),  # randomised, hospitalisation
        (r"(?<=[a-z]{3})ys(e|ed|es|ing)$", r"yz\1"),  # analyse, paralysed
        (r"(?<=[a-z]{2})(t|b)re(s)?$", r"\1er\2"),  # centre, fibre, litre
    )
)
# American → British: the suffixes, and the Greek "ae"/"oe" of medical words' usual stems
_TO_BRITISH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[a-z]{3})or(s)?$", r"our\1"),
        (r"(?<=[a-z]{3})iz(e|ed|es|ing|ation|ations)$", r"is\1"),
        (r"(?<=[a-z]{3})yz(e|ed|es|ing)$", r"ys\1"),
        (r"(?<=[a-z]{2})(t|b)er(s)?$", r"\1re\2"),
        (r"^hem(?=[a-z]{3})", "haem"),
        (r"(?<=[a-z]{2})emi(a|as|c|cs)$", r"aemi\1"),  # anemia, ischemic, leukemia, septicemia
        (r"^(esophag|edem|estr)", r"o\1"),
        (r"^(etiolog)", r"a\1"),
        (r"^fet(al|us|uses)$", r"foet\1"),
        (r"^(p|orthop|gyn|an|c)(e)(diatr|dic|dist|col|sthe|sarea)", r"\1a\2\3"),  # paediatric, anaesthesia
        (r"^celiac", "coeliac"),
        (r"(diarrh|dyspn|apn|amenorrh|gonorrh|seborrh)ea(s|l)?$", r"\1oea\2"),
    )
)


# both below are cached: a query's words recur (the cache holds at most 65,536 words of each)
@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """``word`` (lower case) in American spelling, as far as the rules above know it; a word shorter
    than five letters as it is ("does" is not "des")."""
    if len(word) < MIN_LETTERS:
        return word
    for pattern, replacement in _TO_AMERICAN:
        word = pattern.sub(replacement, word)
    return word


@lru_cache(maxsize=65536)
def variants(word: str) -> frozenset[str]:
    """The other spellings of ``word`` (lower case) that the rules above give, without ``word``; none
    for a word shorter than five letters."""
    if len(word) < MIN_LETTERS:
        return frozenset()
    us = american(word)
    found = {us}
    for pattern, replacement in _TO_BRITISH:
        uk = pattern.sub(replacement, us)
        if uk != us:
            found.add(uk)
    return frozenset(found - {word})


def in_american(text: str) -> str:
    """``text`` lower-cased, each word in American spelling."""
    return _WORD.sub(lambda m: american(m.group()), text.lower())


def with_variants(query: str) -> str:
    """``query`` followed by its words' other spellings (for BM25: each is searched as well)."""
    extra = sorted({v for w in _WORD.findall(query.lower()) for v in variants(w)})
    return " ".join([query, *extra]) if extra else query
