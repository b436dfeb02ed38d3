import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ABSTRACTS, PUBMED

from rag.embed.embedder import HashingEmbedder
from rag.errors import IndexCorrupt, IndexMismatch, IndexNotFound, RagError
from rag.index import layout
from rag.index.ingest import ingest
from rag.index.manifest import MANIFEST
from rag.index.options import WriteOptions
from rag.index.version import open_index
from rag.readers import read_paths


def _consistent(index_dir: Path) -> set[int]:
    """Store, FAISS and BM25 hold exactly the same passage row ids."""
    index = open_index(index_dir)
    store_ids = set(index.store.row_ids())
    assert set(index.dense.ids()) == store_ids
    assert set(np.asarray(index.lexical.row_ids).tolist()) == store_ids
    return store_ids


def test_append_update_unchanged(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    emb = HashingEmbedder()
    r1 = ingest(read_paths([ABSTRACTS]), idx, emb)
    assert (r1.added, r1.updated, r1.unchanged, r1.failed) == (10, 0, 0, 0)
    assert r1.passages_embedded == r1.counts["passages"] > 10
    r2 = ingest(read_paths([PUBMED]), idx, emb)
    assert r2.added == 6 and r2.counts["documents"] == 16
    assert r2.passages_embedded == r2.counts["passages"] - r1.counts["passages"]  # appended, not rebuilt
    r3 = ingest(read_paths([ABSTRACTS, PUBMED]), idx, emb)
    assert (r3.added, r3.updated, r3.unchanged, r3.passages_embedded) == (0, 0, 16, 0)

    rows = [json.loads(line) for line in ABSTRACTS.read_text().splitlines()]
    rows[0]["sections"][-1] += " An added sentence changes this abstract."
    edited = tmp_path / "edited.jsonl"
    edited.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    before = {p.passage.text for p in open_index(idx).store.passages_of(rows[0]["_id"])}
    r4 = ingest(read_paths([edited]), idx, emb)
    assert (r4.updated, r4.unchanged) == (1, 9)
    after = [p.passage.text for p in open_index(idx).store.passages_of(rows[0]["_id"])]
    changed = [t for t in after if t not in before]
    assert 1 <= len(changed) < len(after)  # only the edited section's passage changed
    assert r4.passages_embedded == len(changed)  # unchanged passages kept their vectors
    assert r4.counts["documents"] == 16
    _consistent(idx)
    assert json.loads((idx / "last_ingest.json").read_text()) == r4.to_dict()  # the last write's report
    assert (r4.added, r4.failed, r4.files_seen) == (0, 0, 1)


def test_versions_are_published_atomically_and_pruned(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    for i, line in enumerate(ABSTRACTS.read_text().splitlines()[:5]):  # five writes, one new document each
        (tmp_path / f"{i}.jsonl").write_text(line + "\n")
        ingest(read_paths([tmp_path / f"{i}.jsonl"]), idx, HashingEmbedder(), WriteOptions(keep_versions=2))
    versions = sorted(p.name for p in (idx / layout.VERSIONS).iterdir())
    assert len(versions) == 2 and not any(v.startswith(".tmp") for v in versions)
    assert layout.current_version(idx) == versions[-1]
    manifest = json.loads((idx / layout.VERSIONS / versions[-1] / MANIFEST).read_text())
    assert manifest["parent"] == versions[0]
    assert set(manifest["files"]) == {"marks.json"}
    # five writes of one document each: five segments, shared by the versions that list them
    assert len(manifest["segments"]) == 5
    segments = sorted(p.name for p in (idx / layout.SEGMENTS).iterdir())
    assert segments == sorted(manifest["segments"])  # nothing half-written or unreferenced is left
    meta = json.loads((idx / layout.SEGMENTS / segments[0] / "segment.json").read_text())
    assert set(meta["files"]) >= {"store.sqlite", "dense.faiss", "terms/vocab.json", "terms/indptr.npy"}


def test_failed_build_leaves_live_index_untouched(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), idx, HashingEmbedder())
    live = layout.current_version(idx)

    class Boom(HashingEmbedder):
        def embed(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
            raise RuntimeError("model crashed mid-build")

    with pytest.raises(RuntimeError):
        ingest(read_paths([PUBMED]), idx, Boom())
    assert layout.current_version(idx) == live
    assert open_index(idx).manifest.counts["documents"] == 10
    ingest(read_paths([PUBMED]), idx, HashingEmbedder())  # the next run cleans up
    assert not list((idx / layout.VERSIONS).glob(".tmp-*"))


def test_manifest_checks(tmp_path: Path, fake_index: Path) -> None:
    with pytest.raises(IndexNotFound, match="rag ingest"):
        open_index(tmp_path / "missing")
    with pytest.raises(IndexMismatch, match="hashing-256"):
        open_index(fake_index, model="packaged:all-MiniLM-L6-v2")
    with pytest.raises(IndexMismatch):  # appending with another model is refused too
        ingest(read_paths([ABSTRACTS]), fake_index, HashingEmbedder(64))

    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(fake_index, copy)
    vdir = layout.version_dir(copy)
    manifest = json.loads((vdir / MANIFEST).read_text())
    manifest["counts"]["passages"] += 1
    (vdir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexCorrupt, match="passages"):
        open_index(copy)
    manifest["format_version"] = 99
    (vdir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatch, match="format"):
        open_index(copy)


def test_failures_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    report = ingest(read_paths([bad, ABSTRACTS]), tmp_path / "idx", HashingEmbedder())
    assert report.failed == 1 and report.added == 10
    assert report.failures[0]["file"].endswith("broken.pdf")


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    with layout.writer_lock(idx), pytest.raises(RagError, match="another process"):
        ingest(read_paths([ABSTRACTS]), idx, HashingEmbedder())


def test_sentence_vectors_are_stored_at_ingest_and_reused(tmp_path: Path) -> None:
    from rag.answer.select import evidence_pool
    from rag.engine import Engine

    idx = tmp_path / "idx"
    emb = HashingEmbedder()
    ingest(read_paths([ABSTRACTS]), idx, emb)
    index = open_index(idx)
    passages = [p.passage for d in index.store.doc_ids() for p in index.store.passages_of(d)]
    stored = index.store.sentence_vectors([p.passage_id for p in passages])
    assert set(stored) == {p.passage_id for p in passages}
    for p in passages:
        text_vectors = emb.embed([p.text[s:e] for s, e in p.sentences])
        assert np.allclose(
            stored[p.passage_id], text_vectors, atol=2e-3
        )  # float16 copies of the same vectors
    engine = Engine(idx, embedder=emb)
    hits = engine.search("gluten tolerance in celiac disease", k=10)
    question = "gluten tolerance in celiac disease"
    with_stored = evidence_pool(
        question, hits, emb, index.store.sentence_vectors([h.passage_id for h in hits])
    )
    computed = evidence_pool(question, hits, emb, {})
    assert [c.text for c in with_stored.candidates] == [c.text for c in computed.candidates]
    assert np.allclose(with_stored.vectors, computed.vectors, atol=2e-3)


def test_hnsw_index_supports_updates_and_removal(tmp_path: Path) -> None:
    from rag.chunking import ChunkingParams
    from rag.index.ingest import remove

    idx = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), idx, HashingEmbedder(), WriteOptions(faiss_factory="HNSW32"))
    assert open_index(idx).manifest.faiss_factory == "HNSW32"
    report = remove(["18403944"], idx, HashingEmbedder(), WriteOptions(chunking=ChunkingParams()))
    assert report.removed == 1
    ingest(read_paths([PUBMED]), idx, HashingEmbedder())  # appending keeps the factory
    assert open_index(idx).manifest.faiss_factory == "HNSW32"
    assert len(_consistent(idx)) == open_index(idx).manifest.counts["passages"]


