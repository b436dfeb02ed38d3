"""PDF reader (pypdf): one section per page, normalised, reference list cut, words run together split
(``rag.text.spacing``)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from rag.errors import ReaderError
from rag.readers.bibliography import Bibliography
from rag.readers.first_page import doi_of, printed_on, title_of
from rag.readers.meta import build_document
from rag.text.normalize import clean_inline, expand_ligatures, normalize_pages
from rag.text.spacing import respace
from rag.types import Document, Section

MIN_TEXT_CHARS = 200
MAX_PAGES = 2000  # a journal article has tens; thousands of pages is a hostile or wrong file

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(
    path: Path, meta: dict[str, Any] | None = None, bibliography: Bibliography | None = None
) -> Document:
    """Read a PDF; ``meta`` (its row of a metadata sidecar) overrides what the PDF says about itself, and a
    matching record of ``bibliography`` (RIS/BibTeX) fills what is still missing."""
    meta = dict(meta or {})
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReaderError(str(path), "the PDF is encrypted; save a decrypted copy and ingest that")
        if len(reader.pages) > MAX_PAGES:
            raise ReaderError(
                str(path), f"{len(reader.pages)} pages, more than the {MAX_PAGES} an article may have"
            )
        raw_pages = [expand_ligatures(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
    except ReaderError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ReaderError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many internal types on damaged files
        raise ReaderError(str(path), f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if bibliography is not None:
        record = bibliography.match(
            raw_pages[0] if raw_pages else "", str(info.title) if info and info.title else ""
        )
        for key, value in (record or {}).items():
            if value and not meta.get(key):
                meta[key] = value
    pages = respace(normalize_pages(raw_pages))
    if sum(len(p) for p in pages) < MIN_TEXT_CHARS:
        raise ReaderError(
            str(path), "the PDF has no extractable text (a scanned image?); run OCR on it first"
        )
    first = raw_pages[0] if raw_pages else ""
    if not meta.get("title"):  # the PDF's own title when its first page prints it, else the page's
        own = clean_inline(str(info.title)) if info is not None and info.title else ""
        meta["title"] = (own if printed_on(own, first) else title_of(first)) or path.stem
    if not meta.get("doi") and not meta.get("pmid"):
        meta["doi"] = doi_of(first)  # also the document's id: the same paper again is the same document
    sections = tuple(Section(text=text, page=i + 1) for i, text in enumerate(pages) if text)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return build_document(meta, sections, source=str(path), fallback_id=f"sha256:{digest}")
