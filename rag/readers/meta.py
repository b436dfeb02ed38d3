"""Turning loose metadata (manifest rows, JSON fields) into a ``Document``."""

from __future__ import annotations

import re
from typing import Any

from rag.types import Document, Section

_DOI = re.compile(r"10\.\d{4,9}/\S+")


def normalize_doi(value: object) -> str | None:
    """``https://doi.org/10.1/x`` or ``doi:10.1/x`` → ``10.1/x``; ``None`` when there is no DOI."""
    if value is None:
        return None
    match = _DOI.search(str(value))
    return match.group(0).rstrip(".") if match else None


def parse_year(value: object) -> int | None:
    """The first plausible four-digit year in ``value``."""
    if value is None:
        return None
    match = re.search(r"(1[89]\d\d|20\d\d)", str(value))
    return int(match.group(1)) if match else None


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def build_document(
    meta: dict[str, Any], sections: tuple[Section, ...], *, source: str, fallback_id: str
) -> Document:
    """Make a ``Document``: id is the given ``doc_id``, else PMID, else DOI, else ``fallback_id``."""
    pmid = _text(meta.get("pmid"))
    doi = normalize_doi(meta.get("doi"))
    doc_id = _text(meta.get("doc_id")) or pmid or doi or fallback_id
    authors = meta.get("authors") or ()
    if isinstance(authors, str):
        authors = tuple(a.strip() for a in re.split(r";|\band\b", authors) if a.strip())
    known = {"doc_id", "pmid", "doi", "title", "journal", "year", "authors", "file"}
    return Document(
        doc_id=doc_id,
        title=_text(meta.get("title")) or doc_id,
        sections=sections,
        journal=_text(meta.get("journal")),
        year=parse_year(meta.get("year")),
        pmid=pmid,
        doi=doi,
        authors=tuple(str(a) for a in authors),
        source=source,
        extra={k: v for k, v in meta.items() if k not in known and v not in (None, "")},
    )
