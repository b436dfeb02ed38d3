"""Text normalisation for extracted PDF pages.

``expand_ligatures`` spells out typographic ligatures ("ﬁ", "ﬀ": one glyph in the PDF, two letters
to a reader, to BM25 and to the embedder's vocabulary). ``normalize_pages`` removes running headers
and footers (lines repeated on many pages, with digits ignored), bare page numbers, cuts the
reference list, joins hyphenated line breaks and turns the remaining line breaks into spaces, so
sentences can be found and quoted as prose.
"""

from __future__ import annotations

import re
from collections import Counter

_REFERENCE_HEADING = re.compile(
    r"^\s*(?:\d+\.?\s*)?(references?|bibliography|literature cited|reference list|works cited)\s*:?\s*$",
    re.IGNORECASE,
)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\u00a0]+")
_SPACED_BREAK = re.compile(r"[a-z] -$")  # a word broken at the line's end, the hyphen set apart
# Unicode's Latin ligatures (U+FB00–FB06), as NFKC spells them; pypdf passes them through as one glyph
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


def expand_ligatures(text: str) -> str:
    """Spell out ligature glyphs: "signiﬁcantly" → "significantly" (NFKC, for ligatures only)."""
    return text.translate(_LIGATURES)


def normalize_pages(pages: list[str]) -> list[str]:
    """Normalise the raw text of each page (see module docstring); returns one string per page.

    Pages after the reference heading come back empty, so page numbering is kept.
    """
    lines = [[ln.strip() for ln in page.splitlines()] for page in pages]
    repeated = _repeated_lines(lines)
    cleaned: list[list[str]] = []
    for page in lines:
        kept = [ln for ln in page if ln and not _PAGE_NUMBER.match(ln) and _shape(ln) not in repeated]
        cleaned.append(kept)
    cleaned = _cut_references(cleaned)
    cleaned = _cut_front_matter(cleaned)
    return [_join_lines(page) for page in cleaned]


_ABSTRACT_HEADING = re.compile(r"^\s*(abstract|summary)\b", re.IGNORECASE)


def _cut_front_matter(pages: list[list[str]]) -> list[list[str]]:
    """Drop the title block (title, authors, affiliations) before an "Abstract" heading on page 1."""
    if not pages or not pages[0]:
        return pages
    first = pages[0]
    for i, line in enumerate(first[: max(1, len(first) // 2)]):
        if _ABSTRACT_HEADING.match(line):
            return [first[i:]] + pages[1:]
    return pages


def _shape(line: str) -> str:
    return re.sub(r"\d+", "#", line.lower())


def _repeated_lines(pages: list[list[str]]) -> set[str]:
    """Lines among the first or last three of a page that recur on at least half the pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for page in pages:
        edge = [ln for ln in page if ln][:3] + [ln for ln in page if ln][-3:]
        counts.update({_shape(ln) for ln in edge})
    return {shape for shape, n in counts.items() if n >= max(3, len(pages) // 2)}


def _cut_references(pages: list[list[str]]) -> list[list[str]]:
    """Drop everything from the last reference-list heading on (only past the first quarter of the text)."""
    total = sum(len(p) for p in pages)
    seen = 0
    cut: tuple[int, int] | None = None
    for pi, page in enumerate(pages):
        for li, line in enumerate(page):
            if _REFERENCE_HEADING.match(line) and seen + li >= total * 0.25:
                cut = (pi, li)
        seen += len(page)
    if cut is None:
        return pages
    pi, li = cut
    return pages[:pi] + [pages[pi][:li]] + [[] for _ in pages[pi + 1 :]]


def _is_heading(line: str) -> bool:
    """A short line without closing punctuation that starts with a capital or a section number."""
    words = line.split()
    return 0 < len(words) <= 6 and line[-1] not in ".,;:?!)-" and (line[0].isupper() or line[0].isdigit())


def _join_lines(lines: list[str]) -> str:
    """Join a page's lines into prose: hyphenated breaks mended, other breaks become spaces,
    except around headings, which stay on lines of their own (a sentence boundary)."""
    parts: list[str] = []
    prev_heading = False
    for i, line in enumerate(lines):
        heading = _is_heading(line) and (i == 0 or lines[i - 1][-1] in ".:?!" or prev_heading)
        if not parts:
            parts.append(line)
        elif heading or prev_heading:
            parts.append("\n" + line)
        elif parts[-1].endswith("-") and len(parts[-1]) > 1:
            left, right = parts[-1][-2], line[0]
            # "treat-" + "ment" -> "treatment"; "COVID-" + "19" -> "COVID-19"; some typesetters
            # (BMC's) extract as "glu -" + "cose" -> "glucose"
            if _SPACED_BREAK.search(parts[-1]) and right.islower():
                parts[-1] = parts[-1][:-2]
            elif left.islower() and right.islower():
                parts[-1] = parts[-1][:-1]
            parts.append(line)
        else:
            parts.append(" " + line)
        prev_heading = heading
    return _SPACES.sub(" ", "".join(parts)).strip()


def clean_inline(text: str) -> str:
    """Collapse whitespace in a short field (title, abstract section)."""
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()
