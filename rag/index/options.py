"""How a write builds and keeps versions: one object from the settings to every write function
(``ingest``, ``remove``, ``withdraw``, ``reindex``, ``sync``, the isolated and the Ray ingestion)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from rag.chunking import ChunkingParams
from rag.config import COMPACT_SEGMENTS, KEEP_VERSIONS, Settings
from rag.index.dense import DEFAULT_FACTORY


@dataclass(frozen=True)
class WriteOptions:
    """``chunking`` must be the index's own when a write extends it (``IndexMismatch`` otherwise);
    ``faiss_factory`` applies to a new index or a ``reindex`` (an existing one keeps its own);
    ``keep_versions`` old versions stay for rollback; more than ``compact_segments`` segments after a
    write merge the small ones (0: never); ``progress`` draws bars on the terminal (the CLI turns it
    on; the library is quiet)."""

    chunking: ChunkingParams = ChunkingParams()
    faiss_factory: str = DEFAULT_FACTORY
    keep_versions: int = KEEP_VERSIONS
    compact_segments: int = COMPACT_SEGMENTS
    progress: bool = False

    @classmethod
    def of(cls, settings: Settings, chunking: ChunkingParams, **changes: Any) -> WriteOptions:
        """The options the service's settings give (``RAG_COMPACT_SEGMENTS``), for ``chunking``."""
        return cls(chunking=chunking, compact_segments=settings.compact_segments, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe (for a child process); ``from_dict`` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WriteOptions:
        return cls(**{**data, "chunking": ChunkingParams(**data["chunking"])})
