"""One version's segments read as one store, one dense index and one BM25 index.

The views leave out what the version's marks delete and, while a version is being built, add the
segment under construction (``new``): reads see old and new documents alike, writes go to the new
segment, and removing a document of an old segment becomes a deletion mark. A document id is live in
at most one segment, the newest that holds it unmarked, so lookups by document or passage id go to the
newest segment first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from rag.index.dense import DenseIndex
from rag.index.segment import Marks, Segment
from rag.index.store import Store, StoredPassage
from rag.index.terms import EMPTY, Stats, TermIndex, query_terms
from rag.types import Document


class SegmentedStore:
    """The store interface over ``segments`` (oldest first) minus ``marks``, plus ``new`` when writing."""

    def __init__(self, segments: Sequence[Segment], marks: Marks, new: Store | None = None) -> None:
        self.segments = list(segments)
        self.deleted = {s.name: set(marks.deleted.get(s.name, ())) for s in self.segments}
        self.withdrawals = dict(marks.withdrawn)
        for s in self.segments:  # indexes upgraded from one store kept their withdrawals in it
            for doc, reason in s.store.withdrawn().items():
                self.withdrawals.setdefault(doc, reason)
        self.new = new
        self.deleted_rows = {s.name: s.deleted_rows(frozenset(self.deleted[s.name])) for s in self.segments}
        self._deleted_sets: dict[str, frozenset[int]] = {}  # built once per segment, not per query

    def deleted_row_set(self, name: str) -> frozenset[int]:
        """``deleted_rows[name]`` as a set, for membership tests on search results."""
        if name not in self._deleted_sets:
            self._deleted_sets[name] = frozenset(self.deleted_rows[name].tolist())
        return self._deleted_sets[name]

    @property
    def marks(self) -> Marks:
        return Marks({k: frozenset(v) for k, v in self.deleted.items() if v}, dict(self.withdrawals))

    def _stores(self) -> Iterator[tuple[str | None, Store]]:
        """``(segment name, store)`` newest first; ``None`` names the segment under construction."""
        if self.new is not None:
            yield None, self.new
        for s in reversed(self.segments):
            yield s.name, s.store

    def _live(self, name: str | None, doc_id: str) -> bool:
        return name is None or doc_id not in self.deleted[name]

    def _holder(self, doc_id: str) -> tuple[str | None, Store] | None:
        for name, store in self._stores():
            if self._live(name, doc_id) and store.stored_hash(doc_id) is not None:
                return name, store
        return None

    # -- writing (while building) --------------------------------------------------------
    def stored_hash(self, doc_id: str) -> str | None:
        held = self._holder(doc_id)
        return held[1].stored_hash(doc_id) if held else None

    def same_paper(self, doc: Document) -> str | None:
        for name, store in self._stores():
            for other in store.same_papers(doc):
                if self._live(name, other) and self._holder(other) == (name, store):
                    return other
        return None

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete from the new segment, or mark deleted in the old one; returns the passages' row ids."""
        held = self._holder(doc_id)
        if held is None:
            return []
        name, store = held
        if name is None:
            return store.delete_document(doc_id)
        self.deleted[name].add(doc_id)
        rows = store.row_ids_of([doc_id])
        self.deleted_rows[name] = np.union1d(self.deleted_rows[name], np.asarray(rows, dtype=np.int64))
        self._deleted_sets.pop(name, None)
        return rows

    def add_document(self, doc: Document, passages: Sequence[Any], content_hash: str) -> list[int]:
        assert self.new is not None, "read-only view"
        return self.new.add_document(doc, passages, content_hash)

    def put_sentence_vectors(self, row_id: int, vectors: np.ndarray) -> None:
        assert self.new is not None, "read-only view"
        self.new.put_sentence_vectors(row_id, vectors)

    def withdraw(self, doc_id: str, reason: str) -> None:
        self.withdrawals[doc_id] = reason

    def withdrawn_reason(self, doc_id: str) -> str | None:
        return self.withdrawals.get(doc_id)

    def commit(self) -> None:
        if self.new is not None:
            self.new.commit()

    def close(self) -> None:
        for _, store in self._stores():
            store.close()

    # -- reading ---------------------------------------------------------------------------
    def withdrawn(self) -> dict[str, str]:
        return dict(self.withdrawals)

    def counts(self) -> dict[str, int]:
        documents = passages = 0
        for name, store in self._stores():
            c = store.counts()
            documents += c["documents"] - (len(self.deleted[name]) if name else 0)
            passages += c["passages"] - (len(self.deleted_rows[name]) if name else 0)
        return {"documents": documents, "passages": passages}

    def doc_ids(self) -> list[str]:
        return sorted(d for name, store in self._stores() for d in store.doc_ids() if self._live(name, d))

    def stored_hashes(self) -> list[tuple[str, str]]:
        return sorted(
            (d, h) for name, store in self._stores() for d, h in store.stored_hashes() if self._live(name, d)
        )

    def list_documents(self, query: str = "", limit: int = 20) -> list[dict[str, Any]]:
        found = [
            row
            for name, store in self._stores()
            for row in store.list_documents(query, limit + (len(self.deleted[name]) if name else 0))
            if self._live(name, row["doc_id"])
        ]
        return sorted(found, key=lambda r: r["doc_id"])[:limit]

    def doc_ids_from(self, source: str) -> list[str]:
        return sorted(
            d for name, store in self._stores() for d in store.doc_ids_from(source) if self._live(name, d)
        )

    def document(self, doc_id: str) -> dict[str, Any] | None:
        held = self._holder(doc_id)
        return held[1].document(doc_id) if held else None

    def document_text(self, doc_id: str) -> str | None:
        held = self._holder(doc_id)
        return held[1].document_text(doc_id) if held else None

    def load_document(self, doc_id: str) -> Document | None:
        held = self._holder(doc_id)
        return held[1].load_document(doc_id) if held else None

    def passages_of(self, doc_id: str) -> list[StoredPassage]:
        held = self._holder(doc_id)
        return held[1].passages_of(doc_id) if held else []

    def _first(self, method: str, passage_id: str) -> Any:
        for _, store in self._stores():
            try:
                return getattr(store, method)(passage_id)
            except KeyError:
                continue
        raise KeyError(passage_id)

    def passage_start(self, passage_id: str) -> int:
        return int(self._first("passage_start", passage_id))

    def passage_text(self, passage_id: str) -> str:
        return str(self._first("passage_text", passage_id))

    def sentence_vectors(self, passage_ids: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for _, store in self._stores():  # newest first: a replaced passage's live copy wins
            missing = [p for p in passage_ids if p not in out]
            if not missing:
                break
            for pid, vectors in store.sentence_vectors(missing).items():
                out.setdefault(pid, vectors)
        return out

    def passages_by_row(self, row_ids: Iterable[int]) -> dict[int, StoredPassage]:
        wanted = list(row_ids)
        out: dict[int, StoredPassage] = {}
        if self.new is not None:
            out.update(self.new.passages_by_row(wanted))
        for s in self.segments:
            low, high = s.rows
            mine = [r for r in wanted if low <= r <= high and r not in out]
            if mine:
                out.update(s.store.passages_by_row(mine))
        return out

    def row_doc_ids(self) -> dict[int, str]:
        return {
            r: d
            for name, store in self._stores()
            for r, d in store.row_doc_ids().items()
            if self._live(name, d)
        }

    def row_ids(self) -> list[int]:
        return sorted(self.row_doc_ids())

    def iter_index_texts(self, batch: int = 10_000) -> Iterator[tuple[list[int], list[str]]]:
        for name, store in reversed(list(self._stores())):
            gone = self.deleted_row_set(name) if name else frozenset()
            for rows, texts in store.iter_index_texts(batch):
                keep = [i for i, r in enumerate(rows) if r not in gone]
                yield [rows[i] for i in keep], [texts[i] for i in keep]


class SegmentedDense:
    """The dense-index interface over segments: exact top-k per segment (Flat), merged by score."""

    def __init__(
        self,
        segments: Sequence[Segment],
        store: SegmentedStore,
        dimension: int,
        new: DenseIndex | None = None,
    ):
        self.segments = list(segments)
        self.store = store
        self._dimension = dimension
        self.new = new

    @property
    def dimension(self) -> int:
        return self._dimension

    def __len__(self) -> int:
        # the segments' own counts: a write need not load an old segment's FAISS index to count it
        old = sum(s.meta["counts"]["vectors"] - len(self.store.deleted_rows[s.name]) for s in self.segments)
        return old + (len(self.new) if self.new is not None else 0)

    def _parts(self) -> Iterator[tuple[DenseIndex, frozenset[int]]]:
        for s in self.segments:
            yield s.dense, self.store.deleted_row_set(s.name)
        if self.new is not None:
            yield self.new, frozenset()

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` ``(scores, row_ids)`` per query over live passages; missing slots have id -1."""
        parts = [
            (dense.search(query_vectors, k + len(gone)), gone) for dense, gone in self._parts() if len(dense)
        ]
        n = len(query_vectors)
        scores = np.full((n, k), -np.inf, dtype=np.float32)
        ids = np.full((n, k), -1, dtype=np.int64)
        for q in range(n):
            found = [
                (float(s), int(i))
                for (part_scores, part_ids), gone in parts
                for s, i in zip(part_scores[q], part_ids[q], strict=True)
                if i >= 0 and int(i) not in gone
            ]
            found.sort(key=lambda si: (-si[0], si[1]))
            for j, (s, i) in enumerate(found[:k]):
                scores[q, j], ids[q, j] = s, i
        return scores, ids

    def tune(self, params: str) -> None:
        """Search-time FAISS parameters for every segment (``DenseIndex.tune``)."""
        for dense, _ in self._parts():
            dense.tune(params)

    def _in_new(self, row_id: int) -> bool:
        """Whether a row belongs to the segment under construction: its rows start after every old
        segment's (``Store.row_base``), so no lookup is needed."""
        return self.store.new is not None and row_id >= self.store.new.row_base

    def vectors(self, row_ids: list[int]) -> np.ndarray:
        out = np.zeros((len(row_ids), self.dimension), dtype=np.float32)
        new = self.new
        for j, r in enumerate(row_ids):
            out[j] = new.vectors([r])[0] if new is not None and self._in_new(r) else self._old_vector(r)
        return out

    def _old_vector(self, row_id: int) -> np.ndarray:
        # row ranges of merged segments may overlap others' (the tiered policy merges the smallest,
        # wherever they stand), so ask each segment whose range holds the row, newest first
        for s in reversed(self.segments):
            if s.rows[0] <= row_id <= s.rows[1]:
                try:
                    return s.dense.vectors([row_id])[0]
                except RuntimeError:  # FAISS: no such id in this segment
                    continue
        raise KeyError(f"passage row {row_id} is in no segment")

    def ids(self) -> list[int]:
        live: list[int] = []
        for dense, gone in self._parts():
            live.extend(i for i in dense.ids() if i not in gone)
        return sorted(live)

    def add(self, row_ids: list[int], vectors: np.ndarray) -> None:
        assert self.new is not None, "read-only view"
        self.new.add(row_ids, vectors)

    def remove(self, row_ids: list[int]) -> None:
        """Rows of the new segment are removed; those of old segments are already marked deleted."""
        if self.new is not None:
            self.new.remove([r for r in row_ids if self._in_new(r)])


class SegmentedLexical:
    """BM25 over segments with collection-wide statistics (``rag.index.terms``)."""

    def __init__(self, segments: Sequence[Segment], store: SegmentedStore) -> None:
        self.parts: list[tuple[TermIndex, np.ndarray | None]] = []
        for s in segments:
            gone = store.deleted_rows[s.name]
            live = ~np.isin(s.terms.row_ids, gone) if len(gone) else None
            self.parts.append((s.terms, live))

    @property
    def row_ids(self) -> np.ndarray:
        ids = [t.row_ids if live is None else t.row_ids[live] for t, live in self.parts]
        return np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return sum(len(t) if live is None else int(live.sum()) for t, live in self.parts)

    def stats(self, terms: Sequence[str]) -> Stats:
        total = EMPTY
        for t, live in self.parts:
            total = total + t.stats(terms, live)
        return total

    def search_terms(self, terms: Sequence[str], total: Stats, k: int) -> list[tuple[int, float]]:
        found = [hit for t, live in self.parts for hit in t.search(terms, total, k, live)]
        return sorted(found, key=lambda rs: (-rs[1], rs[0]))[:k]

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top-``k`` ``(row_id, score)`` with a positive score, best first."""
        terms = query_terms(query)
        return self.search_terms(terms, self.stats(terms), k) if terms else []
