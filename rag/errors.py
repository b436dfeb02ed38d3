"""The library's error hierarchy.

Every message says what went wrong *and* how to fix it. The CLI and the API translate these
once, at the boundary (``rag.cli.main`` and the FastAPI exception handler).
"""

from __future__ import annotations


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


class IndexMismatch(RagError):
    """The index was built with another model, format version or backend than requested."""

    status_code = 409


class IndexCorrupt(RagError):
    """The index files disagree with each other or with the manifest."""

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
