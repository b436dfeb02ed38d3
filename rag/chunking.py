"""Sentence-aware chunking of documents into passages.

Sentences are packed greedily into passages of about ``chunk_words`` words; consecutive passages
share ``overlap_sentences`` sentences. A sentence is never cut: one longer than the target becomes
a passage of its own. Passages do not cross section boundaries (a PDF page break inside a
paragraph is the exception: pages are joined first, so the page range is kept instead).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rag.config import CHUNK_WORDS, OVERLAP_SENTENCES
from rag.errors import InvalidInput
from rag.text.cues import sentence_cues
from rag.text.quotable import quote_spans
from rag.text.sentences import split_sentences
from rag.types import Document, Passage, Section

SECTION_SEPARATOR = "\n\n"
# A line that is only "Introduction" or "Background" (maybe numbered: "1. Introduction"), far enough
# into the text not to be the abstract's own first heading: where a full text's body begins.
_BODY_HEADING = re.compile(
    r"(?m)^[ \t]*(?:(?:\d{1,2}|[IVX]{1,4})\.?[ \t]+)?"
    r"(?:Introduction|INTRODUCTION|Background|BACKGROUND)[ \t]*$"
)
_MIN_ABSTRACT_CHARS = 200


@dataclass(frozen=True, slots=True)
class ChunkingParams:
    """Chunking parameters, recorded in the index manifest."""

    chunk_words: int = CHUNK_WORDS
    overlap_sentences: int = OVERLAP_SENTENCES

    def __post_init__(self) -> None:
        if self.chunk_words < 1:
            raise InvalidInput(f"the passage size must be at least 1 word, got {self.chunk_words}")
        if self.overlap_sentences < 0:
            raise InvalidInput(f"the overlap must be zero or more sentences, got {self.overlap_sentences}")

    def merged(self, chunk_words: int | None, overlap_sentences: int | None) -> ChunkingParams:
        """These parameters with the given ones (``None``: keep this one) put in their place."""
        return ChunkingParams(
            chunk_words=self.chunk_words if chunk_words is None else chunk_words,
            overlap_sentences=self.overlap_sentences if overlap_sentences is None else overlap_sentences,
        )


def full_text(doc: Document) -> str:
    """The document's text as stored: its sections joined by blank lines."""
    return SECTION_SEPARATOR.join(s.text for s in doc.sections)


def body_start(doc: Document) -> int | None:
    """Where a full text's body begins after its abstract, as an offset into ``full_text(doc)``;
    ``None`` when the document is an abstract alone or its structure is not known.

    A reader that knows the structure says how many leading sections are the abstract
    (``extra["abstract_sections"]``, JATS); otherwise the body begins at the first line that is only
    an "Introduction" or "Background" heading, after the first 200 characters and within the first
    half of the text (PDFs). Sentence positions are measured within the abstract or the body
    (``rag.answer.select.features``), as they are within the abstracts the selector learned from.
    """
    sections = doc.extra.get("abstract_sections")
    if isinstance(sections, int) and 0 < sections < len(doc.sections):
        return sum(len(s.text) + len(SECTION_SEPARATOR) for s in doc.sections[:sections])
    text = full_text(doc)
    for match in _BODY_HEADING.finditer(text):
        if match.start() > len(text) // 2:
            break
        if match.start() >= _MIN_ABSTRACT_CHARS:
            return match.start()
    return None


def with_body_start(doc: Document) -> Document:
    """``doc`` with ``extra["body_start"]`` set to ``body_start(doc)`` (left out when ``None``)."""
    start = body_start(doc)
    extra = {k: v for k, v in doc.extra.items() if k != "body_start"}
    if start is not None:
        extra["body_start"] = start
    return doc if extra == doc.extra else replace(doc, extra=extra)


def passage_id(doc_id: str, ordinal: int) -> str:
    """The stable id of a document's ``ordinal``-th passage."""
    return f"{doc_id}#{ordinal}"


