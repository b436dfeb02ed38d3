"""Reference formatting: ``Title. Journal, Year.`` with a PubMed or DOI link."""

from __future__ import annotations

from rag.types import Reference


def reference_url(pmid: str | None, doi: str | None) -> str | None:
    """PubMed page when a PMID is known, else the DOI resolver."""
    if pmid:
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    if doi:
        return f"https://doi.org/{doi}"
    return None


def format_reference(title: str, journal: str | None, year: int | None) -> str:
    """``Title. Journal, Year.`` (parts that are unknown are left out)."""
    text = title.strip().rstrip(".")
    if not text.endswith(("?", "!")):
        text += "."
    tail = ", ".join(str(x) for x in (journal, year) if x)
    return f"{text} {tail}." if tail else text


def make_reference(
    n: int,
    *,
    doc_id: str,
    title: str,
    journal: str | None,
    year: int | None,
    pmid: str | None,
    doi: str | None,
    evidence_level: str | None = None,
) -> Reference:
    return Reference(
        evidence_level=evidence_level,
        n=n,
        doc_id=doc_id,
        title=title,
        journal=journal,
        year=year,
        pmid=pmid,
        doi=doi,
        url=reference_url(pmid, doi),
        formatted=format_reference(title, journal, year),
    )
