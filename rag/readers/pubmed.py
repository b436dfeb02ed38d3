"""PubMed/MEDLINE XML (``PubmedArticleSet`` as NCBI efetch, the baseline and the daily update
files have it), parsed as a stream.

Per article: PMID, title, abstract with its section labels, journal, year (``PubDate/Year`` or
parsed from ``MedlineDate``), authors (collective names included), DOI, MeSH headings and
publication types. Inline markup (``<i>``, ``<sup>``) is flattened to its text.

Update files also say what to do with articles they do not carry (``Notice``): a
``<DeleteCitation>`` removes its PMIDs; a retraction withdraws the retracted article, whether the
article's own record says ``CommentsCorrections RefType="RetractionIn"`` or the notice's record says
``RefType="RetractionOf"``. A revised record has the same PMID, so it replaces the stored one.
"""

from __future__ import annotations

import gzip
import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from rag.errors import ReaderError
from rag.readers.meta import build_document, parse_year
from rag.text.normalize import clean_inline
from rag.text.quotable import heading_length
from rag.types import Document, Notice, Section

_ARTICLE_TAGS = {"PubmedArticle", "MedlineCitation"}
MAX_GAP_BYTES = 64 * 1024**2  # an article is well under 1 MB; this much XML without one is hostile


class _Capped(io.RawIOBase):
    """A stream that stops with ``ReaderError`` once ``MAX_GAP_BYTES`` (unpacked) have been read since
    the last complete article: what the parser holds in memory stays bounded whatever the file."""

    def __init__(self, inner: IO[bytes], path: str) -> None:
        self.inner, self.path, self.gap = inner, path, 0

    def readable(self) -> bool:
        return True

    def article_done(self) -> None:
        self.gap = 0

    def read(self, size: int = -1) -> bytes:
        data = self.inner.read(size)
        self.gap += len(data)
        if self.gap > MAX_GAP_BYTES:
            raise ReaderError(
                self.path, f"{MAX_GAP_BYTES} bytes of XML without a complete article once unpacked (a bomb?)"
            )
        return data

    def close(self) -> None:
        self.inner.close()
        super().close()


def malformed(path: Path, exc: ET.ParseError) -> ReaderError:
    """The error for an XML file expat could not parse; running out of memory is not the file's fault,
    so it stays a ``MemoryError`` (an ingestion job's memory limit says so, not "malformed XML")."""
    if exc.code == 1 or "out of memory" in str(exc):  # XML_ERROR_NO_MEMORY
        raise MemoryError(f"parsing {path}: {exc}") from exc
    return ReaderError(str(path), f"malformed XML ({exc})")


def read_pubmed(path: Path) -> Iterator[Document | Notice]:
    """Yield the articles of a PubMed XML file (``.xml`` or ``.xml.gz``) that have a title and text,
    and the deletions and retractions it announces (after the article that announces them)."""
    raw: IO[bytes] = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")  # type: ignore[assignment]
    opener = _Capped(raw, str(path))
    depth = 0
    try:
        with opener as fh:
            # defusedxml: the DOCTYPE line of efetch output is fine, entity declarations (expansion
            # bombs) and external entities are refused
            for event, elem in DefusedET.iterparse(fh, events=("start", "end"), forbid_dtd=False):
                if event == "start":
                    if elem.tag in _ARTICLE_TAGS:
                        depth += 1
                    continue
                if elem.tag in _ARTICLE_TAGS:
                    depth -= 1
                    if depth == 0:
                        doc = _article(elem, str(path))
                        notices = _retractions(elem)
                        elem.clear()
                        opener.article_done()
                        if doc is not None:
                            yield doc
                        yield from notices
                elif elem.tag == "DeleteCitation" and depth == 0:
                    for pmid in elem.findall("PMID"):
                        if _text(pmid):
                            yield Notice(_text(pmid), "delete", "deleted from PubMed (DeleteCitation)")
                    elem.clear()
                    opener.article_done()
    except ET.ParseError as exc:
        raise malformed(path, exc) from exc
    except DefusedXmlException as exc:
        raise ReaderError(
            str(path), f"refused: the XML declares entities ({exc}); PubMed XML has none"
        ) from exc
    except (OSError, EOFError) as exc:
        raise ReaderError(str(path), f"cannot read the file ({exc})") from exc


