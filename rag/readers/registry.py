"""Which reader reads a file: built-in readers plus ``clinical_rag.readers`` plug-ins.

A reader says which files it takes (name suffixes, and optionally leading bytes, for files whose
suffix lies) and turns one file into documents. ``Metadata`` carries what the content team supplied
about the file: its row of a metadata sidecar (CSV/JSON) and a bibliography (RIS/BibTeX) to match.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from rag.errors import ReaderError
from rag.plugins import READERS, plugins
from rag.readers.bibliography import Bibliography
from rag.readers.jats import is_jats, read_jats
from rag.readers.jsonl import read_jsonl
from rag.readers.pdf import read_pdf
from rag.readers.pubmed import read_pubmed
from rag.readers.text import read_text
from rag.types import Document, Notice

HEAD_BYTES = 512  # what ``magic`` is compared with


@dataclass(frozen=True, slots=True)
class Metadata:
    """What is known about a file besides its content."""

    row: dict[str, Any] | None = None  # its row of the metadata sidecar
    bibliography: Bibliography | None = None  # RIS/BibTeX records to match it against


@runtime_checkable
class Reader(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]:
        """Lower-case, with the dot: ``(".pdf",)``, ``(".xml", ".xml.gz")``."""
        ...

    @property
    def magic(self) -> tuple[bytes, ...]:
        """Leading bytes that identify the format whatever the suffix (may be empty)."""
        ...

    def read(self, path: Path, metadata: Metadata) -> Iterable[Document | Notice]:
        """The file's documents, and any ``Notice`` about documents it does not carry."""
        ...


@dataclass(frozen=True, slots=True)
class FunctionReader:
    """A ``Reader`` made of a function (how the built-ins and most plug-ins are written)."""

    name: str
    suffixes: tuple[str, ...]
    function: Callable[[Path, Metadata], Iterable[Document | Notice]]
    magic: tuple[bytes, ...] = ()

    def read(self, path: Path, metadata: Metadata) -> Iterable[Document | Notice]:
        return self.function(path, metadata)


def _xml(path: Path, _: Metadata) -> list[Document | Notice]:
    """PubMed XML, or a PMC JATS article when the root element is ``<article>``."""
    if is_jats(path):
        return [read_jats(path)]
    docs = list(read_pubmed(path))
    if not docs:
        raise ReaderError(str(path), "no PubMed articles (PubmedArticle/MedlineCitation) found")
    return docs


BUILTIN: tuple[Reader, ...] = (
    FunctionReader("pdf", (".pdf",), lambda p, m: [read_pdf(p, m.row, m.bibliography)], (b"%PDF",)),
    FunctionReader("pubmed", (".xml", ".xml.gz"), _xml, (b"\x1f\x8b",)),
    FunctionReader("jats", (".nxml",), lambda p, m: [read_jats(p)]),
    FunctionReader("jsonl", (".jsonl",), lambda p, m: read_jsonl(p)),
    FunctionReader("text", (".txt", ".md"), lambda p, m: [read_text(p, m.row)]),
)


def readers() -> tuple[Reader, ...]:
    """Built-in readers, then installed plug-ins (a plug-in may not take a built-in's name)."""
    names = {r.name for r in BUILTIN}
    extra = tuple(r for name, r in plugins(READERS).items() if name not in names)
    return BUILTIN + extra


def suffixes() -> tuple[str, ...]:
    return tuple(s for r in readers() for s in r.suffixes)


def reader_for(path: Path) -> Reader:
    """The reader of ``path``: by its leading bytes first, else by the longest matching suffix."""
    name = path.name.lower()
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    for reader in readers():
        if any(head.startswith(m) for m in reader.magic):
            return reader
    by_suffix = [(len(s), r) for r in readers() for s in r.suffixes if name.endswith(s)]
    if not by_suffix:
        raise ReaderError(str(path), f"unsupported file type; supported: {', '.join(suffixes())}")
    return max(by_suffix, key=lambda lr: lr[0])[1]
