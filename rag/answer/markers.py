"""A source's own reference markers inside quoted text, told apart from the answer's citations.

Papers cite their own references as "[10]", "[3, 4]", "(12)", or with superscript digits that text
extraction glues to the word or stop before them ("pathway1", "repair3-7,10,11", "tuberculosis.12").
Quotes stay verbatim in the stored citation (offsets unchanged); what is shown to the user renders
each marker as superscript digits, so "[10]" can never be read as the answer's reference [10].
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
