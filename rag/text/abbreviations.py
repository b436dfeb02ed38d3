"""Abbreviations a text defines: "complete response (CR)" → ``{"CR": "complete response"}``.

Abstracts define an abbreviation once ("Patients who had low rectal tumors with complete response
(CR) were not submitted to surgical treatment.") and then use it alone ("Among the 10 cases with CR,
8 presented with local recurrence …"), so a sentence may say what a question asks about in letters
the question never uses. The long form is found as Schwartz and Hearst (2003) do: the short form
(2–10 characters, starting with a letter or digit and holding a capital) in parentheses, and the
shortest run of words just before it whose letters contain the short form's characters in order,
its first character starting a word.
"""

from __future__ import annotations

import re

from rag.text.terms import STOPWORDS

_DEFINED = re.compile(r"\(\s*([A-Za-z0-9][\w\-/]{1,9})\s*\)")
_WORD = re.compile(r"[\w\-']+")


def definitions(text: str) -> dict[str, str]:
    """``{short form: long form}`` of the abbreviations ``text`` defines in parentheses."""
    found: dict[str, str] = {}
    for match in _DEFINED.finditer(text):
        short = match.group(1)
        if not any(ch.isupper() for ch in short) or not short[0].isalnum():
            continue
        before = _WORD.findall(text[: match.start()])
        window = before[-min(len(short) + 5, 2 * len(short)) :]
        long = _long_form(short, window)
        if long and short not in found:
            found[short] = long
    return found


def _long_form(short: str, words: list[str]) -> str | None:
    """The shortest run of ``words`` ending the list that the short form abbreviates (see module)."""
    for start in range(len(words) - 1, -1, -1):
        candidate = " ".join(words[start:])
        if _abbreviates(short.lower(), candidate.lower()):
            return candidate if candidate.lower() != short.lower() else None
    return None


def _abbreviates(short: str, long: str) -> bool:
    """Schwartz and Hearst's match: each character of ``short`` (letters and digits), right to left,
    found in ``long`` right to left, the first one at the start of a word of ``long``."""
    s, lf = len(short) - 1, len(long) - 1
    while s >= 0:
        ch = short[s]
        if not ch.isalnum():
            s -= 1
            continue
        while lf >= 0 and (long[lf] != ch or (s == 0 and lf > 0 and long[lf - 1].isalnum())):
            lf -= 1
        if lf < 0:
            return False
        s -= 1
        lf -= 1
    return True


_TOKEN = re.compile(r"[\w-]+")


def long_forms(text: str, defined: dict[str, str]) -> list[str]:
    """The long forms of the abbreviations of ``defined`` that ``text`` uses as whole words ("Among the
    10 cases with CR, …" uses "complete response"; not "CRT-related" nor "CR-like")."""
    words = set(_TOKEN.findall(text))

    def used(short: str) -> bool:
        if _TOKEN.fullmatch(short):  # a word of letters, digits and hyphens: looked up, not searched
            return short in words
        return bool(re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text))

    return [long for short, long in defined.items() if used(short)]


_LETTERS = re.compile(r"[A-Za-z]+")
SPELLED_WORDS = 6  # the longest run of words an abbreviation a question spells out may stand for


def spelled_out(text: str) -> dict[str, str]:
    """``{short form: long form}`` for the abbreviations ``text``'s runs of two to ``SPELLED_WORDS``
    words other than stopwords would have, a hyphenated word counting as its parts: "What is the risk
    of heparin-induced thrombocytopenia …?" spells out "HIT", which a review uses undefined («… the
    risk of bleeding and HIT to be 3.9% and 0.7% respectively»). Matched in capitals only."""
    out: dict[str, str] = {}
    run: list[str] = []
    for word in [*_LETTERS.findall(text), ""]:
        if word and word.lower() not in STOPWORDS:
            run.append(word)
            continue
        for n in range(2, SPELLED_WORDS + 1):
            for start in range(len(run) - n + 1):
                words = run[start : start + n]
                out.setdefault("".join(w[0] for w in words).upper(), " ".join(words))
        run = []
    return out
