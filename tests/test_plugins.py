"""Plug-ins from a separate package: a reader and an embedder registered through entry points only.

The package is written to a temporary folder with its ``.dist-info`` (what ``pip install`` leaves),
so ``importlib.metadata`` finds it exactly as it finds an installed distribution.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import plugins as registry
from rag.embed import make_embedder
from rag.embed.embedder import HashingEmbedder
from rag.errors import ReaderError
from rag.readers import read_paths

PACKAGE = '''
from pathlib import Path

from rag.embed.embedder import HashingEmbedder
from rag.readers.meta import build_document
from rag.readers.registry import FunctionReader
from rag.types import Section


def read_note(path: Path, metadata):
    """A '.note' file: a title line, then one paragraph per line."""
    title, *lines = path.read_text(encoding="utf-8").splitlines()
    sections = tuple(Section(text=line) for line in lines if line.strip())
    return [build_document({"title": title, **(metadata.row or {})}, sections, source=str(path),
                           fallback_id="note:" + path.stem)]


READER = FunctionReader("note", (".note",), read_note)


def tiny(model, *, batch_size):
    return HashingEmbedder(16) if model == "tiny" else None
'''
ENTRY_POINTS = """[clinical_rag.readers]
note = note_plugin:READER

[clinical_rag.embedders]
tiny = note_plugin:tiny
"""


@pytest.fixture
def plugin_path(tmp_path: Path) -> Iterator[Path]:
    site = tmp_path / "site"
    (site / "note_plugin").mkdir(parents=True)
    (site / "note_plugin" / "__init__.py").write_text(PACKAGE)
    info = site / "note_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: note-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    sys.path.insert(0, str(site))
    registry.plugins.cache_clear()
    yield site
    sys.path.remove(str(site))
    sys.modules.pop("note_plugin", None)
    registry.plugins.cache_clear()


def test_without_the_plugin_a_note_file_is_unsupported(tmp_path: Path) -> None:
    note = tmp_path / "a.note"
    note.write_text("Title\nBody.\n")
    [result] = read_paths([note])
    assert result.error is not None and "unsupported file type" in result.error and ".pdf" in result.error


def test_a_reader_and_an_embedder_plug_in_without_editing_rag(plugin_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "heparin.note").write_text("Heparin after trauma\nHeparin lowered DVT rates.\nNo bleeding.\n")
    (folder / "skip.bin").write_bytes(b"\0")  # folders yield only the files some reader takes
    [result] = read_paths([folder])
    assert result.error is None
    [doc] = result.documents
    assert (doc.doc_id, doc.title) == ("note:heparin", "Heparin after trauma")
    assert [s.text for s in doc.sections] == ["Heparin lowered DVT rates.", "No bleeding."]
    embedder = make_embedder("tiny")
    assert isinstance(embedder, HashingEmbedder) and embedder.dimension == 16
    assert isinstance(make_embedder("hashing-8"), HashingEmbedder)  # built-ins still answer their names


def test_the_cli_ingests_with_the_plugin_reader(plugin_path: Path, tmp_path: Path) -> None:
    note = tmp_path / "n.note"
    note.write_text("A note about heparin\nHeparin lowered DVT rates after trauma.\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_path), *sys.path])}
    run = [sys.executable, "-m", "rag.cli", "ingest", str(note), "--index", str(tmp_path / "i")]
    r = subprocess.run(
        [*run, "--model", "tiny", "--json", "--quiet"], capture_output=True, text=True, env=env
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["added"] == 1 and report["failed"] == 0


def test_a_broken_plugin_names_itself(plugin_path: Path) -> None:
    (plugin_path / "note_plugin-0.1.dist-info" / "entry_points.txt").write_text(
        "[clinical_rag.readers]\nbroken = note_plugin:NOPE\n"
    )
    registry.plugins.cache_clear()
    with pytest.raises(registry.PluginError, match="'broken'.*note_plugin:NOPE"):
        list(read_paths([plugin_path / "note_plugin" / "__init__.py"]))


def test_a_reader_error_is_reported_per_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.jsonl"
    bad.write_text("{not json\n")
    [result] = read_paths([bad])
    assert result.documents == () and result.error
    with pytest.raises(ReaderError):
        read_paths([tmp_path / "missing.pdf"])  # at the call, before anything is read
