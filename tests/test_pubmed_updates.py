"""PubMed update files (issue 13, item 3): deletions, revisions, retractions in one version, and
``rag sync`` applying a folder of them in order, each once."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from rag.embed.embedder import HashingEmbedder
from rag.errors import ReaderError
from rag.index.ingest import ingest
from rag.index.layout import current_version, versions
from rag.index.options import WriteOptions
from rag.index.sync import applied, sync
from rag.index.version import open_index
from rag.readers import read_paths

UPDATES = FIXTURES / "pubmed" / "updates"
BASELINE, DAILY = UPDATES / "pubmed26n0001.xml.gz", UPDATES / "pubmed26n0002.xml.gz"


class Counting(HashingEmbedder):
    """The hashing embedder, counting the texts it embeds."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts, *, progress=False):  # type: ignore[no-untyped-def]
        self.texts.extend(texts)
        return super().embed(texts, progress=progress)


def test_an_update_file_deletes_revises_retracts_and_adds_in_one_version(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    ingest(read_paths([BASELINE]), index, HashingEmbedder())
    before = open_index(index).store.passages_of("28786991")
    embedder = Counting()
    report = ingest(read_paths([DAILY]), index, embedder)
    # 36400559's record changed only by its retraction link: unchanged as a document, but withdrawn
    assert (report.added, report.updated, report.unchanged, report.removed, report.withdrawn) == (
        1,
        1,
        1,
        1,
        2,
    )
    assert len(versions(index)) == 2  # one version for the whole file
    live = open_index(index)
    assert "11446611" not in live.store.doc_ids()  # DeleteCitation
    assert live.withdrawn == {
        "36400559": "retracted (retraction notice: PMID 39999002)",  # RetractionIn on its own record
        "2930949": "retracted (retraction notice: PMID 39999001)",  # RetractionOf on the notice
    }
    revised = live.store.passages_of("28786991")
    assert "confirmed in a 2026 update" in revised[-1].passage.text
    unchanged = {p.passage.text for p in before} & {p.passage.text for p in revised}
    assert unchanged  # passages whose text did not change kept their vectors: not embedded again
    assert not any(t.endswith(p) for t in embedder.texts for p in unchanged)
    assert any(t.endswith(revised[-1].passage.text) for t in embedder.texts)  # the changed one was


def test_sync_applies_files_in_order_once_and_a_rerun_is_a_no_op(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    ingest(read_paths([FIXTURES / "abstracts" / "pubmedqa_10.jsonl"]), index, HashingEmbedder())
    folder = tmp_path / "updates"
    folder.mkdir()
    shutil.copy(DAILY, folder)  # the daily file first: sync must still apply the baseline before it
    shutil.copy(BASELINE, folder)
    done = sync(folder, index, HashingEmbedder(), WriteOptions(chunking=_chunking(index)))
    assert [name for name, _ in done] == ["pubmed26n0001.xml.gz", "pubmed26n0002.xml.gz"]
    assert applied(index) == ["pubmed26n0001.xml.gz", "pubmed26n0002.xml.gz"]
    live = current_version(index)
    assert sync(folder, index, HashingEmbedder(), WriteOptions(chunking=_chunking(index))) == []
    assert current_version(index) == live
    assert "11446611" not in open_index(index).store.doc_ids()


def test_a_file_that_cannot_be_read_stops_the_sync_before_it(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    folder = tmp_path / "updates"
    folder.mkdir()
    shutil.copy(BASELINE, folder)
    (folder / "pubmed26n0002.xml.gz").write_bytes(b"\x1f\x8bnot really gzip")
    ingest(read_paths([FIXTURES / "abstracts" / "pubmedqa_10.jsonl"]), index, HashingEmbedder())
    with pytest.raises(ReaderError, match="files before it were applied"):
        sync(folder, index, HashingEmbedder(), WriteOptions(chunking=_chunking(index)))
    assert applied(index) == ["pubmed26n0001.xml.gz"]


def test_rag_sync_command(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    folder = tmp_path / "updates"
    shutil.copytree(UPDATES, folder)
    rag = [sys.executable, "-m", "rag.cli"]
    subprocess.run([*rag, "ingest", str(BASELINE), "--index", str(index), "--quiet"], check=True)
    out = subprocess.run([*rag, "sync", str(folder), "--index", str(index)], capture_output=True, text=True)
    fresh = subprocess.run(  # no index yet: sync builds one with the configured model
        [*rag, "sync", str(folder), "--index", str(tmp_path / "new"), "--model", "hashing-256"],
        capture_output=True,
        text=True,
    )
    assert fresh.returncode == 0, fresh.stderr
    assert open_index(tmp_path / "new").manifest.extra["pubmed_applied"] == [BASELINE.name, DAILY.name]
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith(
        "pubmed26n0001.xml.gz: 0 added, 0 updated, 0 deleted, 0 withdrawn, 4 unchanged"
    )
    assert lines[1].startswith(
        "pubmed26n0002.xml.gz: 1 added, 1 updated, 1 deleted, 2 withdrawn, 1 unchanged"
    )
    again = subprocess.run(
        [*rag, "sync", str(folder), "--index", str(index), "--json"], capture_output=True, text=True
    )
    assert again.returncode == 0 and json.loads(again.stdout) == []
    missing = subprocess.run(
        [*rag, "sync", str(tmp_path / "nope"), "--index", str(index)], capture_output=True, text=True
    )
    assert missing.returncode == 2 and "is not a folder" in missing.stderr


def _chunking(index: Path):  # type: ignore[no-untyped-def]
    from rag.chunking import ChunkingParams

    return ChunkingParams(**open_index(index).manifest.chunking)
