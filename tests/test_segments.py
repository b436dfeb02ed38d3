"""Segmented index: a write adds one segment and shares the rest; marks delete; compaction merges.

The rankings must not depend on how the index is segmented: BM25 uses collection-wide statistics
(``rag.index.terms``) and dense search merges each segment's exact top-k.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ABSTRACTS, PUBMED

from rag.config import COMPACT_SEGMENTS
from rag.embed.embedder import HashingEmbedder
from rag.errors import InvalidInput
from rag.index import layout
from rag.index.compact import choose, compact
from rag.index.ingest import ingest, remove
from rag.index.lexical import LexicalIndex
from rag.index.options import WriteOptions
from rag.index.terms import TermIndex, query_terms
from rag.index.version import open_index
from rag.readers import read_paths
from rag.retrieve.retrievers import make_retriever

QUERIES = [
    "gluten tolerance celiac disease",
    "venous air embolism treatment oxygen",
    "randomised trial mortality outcome",
    "children asthma inhaled steroids",
    "patients with chronic kidney disease",
]
CHUNKING_EMBEDDER = HashingEmbedder()


def _lines(n: int | None = None) -> list[str]:
    return ABSTRACTS.read_text().splitlines()[:n]


def _write(tmp: Path, name: str, lines: list[str]) -> Path:
    path = tmp / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def _segmented(tmp: Path, idx: Path) -> None:
    """The same documents as ``_whole`` in nine writes, so nine segments."""
    lines = _lines()
    for i, line in enumerate(lines[:8]):
        ingest(read_paths([_write(tmp, f"one-{i}", [line])]), idx, CHUNKING_EMBEDDER)
    last = read_paths([_write(tmp, "rest", lines[8:]), PUBMED])
    ingest(last, idx, CHUNKING_EMBEDDER)


def _whole(tmp: Path, idx: Path) -> None:
    ingest(read_paths([_write(tmp, "all", _lines()), PUBMED]), idx, CHUNKING_EMBEDDER)


def _scores(idx: Path, mode: str, query: str, k: int = 30) -> dict[str, float]:
    index = open_index(idx)
    hits = make_retriever(index, CHUNKING_EMBEDDER, mode).search(query, k)
    return {h.passage.passage_id: h.score for h in hits}


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("segments")
    one, many = tmp / "one", tmp / "many"
    _whole(tmp, one)
    _segmented(tmp, many)
    return one, many


def test_the_same_documents_in_one_segment_or_nine(pair: tuple[Path, Path]) -> None:
    one, many = pair
    assert len(open_index(one).segments) == 1 and len(open_index(many).segments) == 9
    assert open_index(one).store.stored_hashes() == open_index(many).store.stored_hashes()


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_rankings_do_not_depend_on_segmentation(pair: tuple[Path, Path], mode: str) -> None:
    one, many = pair
    for query in QUERIES:
        a, b = _scores(one, mode, query), _scores(many, mode, query)
        assert np.allclose(list(a.values()), list(b.values()), atol=1e-6, rtol=0), query
        above = min(a.values()) + 1e-6  # passages tied at the cut-off may differ; all above may not
        assert [p for p, v in a.items() if v > above] == [p for p, v in b.items() if v > above], query


def test_term_index_scores_are_those_of_bm25s() -> None:
    """Parity with the reference: bm25s's Lucene BM25 over the same texts."""
    texts = [json.loads(line)["text"] for line in _lines()]
    rows = list(range(1, len(texts) + 1))
    reference, ours = LexicalIndex.build(rows, texts), TermIndex.build(rows, texts)
    for query in QUERIES:
        terms = query_terms(query)
        expected = reference.search(query, 10)
        got = ours.search(terms, ours.stats(terms), 10)
        assert [r for r, _ in got] == [r for r, _ in expected], query
        assert np.allclose([s for _, s in got], [s for _, s in expected], atol=1e-5), query


def test_a_write_adds_one_segment_and_copies_nothing(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    ingest(read_paths([_write(tmp_path, "base", _lines(9))]), idx, CHUNKING_EMBEDDER)
    base = open_index(idx).manifest.segments
    files = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (idx / layout.SEGMENTS).rglob("*")}
    ingest(read_paths([_write(tmp_path, "new", _lines()[9:])]), idx, CHUNKING_EMBEDDER)
    index = open_index(idx)
    assert index.manifest.segments[:-1] == base and len(index.manifest.segments) == 2
    for path, stamp in files.items():  # the old segment's files are the same files, untouched
        assert (path.stat().st_ino, path.stat().st_mtime_ns) == stamp
    new = index.segments[-1]
    assert new.store.counts()["documents"] == 1  # only the added document is in the new segment
    assert index.manifest.counts["documents"] == 10