def test_nothing_changed_means_no_new_version(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    first = ingest(read_paths([ABSTRACTS]), idx, HashingEmbedder())
    again = ingest(read_paths([ABSTRACTS]), idx, HashingEmbedder())
    assert first.new_version and not again.new_version and again.version == first.version
    assert [p.name for p in (idx / "versions").iterdir()] == [first.version]
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    empty = tmp_path / "empty"
    report = ingest(read_paths([bad]), empty, HashingEmbedder())
    assert report.failed == 1 and not report.new_version and report.version is None
    assert not (empty / "CURRENT").exists()


def test_one_paper_from_two_sources_is_one_document(tmp_path: Path) -> None:
    """Issue 12, fault 7: a PDF and the PubMed record of the same paper became two documents."""
    from conftest import PDF, PDF_MANIFEST

    idx = tmp_path / "idx"
    first = ingest(read_paths([PDF], PDF_MANIFEST), idx, HashingEmbedder())
    assert first.added == 1
    record = {
        "_id": "20205898",
        "title": "Complications related to deep venous thrombosis prophylaxis in trauma",
        "text": "Deep venous thrombosis prophylaxis is essential in multisystem trauma.",
        "metadata": {
            "pmid": "20205898",
            "doi": "10.1186/1752-2897-4-1",
            "journal": "J Trauma Manag Outcomes",
        },
    }
    pubmed = tmp_path / "pubmed.jsonl"
    pubmed.write_text(json.dumps(record) + "\n")
    second = ingest(read_paths([pubmed]), idx, HashingEmbedder())
    assert second.added == 0 and not second.new_version
    assert second.duplicates == [
        {"file": str(pubmed), "doc_id": "20205898", "same_as": "10.1186/1752-2897-4-1"}
    ]
    assert open_index(idx).store.doc_ids() == ["10.1186/1752-2897-4-1"]
