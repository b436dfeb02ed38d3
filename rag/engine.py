"""The one object the CLI and the API share: a loaded index plus its embedder.

``Engine.search`` and ``Engine.ask`` are the library calls behind ``rag search``/``rag ask`` and
``POST /v1/search``/``POST /v1/ask``. Each call is answered wholly from one index version.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from rag.answer.compose import Further, compose
from rag.answer.followup import names_topic
from rag.answer.select import EvidencePool, Selector, document_policy, evidence_pool, load_selector
from rag.answer.select.rerank import first_stage_documents, rerank_documents, rerank_hits
from rag.config import FIRST_STAGE, MAX_K, RERANK, EngineOptions, check_mode, check_question
from rag.embed import Embedder, PinnedQuery, QueryEmbedder, make_embedder
from rag.errors import InvalidInput, RagError
from rag.index import IndexVersion, audit, open_index
from rag.index.layout import current_version
from rag.lru import LRU
from rag.retrieve import hits_from, make_retriever
from rag.types import Answer, Hit

log = logging.getLogger(__name__)
RELOAD_SECONDS = 0.5

NO_TOPIC = (
    "the question {question!r} names nothing to search for: say what it is about (a treatment, test or "
    "condition), e.g. 'Is heparin safe after trauma?', or ask it as a follow-up in a conversation"
)


def selector_digest(spec: dict) -> str:
    """SHA-256 of a feature selector's artifact, as canonical JSON: two retrains differ, a copy does not."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