def test_removal_marks_and_compaction_drops(tmp_path: Path) -> None:
    idx, fresh = tmp_path / "idx", tmp_path / "fresh"
    _segmented(tmp_path, idx)
    gone = sorted(json.loads(line)["_id"] for line in _lines())[:3]
    segments_before = open_index(idx).manifest.segments
    remove(gone, idx, CHUNKING_EMBEDDER, WriteOptions(chunking=_chunking(idx)))
    index = open_index(idx)
    assert index.manifest.segments == segments_before  # a removal adds no segment, only marks
    assert sum(len(d) for d in json.loads((index.path / "marks.json").read_text())["deleted"].values()) == 3
    assert not set(gone) & set(index.store.doc_ids())
    # an index built without those documents scores exactly the same: the statistics leave marked rows out
    kept = [line for line in _lines() if json.loads(line)["_id"] not in gone]
    ingest(read_paths([_write(tmp_path, "kept", kept), PUBMED]), fresh, CHUNKING_EMBEDDER)
    for query in QUERIES:
        a, b = _scores(idx, "bm25", query), _scores(fresh, "bm25", query)
        assert list(a) == list(b) and np.allclose(list(a.values()), list(b.values()), atol=1e-6), query
    before = {q: _scores(idx, "hybrid", q) for q in QUERIES}
    live_before = layout.current_version(idx)
    result = compact(idx)
    assert result is not None and result.dropped_documents == 3 and len(result.merged) == 9
    index = open_index(idx)
    assert len(index.segments) == 1 and json.loads((index.path / "marks.json").read_text())["deleted"] == {}
    assert index.segments[0].meta["name"] == index.segments[0].name == result.segment
    assert index.segments[0].store.counts()["documents"] == index.manifest.counts["documents"]
    assert {q: _scores(idx, "hybrid", q) for q in QUERIES} == before
    assert len(open_index(idx, version=live_before).segments) == 9  # older versions still open (rollback)


def _chunking(idx: Path):  # type: ignore[no-untyped-def]
    from rag.chunking import ChunkingParams

    return ChunkingParams(**open_index(idx).manifest.chunking)


