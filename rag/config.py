"""The one configuration tree, read only at the edges (CLI and API) from ``RAG_*`` variables.

Library functions take plain keyword arguments; only ``rag.cli`` and ``api`` build a ``Settings``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.embed import DEFAULT_MODEL
from rag.engine import AnswerOptions
from rag.select import DEFAULT_SELECTOR
from rag.select.candidates import TOP_PASSAGES


class Settings(BaseSettings):
    """Service configuration; every field can be set as ``RAG_<FIELD>`` (e.g. ``RAG_INDEX``)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore")

    index: Path = Field(default=Path("indexes/demo"), description="index directory")
    model: str = Field(default=DEFAULT_MODEL, description="embedding model: name or path (new indexes)")
    host: str = "127.0.0.1"
    port: int = 8000
    mode: str = Field(default="hybrid", description="default retrieval mode: bm25, dense or hybrid")
    fusion: str = Field(default="rrf", description="hybrid fusion: rrf or weighted")
    fusion_weights: tuple[float, float] | None = Field(
        default=None, description="weights of (bm25, dense) in the fusion, e.g. RAG_FUSION_WEIGHTS='[1, 2]'"
    )
    chunk_words: int = Field(default=120, ge=1, description="target passage size in words")
    overlap_sentences: int = Field(default=1, ge=0, description="sentences shared by neighbouring passages")
    embed_batch: int = Field(default=32, ge=1, description="texts per embedding batch (measured best: 16–32)")
    selector: str = Field(
        default=DEFAULT_SELECTOR,
        description="evidence selector: 'packaged', a folder from `rag train selector`, or "
        "'cross-encoder:NAME_OR_PATH'",
    )
    answer_passages: int = Field(default=TOP_PASSAGES, ge=1, le=100)
    query_cache: int = Field(default=1024, ge=0, description="query vectors kept in memory (0: none)")
    faiss_search: str = Field(
        default="", description="FAISS search parameters, e.g. efSearch=512 or nprobe=64 (empty: defaults)"
    )
    answer_cache: int = Field(
        default=1024, ge=0, description="answers to identical questions kept per index version (0: none)"
    )
    conversations_db: Path | None = Field(
        default=None, description="default: conversations.sqlite in the index dir"
    )
    api_key: SecretStr | None = Field(default=None, description="key for the content API's write endpoints")
    max_upload_mb: int = Field(default=50, ge=1, description="per uploaded file")
    conversation_ttl_hours: float = Field(default=168.0, gt=0, description="conversations expire after this")

    def conversations_path(self) -> Path:
        return self.conversations_db or self.index / "conversations.sqlite"

    def answer_options(self) -> AnswerOptions:
        """The answer options this configuration asks for."""
        return AnswerOptions(
            mode=self.mode,
            fusion=self.fusion,
            weights=self.fusion_weights,
            passages=self.answer_passages,
        )
