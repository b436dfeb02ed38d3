"""What a PDF's first page says about the article when no metadata does: its title and DOI.

Both are fallbacks (a metadata sidecar, a bibliography record or the PDF's own title metadata come
first). The title rule: the first line of at least four words that is not a header, licence, date,
author or affiliation line, joined with the lines that continue it in lower case. On the 19 PDFs of
``../shared/data/pdfs`` without their metadata sidecar, the title chosen (the PDF's own title
metadata when the first page prints it, else this rule) is the article's title, or its start, for
15; for 4 it is wrong (a journal's name, a licence line, an author's initials, letters spaced out by
the text extraction).
"""

from __future__ import annotations

import re

from rag.readers.meta import normalize_doi

_NOT_TITLE = re.compile(
    r"(https?://|www\.|\bdoi\b|©|copyright|received|accepted|published|journal|\bvol\b|volume|issn|"
    r"open access|licen[cs]e|\barticle\b|citation|correspondence|declarations|@|;)",
    re.I,
)
_SPACED_CAPITALS = re.compile(r"(?:[A-Z] ){2,}")  # "R E V I E W"
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>()]+[^\s\"<>().,;])")


def title_of(first_page: str) -> str | None:
    lines = [line.strip() for line in first_page.splitlines() if line.strip()][:25]
    for i, line in enumerate(lines):
        if (
            len(line.split()) < 4
            or _NOT_TITLE.search(line)
            or sum(c.isdigit() for c in line) > 2
            or _SPACED_CAPITALS.match(line)
        ):
            continue
        title = [line]
        for following in lines[i + 1 : i + 4]:
            if not following[:1].islower():
                break
            title.append(following)
        text = " ".join(title)
        return text if len(text.split()) <= 40 else None
    return None


def doi_of(first_page: str) -> str | None:
    """The first DOI printed on the page (an article prints its own at the top or foot)."""
    match = _DOI.search(first_page)
    if not match:
        return None
    return normalize_doi(re.sub(r"(doi|https?):?.*$", "", match.group(1), flags=re.I).rstrip(".,;:"))


def printed_on(title: str, first_page: str) -> bool:
    """Whether ``title`` (of the PDF's metadata) is printed on the first page: titles such as
    "Title", "Microsoft Word - draft.docx" or a journal's name are not the article's."""
    words = re.findall(r"\w+", title.lower())
    return len(words) >= 4 and " ".join(words) in " ".join(re.findall(r"\w+", first_page.lower()))
