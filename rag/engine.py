"""The one object the CLI and the API share: a loaded index plus its embedder.

``Engine.search`` and ``Engine.ask`` are the library calls behind ``rag search``/``rag ask`` and
``POST /v1/search``/``POST /v1/ask``. Each call is answered wholly from one index version.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.compose import LEXICAL_WEIGHT, MARGIN, MAX_DOCUMENTS, MAX_SENTENCES, MIN_COSINE, RANK_WEIGHT, compose
from rag.embed import Embedder, make_embedder
from rag.errors import InvalidInput
from rag.index import IndexVersion, open_index
from rag.retrieve import MODES, make_retriever
from rag.types import Answer, Hit

MAX_QUESTION_CHARS = 1000
MAX_K = 100


@dataclass(frozen=True)
class AnswerOptions:
    mode: str = "hybrid"
    fusion: str = "rrf"
    weights: tuple[float, ...] | None = None
    max_sentences: int = MAX_SENTENCES
    min_cosine: float = MIN_COSINE
    passages: int = 10
    max_documents: int = MAX_DOCUMENTS
    lexical_weight: float = LEXICAL_WEIGHT
    rank_weight: float = RANK_WEIGHT
    margin: float = MARGIN


def validate_question(text: str, *, what: str = "question") -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(f"the {what} is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise InvalidInput(f"the {what} is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}")
    return text


def validate_mode(mode: str) -> str:
    if mode not in MODES:
        raise InvalidInput(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
    return mode


class Engine:
    """Loaded index + embedder. ``reload()`` switches to the live version without a restart."""

    def __init__(
        self,
        index_dir: Path,
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        options: AnswerOptions = AnswerOptions(),
    ) -> None:
        self.index_dir = index_dir
        self.options = options
        self._lock = threading.Lock()
        index = open_index(index_dir, model=model)
        self.embedder = embedder or make_embedder(index.manifest.model)
        if self.embedder.name != index.manifest.model:
            index.manifest.check_model(self.embedder.name)
        self._index = index

    @property
    def index(self) -> IndexVersion:
        return self._index

    def reload(self) -> str:
        """Open the live version if it changed; returns the version now served."""
        with self._lock:
            fresh = open_index(self.index_dir, model=self.embedder.name)
            if fresh.version != self._index.version:
                self._index = fresh  # in-flight requests keep their reference to the old version
            return self._index.version

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        mode: str = "hybrid",
        fusion: str | None = None,
        weights: Sequence[float] | None = None,
    ) -> list[Hit]:
        query = validate_question(query, what="query")
        validate_mode(mode)
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}")
        index = self._index
        retriever = make_retriever(
            index,
            self.embedder,
            mode,
            fusion=fusion or self.options.fusion,
            weights=weights or self.options.weights,
        )
        return retriever.search(query, k)

    def ask(self, question: str, *, mode: str | None = None) -> Answer:
        question = validate_question(question)
        mode = validate_mode(mode or self.options.mode)
        hits = self.search(question, k=self.options.passages, mode=mode)
        o = self.options
        return compose(
            question,
            hits,
            self.embedder,
            max_sentences=o.max_sentences,
            min_cosine=o.min_cosine,
            max_documents=o.max_documents,
            lexical_weight=o.lexical_weight,
            rank_weight=o.rank_weight,
            margin=o.margin,
            mode=mode,
        )
