"""Cited answers from clinical literature: read → chunk → embed → index → retrieve → answer.

The public surface is the names below; everything else is reachable by its module path but may
change between releases. Names are imported on first use, so ``import rag`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("clinical-rag")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "Engine": "rag.engine",
    "EngineOptions": "rag.config",
    "Settings": "rag.config",
    "open_index": "rag.index",
    "IndexVersion": "rag.index",
    "ingest": "rag.index.ingest",
    "remove": "rag.index.ingest",
    "reindex": "rag.index.ingest",
    "withdraw": "rag.index.ingest",
    "upgrade": "rag.index.upgrade",
    "compact": "rag.index.compact",
    "read_paths": "rag.readers",
    "Document": "rag.types",
    "DocumentInfo": "rag.types",
    "Section": "rag.types",
    "Passage": "rag.types",
    "Hit": "rag.types",
    "Citation": "rag.types",
    "Finding": "rag.types",
    "Reference": "rag.types",
    "Answer": "rag.types",
    "RagError": "rag.errors",
}
__all__ = [  # noqa: RUF022 (grouped by layer, not sorted)
    "__version__",
    "Engine",
    "EngineOptions",
    "Settings",
    "open_index",
    "IndexVersion",
    "ingest",
    "remove",
    "reindex",
    "withdraw",
    "upgrade",
    "compact",
    "read_paths",
    "Document",
    "DocumentInfo",
    "Section",
    "Passage",
    "Hit",
    "Citation",
    "Finding",
    "Reference",
    "Answer",
    "RagError",
]
assert set(__all__) == {"__version__", *_EXPORTS}

if TYPE_CHECKING:
    from rag.config import EngineOptions, Settings
    from rag.engine import Engine
    from rag.errors import RagError
    from rag.index import IndexVersion, open_index
    from rag.index.compact import compact
    from rag.index.ingest import ingest, reindex, remove, withdraw
    from rag.index.upgrade import upgrade
    from rag.readers import read_paths
    from rag.types import Answer, Citation, Document, DocumentInfo, Finding, Hit, Passage, Reference, Section


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
