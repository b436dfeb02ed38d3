"""The library's error hierarchy.

Every message says what went wrong *and* how to fix it. Each class names its HTTP status once; the
CLI (``rag.cli.main``: one line on stderr, exit 2) and the API (one exception handler, the JSON body
``{"error": class name, "detail": message}``) translate them at the boundary.
"""

from __future__ import annotations

from pathlib import Path


class RagError(Exception):
    """Base class of every error the library raises on purpose."""

    status_code = 500


class InvalidInput(RagError):
    """A request or argument is malformed (empty question, unknown mode, ...)."""

    status_code = 422


class NotFound(RagError):
    """A named document, job or conversation does not exist."""

    status_code = 404


class IndexNotFound(RagError):
    """No built index exists at the given path."""

    status_code = 503

    @classmethod
    def at(cls, index_dir: Path) -> IndexNotFound:
        return cls(f"no index at {index_dir}; build one with `rag ingest PATH... --index {index_dir}`")


class WriterBusy(RagError):
    """Another writer holds the index's lock; retry when it has published its version."""

    status_code = 409


class IndexMismatch(RagError):
    """The index was built with another model, format version or backend than requested."""

    status_code = 409


class IndexCorrupt(RagError):
    """The index files disagree with each other or with the manifest."""

    status_code = 500


class IngestAborted(RagError):
    """An ingestion in its own process was stopped (time or memory limit) or crashed; nothing was
    published."""

    status_code = 500


class ReaderError(RagError):
    """A source file cannot be read (corrupt, encrypted, no text, unknown format)."""

    status_code = 422

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class ModelError(RagError):
    """The embedding model cannot be loaded."""

    status_code = 500