def _text(elem: ET.Element | None) -> str:
    return clean_inline("".join(elem.itertext())) if elem is not None else ""


_INLINE_LABEL = frozenset({"b", "i", "u", "bold", "italic"})


def _labelled_parts(part: ET.Element) -> list[tuple[str | None, str]]:
    """An AbstractText's ``(label, text)`` parts. A structured abstract's part has its ``Label``; an
    unstructured one may still set its labels inline in bold ("<b>Background</b> Video-assisted …
    <b>Conclusion</b> CT-guided methylene blue staining …", PubMed 28131105): each becomes a part of
    its own, so its heading is a label, not the first word of a quoted sentence."""
    labels = [_label_of(child) for child in part]
    if part.get("Label") or not any(labels):
        return [(part.get("Label") or None, _text(part))]
    parts: list[tuple[str | None, list[str]]] = [(None, [part.text or ""])]
    for child, label in zip(part, labels, strict=True):
        if label:
            parts.append((label, [child.tail or ""]))
        else:
            parts[-1][1].extend(["".join(child.itertext()), child.tail or ""])
    return [(label, clean_inline("".join(texts))) for label, texts in parts]


def _label_of(child: ET.Element) -> str | None:
    """The section heading an inline element sets ("Background", "Methods:", "Materials and
    Methods"), without its colon; ``None`` for any other inline text."""
    if child.tag not in _INLINE_LABEL:
        return None
    words = clean_inline("".join(child.itertext())).rstrip(":. ")
    return words if words and heading_length(f"{words}: x") > 0 else None


def _article(elem: ET.Element, source: str) -> Document | None:
    citation = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
    if citation is None:
        return None
    article = citation.find("Article")
    pmid = _text(citation.find("PMID"))
    if article is None or not pmid:
        return None
    title = _text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle"))
    sections = tuple(
        Section(text=text, label=label)
        for part in article.findall("Abstract/AbstractText")
        for label, text in _labelled_parts(part)
        if text
    )
    if not sections:
        if not title:
            return None
        sections = (Section(text=title, label="TITLE"),)
    journal = article.find("Journal")
    pub_date = journal.find("JournalIssue/PubDate") if journal is not None else None
    year = None
    if pub_date is not None:
        year = parse_year(_text(pub_date.find("Year"))) or parse_year(_text(pub_date.find("MedlineDate")))
    doi = _doi(elem, article)
    meta = {
        "pmid": pmid,
        "title": title,
        "journal": _text(journal.find("Title")) if journal is not None else None,
        "journal_abbrev": _text(journal.find("ISOAbbreviation")) if journal is not None else None,
        "year": year,
        "doi": doi,
        "authors": tuple(_authors(article)),
        "mesh": [_text(m) for m in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")],
        "publication_types": [_text(p) for p in article.findall("PublicationTypeList/PublicationType")],
    }
    return build_document(meta, sections, source=source, fallback_id=pmid)


def _retractions(elem: ET.Element) -> list[Notice]:
    citation = elem if elem.tag == "MedlineCitation" else elem.find("MedlineCitation")
    if citation is None:
        return []
    pmid = _text(citation.find("PMID"))
    out = []
    for ref in citation.findall("CommentsCorrectionsList/CommentsCorrections"):
        other = _text(ref.find("PMID"))
        if not other or not pmid:
            continue
        if ref.get("RefType") == "RetractionIn":
            out.append(Notice(pmid, "withdraw", f"retracted (retraction notice: PMID {other})"))
        elif ref.get("RefType") == "RetractionOf":
            out.append(Notice(other, "withdraw", f"retracted (retraction notice: PMID {pmid})"))
    return out


def _doi(elem: ET.Element, article: ET.Element) -> str | None:
    for loc in article.findall("ELocationID"):
        if loc.get("EIdType") == "doi" and _text(loc):
            return _text(loc)
    for aid in elem.findall("PubmedData/ArticleIdList/ArticleId"):
        if aid.get("IdType") == "doi" and _text(aid):
            return _text(aid)
    return None


def _authors(article: ET.Element) -> Iterator[str]:
    for author in article.findall("AuthorList/Author"):
        collective = _text(author.find("CollectiveName"))
        if collective:
            yield collective
            continue
        last = _text(author.find("LastName"))
        initials = _text(author.find("Initials"))
        if last:
            yield f"{last} {initials}".strip()
