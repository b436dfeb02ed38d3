"""The on-disk format: numbered store migrations, and `rag upgrade` of an index written in format 1."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rag.embed.embedder import HashingEmbedder
from rag.errors import IndexMismatch
from rag.index import open_index
from rag.index.ingest import ingest
from rag.index.layout import current_version
from rag.index.manifest import FORMAT_VERSION, Manifest
from rag.index.migrations import LATEST, MIGRATIONS, applied, migrate
from rag.index.store import Store
from rag.index.upgrade import upgrade
from rag.readers import read_paths

FORMAT1 = Path(__file__).parent / "fixtures" / "index_format1"
ABSTRACTS = Path(__file__).parent / "fixtures" / "abstracts" / "pubmedqa_10.jsonl"


def test_migrations_are_numbered_in_order_and_recorded(tmp_path: Path) -> None:
    assert [n for n, _, _ in MIGRATIONS] == list(range(1, LATEST + 1))
    store = Store(tmp_path / "s.sqlite")
    conn = sqlite3.connect(tmp_path / "s.sqlite")
    assert applied(conn) == set(range(1, LATEST + 1))
    assert migrate(conn) == []  # nothing left to apply
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "passages", "withdrawn", "sentence_vectors", "migrations"} <= tables
    store.close()


def test_a_format1_index_is_refused_with_the_upgrade_command_then_upgraded(tmp_path: Path) -> None:
    index = tmp_path / "old"
    shutil.copytree(FORMAT1, index)
    old_version = current_version(index)
    with pytest.raises(IndexMismatch, match="rag upgrade --index"):
        open_index(index)
    with pytest.raises(IndexMismatch, match="rag upgrade"):  # writers refuse it too, before touching it
        ingest(read_paths([ABSTRACTS]), index, HashingEmbedder(64))
    assert current_version(index) == old_version

    new_version = upgrade(index)
    assert new_version is not None and current_version(index) == new_version
    upgraded = open_index(index)
    assert upgraded.manifest.format_version == FORMAT_VERSION
    assert upgraded.manifest.extra["upgraded_from_format"] == 1
    assert (
        upgraded.manifest.counts == Manifest.read(index / "versions" / old_version, upgrading=True).counts
    )  # nothing re-embedded, nothing lost
    conn = sqlite3.connect(upgraded.segments[0].path / "store.sqlite")
    assert applied(conn) == set(range(1, LATEST + 1))
    conn.close()
    hits = upgraded.lexical.search("hypertension", 3)
    assert hits, "BM25 answers from the upgraded version"
    assert upgrade(index) is None  # already current

    # and the upgraded index takes new documents again (unchanged ones are recognised by their hash)
    report = ingest(read_paths([ABSTRACTS]), index, HashingEmbedder(64))
    assert report.unchanged == 10 and report.added == 0


def test_rag_upgrade_command(tmp_path: Path) -> None:
    index = tmp_path / "old"
    shutil.copytree(FORMAT1, index)
    run = [sys.executable, "-m", "rag.cli", "upgrade", "--index", str(index)]
    first = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0 and "upgraded; live version is now" in first.stdout, first.stderr
    second = subprocess.run(run, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0 and "already in the current format" in second.stdout
