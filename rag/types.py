"""Flat, frozen value types that flow through the pipeline.

read → ``Document`` → chunk → ``Passage`` → retrieve → ``Hit`` (a passage and its ``DocumentInfo``)
→ compose → ``Answer``
(with ``Citation`` and ``Reference``). A citation is only the link from a passage to its document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True, slots=True)
class Section:
    """A piece of a document's text: one PDF page, or one labelled abstract section."""

    text: str
    page: int | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed source document with its bibliographic metadata."""

    doc_id: str
    title: str
    sections: tuple[Section, ...]
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    authors: tuple[str, ...] = ()
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Notice:
    """What a source says about a document it does not carry: PubMed's ``DeleteCitation``
    (``delete``: remove it) or a retraction (``withdraw``: keep it, never answer from it)."""

    doc_id: str
    action: Literal["delete", "withdraw"]
    reason: str


@dataclass(frozen=True, slots=True)
class Passage:
    """A chunk of a document: whole sentences, with page range and character offsets.

    ``char_start``/``char_end`` index into the document's full text (its sections joined by
    blank lines); ``sentences`` are ``(start, end)`` spans relative to ``text``.
    """

    passage_id: str
    doc_id: str
    ordinal: int
    text: str
    char_start: int
    char_end: int
    page_start: int | None
    page_end: int | None
    sentences: tuple[tuple[int, int], ...]
    section: str | None = None
    sentence_pages: tuple[int | None, ...] = ()
    # each sentence's quote span in ``text`` (None: not evidence), from ``rag.text.quotable`` at ingest;
    # None when not stored (an older index or older rules): answers then compute it
    quotes: tuple[tuple[int, int] | None, ...] | None = None
    # each sentence's cue words as bits (``rag.text.cues``; 0 when not quotable), stored with the quotes
    cues: tuple[int, ...] | None = None

    def page_of(self, sentence: int) -> int | None:
        """The page the ``sentence``-th sentence starts on (``page_start`` if unknown)."""
        if sentence < len(self.sentence_pages) and self.sentence_pages[sentence] is not None:
            return self.sentence_pages[sentence]
        return self.page_start


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What a hit knows of its document: the bibliographic record, without the text."""

    doc_id: str
    title: str
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    publication_types: tuple[str, ...] = ()
    chars: int | None = None  # length of the document's full text (for sentence positions)
    body_start: int | None = None  # a full text's body begins here, after its abstract (rag.chunking)
    mesh: tuple[str, ...] = ()  # MeSH descriptors, when the record has them ("Animals", "Humans" …)


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved passage, carrying its document, with its score and rank."""

    passage: Passage
    document: DocumentInfo
    rank: int
    score: float

    @property
    def passage_id(self) -> str:
        return self.passage.passage_id

    @property
    def doc_id(self) -> str:
        return self.passage.doc_id

    @property
    def text(self) -> str:
        return self.passage.text

    def to_dict(self) -> dict[str, Any]:
        """The flat JSON shape of ``rag search --json`` and ``POST /v1/search``."""
        p, d = self.passage, self.document
        return {
            "passage_id": p.passage_id,
            "doc_id": p.doc_id,
            "rank": self.rank,
            "score": self.score,
            "text": p.text,
            "title": d.title,
            "journal": d.journal,
            "year": d.year,
            "pmid": d.pmid,
            "doi": d.doi,
            "page_start": p.page_start,
            "page_end": p.page_end,
            "section": p.section,
        }


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Citation(_Frozen):
    """A quote backing a statement: the exact source sentence of one passage.

    ``quote`` is verbatim (its offsets in the passage are exact); ``display`` is the same sentence with
    the source's own reference markers rendered as superscripts, for showing to readers.
    """

    n: int
    doc_id: str
    passage_id: str
    page: int | None
    quote: str
    score: float  # the selector's probability that this sentence is evidence for the question
    display: str = ""


class Finding(_Frozen):
    """One study's contribution to an answer: its design and year (from metadata) and what it found."""

    n: int
    design: str
    year: int | None
    quote: str  # the sentence(s) as shown (source markers rendered), verbatim otherwise
    citation: Citation
    text: str = ""  # the statement as shown: "A 2012 case report [2] found: «…»"


class Reference(_Frozen):
    """A numbered entry of the reference list, formatted as ``Title. Journal, Year.``."""

    n: int
    doc_id: str
    title: str
    journal: str | None
    year: int | None
    pmid: str | None
    doi: str | None
    url: str | None
    formatted: str
    evidence_level: str | None = None


class Answer(_Frozen):
    """An extractive answer whose every statement carries numbered citations."""

    question: str
    answer: str
    citations: list[Citation]
    references: list[Reference]
    insufficient_evidence: bool
    disclaimer: str
    mode: str = "hybrid"
    top_score: float | None = None
    bottom_line: str | None = None  # one or two sentences from the strongest study, with [n]
    findings: list[Finding] = []  # one bullet per further study (never repeating the bottom line)
    selector: str | None = None  # the evidence selector that chose the sentences
    caveats: list[str] = []  # what the cited passages do not cover of what was asked (rag.answer.caveats)
