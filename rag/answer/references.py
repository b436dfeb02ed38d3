"""Reference formatting: ``Title. Journal, Year.`` with a PubMed or DOI link."""

from __future__ import annotations

from rag.types import DocumentInfo, Reference


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


def make_reference(n: int, document: DocumentInfo, *, evidence_level: str | None = None) -> Reference:
    """Reference number ``n`` for a retrieved document."""
    d = document
    return Reference(
        evidence_level=evidence_level,
        n=n,
        doc_id=d.doc_id,
        title=d.title,
        journal=d.journal,
        year=d.year,
        pmid=d.pmid,
        doi=d.doi,
        url=reference_url(d.pmid, d.doi),
        formatted=format_reference(d.title, d.journal, d.year),
    )
