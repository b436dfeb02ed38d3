"""A source's own reference markers inside quoted text, told apart from the answer's citations.

Papers cite their own references as "[10]", "[3, 4]", "(12)", or with superscript digits that text
extraction glues to the word or stop before them ("pathway1", "repair3-7,10,11", "tuberculosis.12").
Quotes stay verbatim in the stored citation (offsets unchanged); what is shown to the user renders
each marker as superscript digits, so "[10]" can never be read as the answer's reference [10].

A sentence may also report what *other* work found ("Evangelista et al. found that …", "has been
shown to …"); ``cites_other_work`` tells the answer to say so rather than "the study found".
"""

from __future__ import annotations

import re

_NUMBERS = r"\d{1,3}(?:\s*[-–—,]\s*\d{1,3})*"
MARKER = re.compile(
    "|".join(
        [
            rf"\s?\[\s*{_NUMBERS}\s*\]",  # [10], [3, 4], [3–7]
            # thrombocytopenia (12). trial(3); not a chemical formula's subscript: "PaCO(2)", "O(2)"
            rf"(?:(?<=[A-Za-z\]\)])\s|(?<=[a-z\]\)]))\(\s*{_NUMBERS}\s*\)(?=[\s.,;:]|$)",
            r"(?<=[a-z]{5})\d{1,3}(?:[-–,]\d{1,3})*(?=[\s.,;:)]|$)",  # fungi20, lineages4,6,21
            r"(?<=[a-z]{3}[.,;])\d{1,3}(?:[-–,]\d{1,3})*(?=\s|$)",  # tuberculosis.12 Next
        ]
    )
)
# a sentence about other work: named authors ("Evangelista et al."), earlier studies that showed
# something, or what "has been reported"; not the study's own work ("in this study … has been shown")
_OTHER_WORK = re.compile(
    r"\b[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+)?\s+et\s+al\b"
    r"|\b(?i:previous|prior|earlier|other|several|many|some|recent|published)\s+(?:[\w-]+\s+)?"
    r"(?:studies|reports|trials|authors|investigators|series|work)\s+(?:have\s+|has\s+)?(?:also\s+)?"
    r"(?:shown|showed|found|reported|demonstrated|suggested|described|indicated)\b"
    r"|\b(?:has|have)\s+(?:previously\s+|also\s+|recently\s+)?been\s+(?:previously\s+)?"
    r"(?:shown|reported|demonstrated|suggested|described|documented)\b(?!\s+(?:here|by\s+(?:us|our)\b))"
    r"|\b(?i:it)\s+(?:is|was)\s+(?:previously\s+)?(?:reported|shown|demonstrated)\s+that\b"
)
_OWN_WORK = re.compile(
    r"\b(?:in|from|by)\s+(?:this|the\s+present|our)\s+(?:work|study|paper|report|series)\b|\bwe\b", re.I
)
_SUPERSCRIPT = str.maketrans("0123456789-–—", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁻")
OUR_CITATION = re.compile(r"\[(\d+)\]")


def source_markers(text: str) -> list[tuple[int, int]]:
    """Spans of the source's own reference markers in ``text``."""
    return [m.span() for m in MARKER.finditer(text)]


def _superscript(marker: str) -> str:
    digits = re.sub(r"[\s\[\]()]", "", marker)
    return digits.translate(_SUPERSCRIPT)


def display(text: str) -> str:
    """``text`` with each source marker rendered as superscript digits ("agent [10]" → "agent¹⁰")."""
    return MARKER.sub(lambda m: _superscript(m.group(0)), text)


def cites_other_work(text: str) -> bool:
    """Does the sentence report what other work found ("Evangelista et al. found …", "X has been
    shown to …"), rather than the quoting study's own finding?"""
    return bool(_OTHER_WORK.search(text)) and not _OWN_WORK.search(text)
