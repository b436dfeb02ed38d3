"""Readers turn source files into ``Document``s; ``read_paths`` walks files and folders."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import ReaderError
from rag.readers.bibliography import SUFFIXES as BIBLIOGRAPHY_SUFFIXES
from rag.readers.bibliography import Bibliography, load_bibliography
from rag.readers.jsonl import read_jsonl
from rag.readers.pdf import read_pdf
from rag.readers.pubmed import read_pubmed
from rag.readers.sidecar import load_sidecar
from rag.readers.text import read_text
from rag.types import Document

SUFFIXES = (".pdf", ".xml", ".xml.gz", ".jsonl", ".txt", ".md")


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One file's outcome: its documents, or the reason it failed."""

    path: str
    documents: tuple[Document, ...] = ()
    error: str | None = None


def discover(paths: list[Path]) -> list[Path]:
    """Expand folders (recursively) into the supported files they contain, sorted; keep files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and _supported(p))
        elif path.exists():
            found.append(path)
        else:
            raise ReaderError(str(path), "no such file or folder")
    return found


def _supported(path: Path) -> bool:
    name = path.name.lower()
    return any(name.endswith(s) for s in SUFFIXES) and not name.startswith(".")


def read_file(
    path: Path, meta: dict[str, Any] | None = None, bibliography: Bibliography | None = None
) -> list[Document]:
    """Read one file by its type (sniffed from its first bytes where the suffix is ambiguous)."""
    name = path.name.lower()
    head = path.open("rb").read(512)
    if head.startswith(b"%PDF") or name.endswith(".pdf"):
        return [read_pdf(path, meta, bibliography)]
    if name.endswith((".xml", ".xml.gz")) or head.startswith(b"\x1f\x8b"):
        docs = list(read_pubmed(path))
        if not docs:
            raise ReaderError(str(path), "no PubMed articles (PubmedArticle/MedlineCitation) found")
        return docs
    if name.endswith(".jsonl"):
        return list(read_jsonl(path))
    if name.endswith((".txt", ".md")):
        return [read_text(path, meta)]
    raise ReaderError(str(path), f"unsupported file type; supported: {', '.join(SUFFIXES)}")


def read_paths(paths: list[Path], manifest: Path | None = None) -> Iterator[ReadResult]:
    """Read every file under ``paths``; a failing file is reported and the rest go on."""
    bibliography = None
    sidecar: dict[str, dict[str, Any]] = {}
    if manifest is not None and manifest.suffix.lower() in BIBLIOGRAPHY_SUFFIXES:
        bibliography = load_bibliography(manifest)
    elif manifest is not None:
        sidecar = load_sidecar(manifest)
    for path in discover(paths):
        try:
            docs = read_file(path, sidecar.get(path.name), bibliography)
        except ReaderError as exc:
            yield ReadResult(path=str(path), error=exc.reason)
        except OSError as exc:
            yield ReadResult(path=str(path), error=f"cannot read the file ({exc})")
        else:
            yield ReadResult(path=str(path), documents=tuple(docs))
