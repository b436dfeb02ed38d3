"""PMC full text: JATS/NLM XML (``.nxml``, or ``.xml`` whose root is ``<article>``).

One article per file: title, journal, year, PMID, PMCID and DOI from ``<front>``; the abstract's
sections, then the body's paragraphs, each labelled with its top-level section title
("Introduction", "Methods", "Results", "Discussion"), and every figure and table caption as its own
section ("Figure 1", "Table 2"). Not evidence, so not read: the reference list, acknowledgements,
funding, competing interests, author contributions, supplementary material and table cells.
In-text citations stay as printed ("[1]"): quotes are verbatim, and the answer shows them as the
source's own markers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from rag.errors import ReaderError
from rag.readers.meta import build_document, parse_year
from rag.readers.pubmed import malformed
from rag.text.normalize import clean_inline
from rag.types import Document, Section

MAX_BYTES = 64 * 1024**2  # the longest PMC articles are a few MB of XML
# Section titles (lower case, any word) that are never evidence.
_NOT_EVIDENCE = re.compile(
    r"\b(acknowledg|funding|financial|disclosure|competing|conflicts? of interest|author'?s'? contributions?"
    r"|contributors|supplementary|additional (files?|material)|abbreviations|references|declarations?"
    r"|availability of data|ethics approval|consent for publication|pre-publication history)",
    re.IGNORECASE,
)
_SKIP_TAGS = {"table", "disp-formula", "inline-formula", "supplementary-material", "ref-list", "fn-group"}
_CAPTIONED = {"fig", "table-wrap"}


def is_jats(path: Path) -> bool:
    """Whether an uncompressed ``.xml`` file's root element is a JATS ``<article>``."""
    if path.suffix.lower() != ".xml":
        return False
    with path.open("rb") as fh:
        head = fh.read(4096)
    return re.search(rb"<article[\s>]", head) is not None and b"<PubmedArticle" not in head


def read_jats(path: Path) -> Document:
    if path.stat().st_size > MAX_BYTES:
        raise ReaderError(str(path), f"larger than {MAX_BYTES // 1024**2} MB; not a single JATS article")
    try:
        root = DefusedET.parse(path, forbid_dtd=False).getroot()
    except ET.ParseError as exc:
        raise malformed(path, exc) from exc
    except DefusedXmlException as exc:
        raise ReaderError(str(path), f"refused: the XML declares entities ({exc}); JATS has none") from exc
    article = root if root.tag == "article" else root.find(".//article")
    meta_elem = article.find("front/article-meta") if article is not None else None
    if article is None or meta_elem is None:
        raise ReaderError(str(path), "no JATS <article> with <front>/<article-meta> found")
    ids = {a.get("pub-id-type"): _text(a) for a in meta_elem.findall("article-id")}
    pmcid = ids.get("pmc") or ids.get("pmcid")
    if pmcid and not pmcid.upper().startswith("PMC"):
        pmcid = f"PMC{pmcid}"
    abstract, body = _abstract(meta_elem), _body(article.find("body"))
    sections = [*abstract, *body]
    title = _text(meta_elem.find("title-group/article-title"))
    if not sections:
        if not title:
            raise ReaderError(str(path), "the article has neither text nor a title")
        sections = [Section(text=title, label="TITLE")]
    meta = {
        "pmid": ids.get("pmid"),
        "doi": ids.get("doi"),
        "pmcid": pmcid,
        "title": title,
        "journal": _text(article.find("front/journal-meta/journal-title-group/journal-title"))
        or _text(article.find("front/journal-meta/journal-title")),
        "year": _year(meta_elem),
        "authors": tuple(_authors(meta_elem)),
        "publication_types": [article.get("article-type")] if article.get("article-type") else [],
        "text_kind": "full_text" if article.find("body") is not None else "abstract",
        # the leading sections that are the abstract: sentence positions are measured within it
        "abstract_sections": len(abstract) if abstract and body else None,
    }
    return build_document(meta, tuple(sections), source=str(path), fallback_id=pmcid or path.stem)


