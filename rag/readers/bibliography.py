"""RIS and BibTeX files as metadata sources for PDFs (parsed with rispy and bibtexparser).

A PDF is matched to a record by DOI (a DOI of the record appearing on the PDF's first page), else
by normalised title (the record's title appearing in the first page's text, or equal to the PDF's
own title metadata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ReaderError
from rag.readers.meta import normalize_doi, parse_year

SUFFIXES = (".ris", ".bib")
MAX_RECORDS = 50_000  # a reference library larger than this is split before use
MAX_FIELD_CHARS = 20_000  # a title, journal or author list longer than this is not bibliographic data


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Bibliography:
    records: tuple[dict[str, Any], ...]

    def match(self, first_page: str, pdf_title: str = "") -> dict[str, Any] | None:
        """The record describing a PDF, from its first page's raw text and its title metadata."""
        page_dois = {
            d.lower() for d in (normalize_doi(m) for m in re.findall(r"10\.\d{4,9}/\S+", first_page)) if d
        }
        for record in self.records:
            if record.get("doi") and record["doi"].lower() in page_dois:
                return record
        page = _norm(first_page[:3000])
        title = _norm(pdf_title)
        for record in self.records:
            t = _norm(record.get("title") or "")
            if len(t) > 20 and (t in page or t == title):
                return record
        return None


def load_bibliography(path: Path) -> Bibliography:
    """Read a ``.ris`` or ``.bib`` file into records with ``title, journal, year, doi, pmid, authors``."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if path.suffix.lower() == ".ris":
            import rispy

            entries = rispy.loads(text)
            records = [_from_ris(e) for e in entries]
        else:
            import bibtexparser

            # @string macros are expanded here, within a budget, not by the parser (a 553-byte file of
            # 20 doubling macros expands to a 10 MB title)
            parser = bibtexparser.bparser.BibTexParser(common_strings=True, interpolate_strings=False)
            db = bibtexparser.loads(text, parser=parser)
            expand = _Expander(db.strings, str(path))
            records = [_from_bibtex({k: expand(v) for k, v in e.items()}) for e in db.entries]
    except (OSError, ValueError, KeyError, RecursionError) as exc:
        raise ReaderError(str(path), f"cannot parse the bibliography ({exc})") from exc
    if len(records) > MAX_RECORDS:
        raise ReaderError(str(path), f"{len(records)} records; split the library into files of {MAX_RECORDS}")
    return Bibliography(tuple(r for r in records if r.get("title")))


class _Expander:
    """BibTeX field values with their ``@string`` macros expanded, at most ``MAX_FIELD_CHARS`` each."""

    def __init__(self, strings: dict[str, Any], path: str) -> None:
        self.strings = {k.lower(): v for k, v in strings.items()}
        self.path = path
        self.memo: dict[str, str] = {}
        self.open: set[str] = set()

    def __call__(self, value: Any) -> str:
        if isinstance(value, str):
            return value
        parts: list[str] = []
        size = 0
        for item in getattr(value, "expr", [value]):
            text = item if isinstance(item, str) else self.macro(str(getattr(item, "name", item)).lower())
            size += len(text)
            if size > MAX_FIELD_CHARS:
                raise ReaderError(
                    self.path,
                    f"@string macros expand a field beyond {MAX_FIELD_CHARS} characters; "
                    "this is not a bibliography (remove the @string definitions)",
                )
            parts.append(text)
        return "".join(parts)

    def macro(self, name: str) -> str:
        if name in self.memo:
            return self.memo[name]
        if name not in self.strings:
            return ""  # as BibTeX does with an undefined macro (after a warning)
        if name in self.open:
            raise ReaderError(self.path, f"@string {name!r} is defined in terms of itself")
        self.open.add(name)
        self.memo[name] = self(self.strings[name])
        self.open.discard(name)
        return self.memo[name]


def _from_ris(e: dict[str, Any]) -> dict[str, Any]:
    pmid = None
    for note in [*(e.get("notes") or []), *(e.get("urls") or []), e.get("accession_number") or ""]:
        m = re.search(r"(?:PMID|pubmed)[:/ ]*(\d{4,9})", str(note), re.IGNORECASE)
        if m:
            pmid = m.group(1)
    return {
        "title": e.get("title") or e.get("primary_title"),
        "journal": e.get("secondary_title") or e.get("journal_name") or e.get("alternate_title3"),
        "year": parse_year(e.get("year") or e.get("publication_year") or e.get("date")),
        "doi": normalize_doi(e.get("doi")),
        "pmid": pmid,
        "authors": tuple(e.get("authors") or e.get("first_authors") or ()),
    }


def _from_bibtex(e: dict[str, Any]) -> dict[str, Any]:
    pmid = e.get("pubmed_id") or e.get("pmid")
    if not pmid:
        m = re.search(r"pubmed[^0-9]*(\d{4,9})", e.get("url", "") + " " + e.get("note", ""), re.IGNORECASE)
        pmid = m.group(1) if m else None
    return {
        "title": re.sub(r"[{}]", "", e.get("title", "")).strip() or None,
        "journal": re.sub(r"[{}]", "", e.get("journal", "")).strip() or None,
        "year": parse_year(e.get("year")),
        "doi": normalize_doi(e.get("doi")),
        "pmid": pmid,
        "authors": tuple(a.strip() for a in e.get("author", "").split(" and ") if a.strip()),
    }