def chunk_document(doc: Document, params: ChunkingParams = ChunkingParams()) -> list[Passage]:
    """Cut ``doc`` into passages of whole sentences (see module docstring)."""
    text = full_text(doc)
    units = _sentence_units(doc)  # (start, end, page, label) in full-text coordinates
    passages: list[Passage] = []
    i = 0
    while i < len(units):
        label = units[i][3]
        j = i
        words = 0
        while j < len(units) and units[j][3] == label:
            n = len(text[units[j][0] : units[j][1]].split())
            if j > i and words + n > params.chunk_words:
                break
            words += n
            j += 1
        group = units[i:j]
        start, end = group[0][0], group[-1][1]
        pages = [u[2] for u in group if u[2] is not None]
        sentences = tuple((s - start, e - start) for s, e, _, _ in group)
        quotes = quote_spans(text[start:end], sentences)
        passages.append(
            Passage(
                passage_id=passage_id(doc.doc_id, len(passages)),
                doc_id=doc.doc_id,
                ordinal=len(passages),
                text=text[start:end],
                char_start=start,
                char_end=end,
                page_start=min(pages) if pages else None,
                page_end=max(pages) if pages else None,
                sentences=sentences,
                section=label,
                sentence_pages=tuple(u[2] for u in group),
                quotes=quotes,
                cues=sentence_cues(text[start:end], quotes),
            )
        )
        if j >= len(units):
            break
        same_section = units[j][3] == label
        back = params.overlap_sentences if same_section else 0
        i = max(j - back, i + 1)
    return passages


def _sentence_units(doc: Document) -> list[tuple[int, int, int | None, str | None]]:
    """Sentences as ``(start, end, page, label)`` in full-text coordinates.

    Sections are split one by one (no sentence crosses an abstract label or a paragraph), except
    PDF pages (unlabelled sections with page numbers), which are split as one stream so that a
    sentence running over a page break stays whole; its page is the page it starts on.
    """
    bounds: list[tuple[int, int | None, str | None]] = []  # (start offset, page, label)
    offset = 0
    for section in doc.sections:
        bounds.append((offset, section.page, section.label))
        offset += len(section.text) + len(SECTION_SEPARATOR)
    if all(s.label is None and s.page is not None for s in doc.sections):
        # Page separators are blanked (same length, so offsets hold) to let sentences cross pages.
        text = full_text(doc).replace(SECTION_SEPARATOR, " " * len(SECTION_SEPARATOR))
        return [(s, e, _page_at(bounds, s), None) for s, e in split_sentences(text)]
    units: list[tuple[int, int, int | None, str | None]] = []
    for (start, page, label), section in zip(bounds, doc.sections, strict=True):
        units.extend((start + s, start + e, page, label) for s, e in split_sentences(section.text))
    return units


def _page_at(bounds: list[tuple[int, int | None, str | None]], offset: int) -> int | None:
    page = None
    for start, p, _ in bounds:
        if start > offset:
            break
        page = p
    return page


def content_hash(*parts: str) -> str:
    """A short SHA-256 hex digest of the given strings (used for ids and change detection)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


def index_text(title: str, text: str) -> str:
    """What is embedded and BM25-indexed for a passage: its document title, then its text."""
    return f"{title} {text}" if title else text


def sections_from(text: str, passages: Sequence[Passage]) -> tuple[Section, ...]:
    """Chunking undone: a document's sections from its stored full text and its passages.

    Section texts come from the full text (sections are joined by ``SECTION_SEPARATOR``); each
    section's page and label come from the passages that cover it.
    """
    sections = []
    offset = 0
    for part in text.split(SECTION_SEPARATOR):
        covering = [
            p
            for p in passages
            if p.char_start <= offset < p.char_end or offset <= p.char_start < offset + len(part)
        ]
        page = next(
            (
                p.page_of(i)
                for p in covering
                for i, (s, _) in enumerate(p.sentences)
                if p.char_start + s >= offset
            ),
            None,
        )
        label = covering[0].section if covering else None
        sections.append(Section(text=part, page=page, label=label))
        offset += len(part) + len(SECTION_SEPARATOR)
    return tuple(sections)
