"""Read: source files to ``Document``s. ``read_paths`` walks files and folders; which reader takes a
file is decided by ``rag.readers.registry`` (built-ins plus ``clinical_rag.readers`` plug-ins)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.errors import RagError, ReaderError
from rag.readers.bibliography import SUFFIXES as BIBLIOGRAPHY_SUFFIXES
from rag.readers.bibliography import Bibliography, load_bibliography
from rag.readers.registry import Metadata, Reader, reader_for, suffixes
from rag.readers.sidecar import load_sidecar
from rag.types import Document, Notice

__all__ = [
    "Metadata",
    "MetadataFile",
    "ReadResult",
    "Reader",
    "discover",
    "read_file",
    "read_one",
    "read_paths",
]


@dataclass(frozen=True, slots=True)
class ReadResult:
    """One file's outcome: its documents and notices (deletions, retractions), or why it failed."""

    path: str
    documents: tuple[Document, ...] = ()
    error: str | None = None
    notices: tuple[Notice, ...] = ()


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
    return name.endswith(suffixes()) and not name.startswith(".")


def read_file(path: Path, metadata: Metadata = Metadata()) -> list[Document | Notice]:
    """Read one file with the reader its leading bytes or its suffix call for."""
    return list(reader_for(path).read(path, metadata))


def read_paths(paths: list[Path], metadata: Path | None = None) -> Iterator[ReadResult]:
    """Read every file under ``paths``; a failing file is reported and the rest go on.

    ``metadata`` is a metadata sidecar: CSV/JSON rows by file name, or a RIS/BibTeX bibliography
    matched to PDFs by DOI or title. Missing paths and an unreadable metadata file fail here, at the
    call, before anything is read or written.
    """
    return _read_all(discover(paths), MetadataFile.load(metadata))


@dataclass(frozen=True, slots=True)
class MetadataFile:
    """A loaded metadata sidecar: CSV/JSON rows by file name, or a RIS/BibTeX bibliography."""

    rows: dict[str, dict[str, Any]]
    bibliography: Bibliography | None = None

    @classmethod
    def load(cls, metadata: Path | None) -> MetadataFile:
        if metadata is not None and metadata.suffix.lower() in BIBLIOGRAPHY_SUFFIXES:
            return cls({}, load_bibliography(metadata))
        return cls(load_sidecar(metadata) if metadata is not None else {})

    def of(self, path: Path) -> Metadata:
        """What is known about ``path``: its sidecar row and the bibliography to match it against."""
        return Metadata(self.rows.get(path.name), self.bibliography)


def _read_all(files: list[Path], metadata: MetadataFile) -> Iterator[ReadResult]:
    for path in files:
        yield read_one(path, metadata)


def read_one(path: Path, metadata: MetadataFile) -> ReadResult:
    """One file's ``ReadResult``: a hostile or broken file fails alone, with its reason; what is not
    the file's fault (a ``RagError`` of a plug-in, a memory limit) is raised."""
    try:
        docs = read_file(path, metadata.of(path))
    except ReaderError as exc:
        return ReadResult(path=str(path), error=exc.reason)
    except OSError as exc:
        return ReadResult(path=str(path), error=f"cannot read the file ({exc})")
    except (RagError, MemoryError):
        raise
    except Exception as exc:
        return ReadResult(path=str(path), error=f"cannot be read ({type(exc).__name__}: {exc})")
    return ReadResult(
        path=str(path),
        documents=tuple(d for d in docs if isinstance(d, Document)),
        notices=tuple(d for d in docs if isinstance(d, Notice)),
    )