class Engine:
    """Loaded index + embedder, following the index's live version without a restart.

    Every call first checks (at most every ``RELOAD_SECONDS``) whether ``CURRENT`` names another
    version and, if so, opens it; the call then works on that one ``IndexVersion`` from start to end,
    so a request is never answered from a mix of versions. Old versions stay open for requests that
    started on them.
    """

    def __init__(
        self,
        index_dir: Path,
        options: EngineOptions = EngineOptions(),
        *,
        model: str | None = None,
        embedder: Embedder | None = None,
        selector: Selector | None = None,
    ) -> None:
        """``options`` (a ``Settings`` is one) say how to search and answer; ``model`` must match the
        index's when given; ``embedder`` and ``selector`` replace the ones ``options`` name (tests)."""
        self.index_dir = index_dir
        self.options = options
        self._lock = threading.Lock()
        index = self._open(model)
        self.embedder = embedder or make_embedder(index.manifest.model)
        index.manifest.check_model(self.embedder.name)
        self.queries = QueryEmbedder(self.embedder, size=options.query_cache)
        self._selector = selector  # otherwise options.selector, loaded on first use (training needs none)
        # answers of identical questions on the same index version (whitespace-normalised)
        self.answers: LRU[Answer] = LRU(options.answer_cache)
        self._index = index
        self._checked = time.monotonic()

    @property
    def selector(self) -> Selector:
        """The evidence selector answers use (``rag.answer.select.load_selector``)."""
        if self._selector is None:
            self._selector = load_selector(self.options.selector)
        return self._selector

    def record_serving(self, actor: str) -> None:
        """Append to the index's audit trail (``rag audit``) that answers from it are now chosen by this
        engine's selector (name, ``selector_digest`` of its artifact, policy) on this version and model. A
        read-only index folder is served all the same, with a warning."""
        selector = self.selector
        detail: dict[str, object] = {
            "index_version": self.index.version,
            "model": self.embedder.name,
            "policy": selector.policy.to_dict(),
            "rerank_weight": selector.rerank_weight,
        }
        spec = getattr(selector, "spec", None)
        if spec is not None:
            detail["selector_sha256"] = selector_digest(spec)
        try:
            audit.record(self.index_dir, actor, "serve", selector.name, "ok", detail)
        except (OSError, sqlite3.Error) as exc:
            log.warning("could not record the selector in %s's audit trail: %s", self.index_dir, exc)

    @property
    def index(self) -> IndexVersion:
        """The version requests are served from now (switching first if the live one changed)."""
        if time.monotonic() - self._checked >= RELOAD_SECONDS:
            self._checked = time.monotonic()
            if current_version(self.index_dir) not in (None, self._index.version):
                try:
                    self.reload()
                except RagError as exc:  # keep serving the version we have; say why once per check
                    log.warning("staying on index version %s: %s", self._index.version, exc)
        return self._index

    def reload(self) -> str:
        """Open the live version if it changed; returns the version now served."""
        with self._lock:
            if current_version(self.index_dir) != self._index.version:
                fresh = self._open(self.embedder.name)
                self._index = fresh  # in-flight requests keep their reference to the old version
            return self._index.version

    def _open(self, model: str | None) -> IndexVersion:
        index = open_index(self.index_dir, model=model)
        try:
            index.dense.tune(self.options.faiss_search)
        except RuntimeError as exc:  # FAISS names the parameter it cannot set
            index.close()
            raise InvalidInput(
                f"RAG_FAISS_SEARCH={self.options.faiss_search!r} does not fit this index: {exc}"
            ) from exc
        return index

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        mode: str = "hybrid",
        fusion: str | None = None,
        weights: Sequence[float] | None = None,
        index: IndexVersion | None = None,
        embedder: Embedder | None = None,
        without: frozenset[str] = frozenset(),
    ) -> list[Hit]:
        """Ranked passages for ``query`` from ``index`` (default: the live version).

        Mode ``rerank``: hybrid passages regrouped by the selector's document scores
        (``rag.answer.select.rerank``). Documents in ``without`` are left out as if not indexed, like
        withdrawn ones (first-stage modes only; training asks a question without its own article).
        """
        query = check_question(query, what="query")
        check_mode(mode)
        if not 1 <= k <= MAX_K:
            raise InvalidInput(f"k must be between 1 and {MAX_K}, got {k}")
        index = index or self.index
        if mode == RERANK:
            if without:
                raise InvalidInput("documents can be left out of a first-stage search only, not of rerank")
            return self.rerank(query, index=index, k=max(k, self.options.answer_passages))[0][:k]
        retriever = make_retriever(
            index,
            embedder or self.queries,
            mode,
            fusion=fusion or self.options.fusion,
            weights=weights or self.options.fusion_weights,
        )
        fetch = k
        total = index.manifest.counts["passages"]
        while True:  # withdrawn (and left-out) documents are dropped: fetch deeper until k remain
            hits = retriever.search(query, fetch)
            if without:
                kept = (h for h in hits if h.doc_id not in without)
                hits = [replace(h, rank=i) for i, h in enumerate(kept, start=1)]
            if len(hits) >= k or not (index.withdrawn or without) or fetch >= total:
                return hits[:k]
            fetch *= 2

    def ask(
        self,
        question: str,
        *,
        mode: str | None = None,
        retrieval_query: str | None = None,
        exclude: frozenset[str] = frozenset(),
        asked: str | None = None,
    ) -> Answer:
        """Answer ``question``; ``retrieval_query`` (a contextualised follow-up) is what is searched
        for and what sentences are scored against, while the answer shows ``question``; ``asked`` (a
        follow-up's questions so far, default ``question``) is what its caveats check."""
        question = check_question(question)
        query = check_question(retrieval_query or question, what="retrieval query")
        mode = check_mode(mode or self.options.mode)
        if not names_topic(query):  # a follow-up asked on its own: quoting any study would be a guess
            raise InvalidInput(NO_TOPIC.format(question=question))
        asked = asked or question
        index = self.index  # one version for the whole answer
        key = (index.version, *(" ".join(t.split()) for t in (question, query, asked)), mode, exclude)

        def compute() -> Answer:
            pool = self.evidence_pool(query, mode=mode, index=index)
            further = self._further(query, pool, index)
            return compose(
                query, pool, self.selector, mode=mode, exclude=exclude, asked=asked, further=further
            )

        answer = self.answers.get_or_compute(key, compute)
        return answer if answer.question == question else answer.model_copy(update={"question": question})

    def ask_document(
        self,
        question: str,
        doc_id: str,
        *,
        retrieval_query: str | None = None,
        exclude: frozenset[str] = frozenset(),
        asked: str | None = None,
    ) -> Answer:
        """Answer from one document's passages only (a follow-up about "reference 2")."""
        question = check_question(question)
        query = check_question(retrieval_query or question, what="retrieval query")
        index = self.index
        pinned = PinnedQuery(self.queries, query)
        hits = self.document_hits(doc_id, query, index=index, embedder=pinned)
        pool = self._pool(query, hits, pinned, index)
        policy = document_policy(self.selector.policy)
        answer = compose(
            query,
            pool,
            self.selector,
            mode="document",
            exclude=exclude,
            more=True,
            policy=policy,
            asked=asked or question,
        )
        return answer if query == question else answer.model_copy(update={"question": question})

    def rerank(
        self, query: str, *, index: IndexVersion | None = None, k: int | None = None
    ) -> tuple[list[Hit], list[tuple[str, float]]]:
        """The first stage's top ``k`` passages regrouped by the selector's document scores, and those
        ``(doc_id, score)`` scores, best first (``rag.answer.select.rerank``)."""
        pool = self.evidence_pool(query, mode=FIRST_STAGE, index=index, k=k)
        probs = self.selector.score(query, pool.question_vector, pool.candidates, pool.vectors)
        docs = [c.hit.doc_id for c in pool.candidates]
        weight = self.selector.rerank_weight
        scores = rerank_documents(first_stage_documents(pool.hits), docs, probs, weight)
        return rerank_hits(pool.hits, scores), scores

    def evidence_pool(
        self,
        query: str,
        *,
        mode: str | None = None,
        index: IndexVersion | None = None,
        k: int | None = None,
        without: frozenset[str] = frozenset(),
    ) -> EvidencePool:
        """The candidate sentences (with vectors) the selector scores for ``query``: those of the top
        ``k`` passages (default: ``options.answer_passages``) of the first stage (``rerank``: hybrid).
        Documents in ``without`` are left out as if not indexed (training: a question whose own
        article is withheld, so the corpus has no evidence for it)."""
        index = index or self.index
        pinned = PinnedQuery(self.queries, query)
        first = mode or self.options.mode
        hits = self.search(
            query,
            k=k or self.options.answer_passages,
            mode=FIRST_STAGE if first == RERANK else first,
            index=index,
            embedder=pinned,
            without=without,
        )
        return self._pool(query, hits, pinned, index)

    def _pool(
        self, query: str, hits: list[Hit], embedder: Embedder, index: IndexVersion, top: int | None = None
    ) -> EvidencePool:
        """The selector's candidates among the first ``top`` (default ``answer_passages``) of ``hits``,
        with vectors."""
        top = top or self.options.answer_passages
        stored = index.store.sentence_vectors([h.passage_id for h in hits[:top]])
        return evidence_pool(query, hits, embedder, stored, top_passages=top)

    def _further(self, query: str, pool: EvidencePool, index: IndexVersion) -> Further:
        """``compose``'s wider pool: ``pool``'s passages, then the given studies' other passages closest
        to ``query``, as many more as the pool holds at most (a full text has hundreds)."""
        top = self.options.answer_passages
        pinned = PinnedQuery(self.queries, query)

        def wider(docs: frozenset[str]) -> EvidencePool:
            hits = pool.hits[:top]
            have = {h.passage_id for h in hits}
            extra = [
                h
                for doc in sorted(docs)
                for h in self.document_hits(doc, query, k=MAX_K, index=index, embedder=pinned)
                if h.passage_id not in have
            ]
            extra = sorted(extra, key=lambda h: -h.score)[:top]
            ranked = [*hits, *(replace(h, rank=len(hits) + n) for n, h in enumerate(extra, start=1))]
            return self._pool(query, ranked, pinned, index, top=len(ranked))

        return wider

    def document_hits(
        self,
        doc_id: str,
        query: str,
        k: int | None = None,
        index: IndexVersion | None = None,
        embedder: Embedder | None = None,
    ) -> list[Hit]:
        """A document's passages ranked by cosine to ``query`` (vectors read back from FAISS)."""
        index = index or self.index
        stored = index.store.passages_of(doc_id)
        if not stored:
            raise InvalidInput(f"document {doc_id!r} is not in the index")
        vectors = index.dense.vectors([s.row_id for s in stored])
        scores = vectors @ (embedder or self.queries).embed([query])[0]
        order = sorted(range(len(stored)), key=lambda i: -float(scores[i]))[
            : k or self.options.answer_passages
        ]
        return hits_from(index, [(stored[i].row_id, float(scores[i])) for i in order])