def _text(elem: ET.Element | None) -> str:
    return clean_inline("".join(elem.itertext())) if elem is not None else ""


def _prose(elem: ET.Element) -> str:
    """A paragraph's words without nested tables, formulas or captioned floats."""
    parts: list[str] = [elem.text or ""]
    for child in elem:
        if child.tag not in _SKIP_TAGS and child.tag not in _CAPTIONED:
            parts.append(_prose(child))
        parts.append(child.tail or "")
    return clean_inline("".join(parts))


def _abstract(meta: ET.Element) -> list[Section]:
    out: list[Section] = []
    for abstract in meta.findall("abstract"):
        if abstract.get("abstract-type") in ("graphical", "teaser", "toc"):
            continue
        secs = abstract.findall("sec")
        if not secs:
            out.extend(Section(text=t, label="Abstract") for p in abstract.iter("p") if (t := _prose(p)))
        for sec in secs:
            label = _label(_text(sec.find("title")) or "Abstract")
            out.extend(Section(text=t, label=label) for p in sec.iter("p") if (t := _prose(p)))
    return out


def _body(body: ET.Element | None) -> list[Section]:
    if body is None:
        return []
    out: list[Section] = []
    loose = [Section(text=t, label="Body") for p in body.findall("p") if (t := _prose(p))]
    out.extend(loose)
    for sec in body.findall("sec"):
        title = _label(_text(sec.find("title")) or sec.get("sec-type") or "Body")
        if _NOT_EVIDENCE.search(title):
            continue
        out.extend(_section(sec, title))
    return out


def _section(sec: ET.Element, label: str) -> list[Section]:
    """Paragraphs of ``sec`` and its subsections, in order, under the top-level ``label``; then the
    captions of its figures and tables, each its own section."""
    paragraphs: list[Section] = []
    captions: list[Section] = []

    def walk(elem: ET.Element) -> None:
        for child in elem:
            if child.tag == "sec" and _NOT_EVIDENCE.search(_text(child.find("title"))):
                continue
            if child.tag == "p":
                if text := _prose(child):
                    paragraphs.append(Section(text=text, label=label))
                inner = (_caption(f) for f in child.iter() if f.tag in _CAPTIONED)
                captions.extend(c for c in inner if c is not None)
            elif child.tag in _CAPTIONED:
                if caption := _caption(child):
                    captions.append(caption)
            elif child.tag not in _SKIP_TAGS and child.tag not in ("title", "label"):
                walk(child)  # subsections, lists, boxed text

    walk(sec)
    return paragraphs + captions


def _caption(elem: ET.Element) -> Section | None:
    parts = (_text(elem.find("caption/title")), *map(_prose, elem.findall("caption/p")))
    text = " ".join(t for t in parts if t)
    if not text:
        return None
    name = _label(_text(elem.find("label")) or ("Figure" if elem.tag == "fig" else "Table"))
    return Section(text=text, label=name)


def _label(title: str) -> str:
    """ "discussion" → "Discussion", "Table 1." → "Table 1": labels as the abstract's are written."""
    title = title.strip().rstrip(".:")
    return title[:1].upper() + title[1:] if title.islower() else title


def _year(meta: ET.Element) -> int | None:
    dates = meta.findall("pub-date")
    published = ("epub", "ppub", "pub", "collection")
    for date in sorted(dates, key=lambda d: (d.get("pub-type") or d.get("date-type") or "") not in published):
        year = parse_year(_text(date.find("year")))
        if year:
            return year
    return None


def _authors(meta: ET.Element) -> list[str]:
    out = []
    for contrib in meta.findall("contrib-group/contrib"):
        if contrib.get("contrib-type") not in (None, "author"):
            continue
        collab = _text(contrib.find("collab"))
        surname = _text(contrib.find("name/surname"))
        given = _text(contrib.find("name/given-names"))
        initials = "".join(w[0] for w in re.findall(r"[^\W\d_]+", given)) if given else ""
        if surname:
            out.append(f"{surname} {initials}".strip())
        elif collab:
            out.append(collab)
    return out