def test_deletions_during_a_compaction_are_kept(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    _segmented(tmp_path, idx)
    victim = sorted(open_index(idx).store.doc_ids())[0]

    def meanwhile() -> None:  # a writer removes a document while the merge is being built
        remove([victim], idx, CHUNKING_EMBEDDER, WriteOptions(chunking=_chunking(idx)))

    result = compact(idx, before_publish=meanwhile)
    assert result is not None
    index = open_index(idx)
    assert len(index.segments) == 1 and victim not in index.store.doc_ids()
    assert index.manifest.counts["documents"] == len(index.store.doc_ids())
    assert (
        compact(idx) is not None
        and len(open_index(idx).store.doc_ids()) == index.manifest.counts["documents"]
    )


def test_many_small_writes_trigger_compaction_and_unused_segments_are_collected(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    lines = _lines()
    for i in range(COMPACT_SEGMENTS + 1):
        line = json.loads(lines[i % len(lines)])
        line["_id"], line["metadata"] = f"copy-{i}", {}  # no PMID: not the same paper as its original
        ingest(
            read_paths([_write(tmp_path, f"w{i}", [json.dumps(line)])]),
            idx,
            CHUNKING_EMBEDDER,
        )
    index = open_index(idx)
    assert len(index.segments) == COMPACT_SEGMENTS // 2  # the last write merged the smallest segments
    assert index.manifest.counts["documents"] == COMPACT_SEGMENTS + 1
    on_disk = {p.name for p in (idx / layout.SEGMENTS).iterdir()}
    listed = {s for v in layout.versions(idx) for s in open_index(idx, version=v).manifest.segments}
    assert on_disk == listed  # segments no kept version lists are gone
    assert not [p for p in on_disk if p.startswith(".")]


def test_the_automatic_policy_merges_the_smallest_and_leaves_large_segments_alone() -> None:
    def seg(name: str, passages: int) -> SimpleNamespace:
        return SimpleNamespace(name=name, meta={"counts": {"passages": passages}})

    base = seg("s0-base", 1_000_000)
    small = [seg(f"s{i}", 100 + i) for i in range(1, 11)]
    chosen = choose([base, *small], "auto", limit=10)  # type: ignore[list-item]
    assert base not in chosen and len(chosen) == 11 - 5 + 1 and chosen == small[:7]
    assert choose([base, *small[:9]], "auto", limit=10) == []  # within the limit: nothing to merge
    assert choose([base, *small[:9]], "all") == [base, *small[:9]]  # type: ignore[list-item]
    with pytest.raises(InvalidInput, match="choose one of all, auto"):
        choose([base], "sometimes")  # type: ignore[list-item]


def test_merging_segments_that_are_not_neighbours_keeps_every_passage_reachable(tmp_path: Path) -> None:
    """The tiered policy merges the smallest segments wherever they stand, so a merged segment's row
    range can span another segment's: lookups by row must still find every passage."""
    idx, whole = tmp_path / "idx", tmp_path / "whole"
    lines = _lines()
    for name, part in (
        ("a", lines[:1]),
        ("b", lines[1:5]),
        ("c", lines[5:6]),
        ("d", lines[6:9]),
        ("e", lines[9:]),
    ):
        ingest(read_paths([_write(tmp_path, name, part)]), idx, CHUNKING_EMBEDDER)
    result = compact(idx, policy="auto", limit=4)  # the 4 smallest of 5: a, c, e and one larger
    assert result is not None and len(result.merged) == 4
    index = open_index(idx)
    low, high = index.segments[0].rows
    other = index.segments[1]
    assert low < other.rows[0] and other.rows[1] < high  # the merged range spans the other segment's
    ingest(read_paths([_write(tmp_path, "all", lines)]), whole, CHUNKING_EMBEDDER)
    reference = open_index(whole)
    for doc_id in reference.store.doc_ids():
        rows = [p.row_id for p in index.store.passages_of(doc_id)]
        expected = [p.row_id for p in reference.store.passages_of(doc_id)]
        assert np.allclose(index.dense.vectors(rows), reference.dense.vectors(expected), atol=1e-6)
    for query in QUERIES:
        assert _scores(idx, "hybrid", query) == _scores(whole, "hybrid", query)


def test_a_segment_too_small_for_its_ivf_lists_is_flat_until_compaction_makes_it_large(
    tmp_path: Path,
) -> None:
    idx = tmp_path / "idx"
    lines = _lines()
    ingest(
        read_paths([_write(tmp_path, "a", lines)]),
        idx,
        CHUNKING_EMBEDDER,
        WriteOptions(faiss_factory="IVF2,Flat"),
    )
    copies = []
    for n in range(3):  # 30 more documents: enough vectors (39 per list) to train 2 lists
        for line in lines:
            record = json.loads(line)
            record["_id"], record["metadata"] = f"{record['_id']}-{n}", {}
            copies.append(json.dumps(record))
    ingest(read_paths([_write(tmp_path, "b", copies)]), idx, CHUNKING_EMBEDDER)
    index = open_index(idx)
    assert index.manifest.faiss_factory == "IVF2,Flat"
    assert [s.meta["faiss_factory"] for s in index.segments] == ["Flat", "IVF2,Flat"]
    before = {q: _scores(idx, "dense", q) for q in QUERIES}
    assert compact(idx) is not None
    assert [s.meta["faiss_factory"] for s in open_index(idx).segments] == ["IVF2,Flat"]
    after = {q: _scores(idx, "dense", q) for q in QUERIES}  # two lists, all probed: still exact
    for q in QUERIES:  # copies tie with their originals, so compare the scores, rank by rank
        assert np.allclose(list(before[q].values()), list(after[q].values()), atol=1e-6), q
        assert all(abs(before[q][p] - after[q][p]) < 1e-6 for p in set(before[q]) & set(after[q])), q


def test_a_compaction_overtaken_by_a_rollback_publishes_nothing(tmp_path: Path) -> None:
    from rag.index.live import rollback

    idx = tmp_path / "idx"
    _segmented(tmp_path, idx)
    victim = sorted(open_index(idx).store.doc_ids())[0]
    remove([victim], idx, CHUNKING_EMBEDDER, WriteOptions(chunking=_chunking(idx)))
    assert victim not in open_index(idx).store.doc_ids()
    result = compact(idx, before_publish=lambda: rollback(idx))  # the merge drops the victim…
    assert result is None  # …but the live version has it again: nothing is published
    assert victim in open_index(idx).store.doc_ids() and len(open_index(idx).segments) == 9


def test_automatic_compaction_waits_for_a_writer_and_never_fails_the_write(tmp_path: Path) -> None:
    from rag.index.compact import maybe_compact

    idx = tmp_path / "idx"
    _segmented(tmp_path, idx)
    with layout.writer_lock(idx):  # another writer holds the lock for longer than the merge waits
        import rag.index.compact as module

        module.PUBLISH_WAIT_S, saved = 0.5, module.PUBLISH_WAIT_S
        try:
            assert maybe_compact(idx, 9, limit=4) is None  # skipped with a warning, no exception
        finally:
            module.PUBLISH_WAIT_S = saved
    assert len(open_index(idx).segments) == 9
    assert not [p for p in (idx / layout.SEGMENTS).iterdir() if p.name.startswith(".")]
    assert maybe_compact(idx, 9, limit=4) is not None and len(open_index(idx).segments) == 2
