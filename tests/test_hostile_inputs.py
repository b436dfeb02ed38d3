"""The hostile-input set (tests/fixtures/hostile/make.py): every file is rejected with its reason,
the rest of the batch is read, and the service keeps answering while they are uploaded."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from rag.errors import ReaderError
from rag.readers import read_paths

spec = importlib.util.spec_from_file_location(
    "hostile", Path(__file__).parent / "fixtures" / "hostile" / "make.py"
)
hostile = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(hostile)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile")
    hostile.write(path)
    return path


def test_the_set_has_at_least_fifteen_inputs(folder: Path) -> None:
    assert len(hostile.EXPECTED) >= 15 and {p.name for p in folder.iterdir()} == set(hostile.EXPECTED)


def test_every_literature_file_is_rejected_with_its_reason(folder: Path) -> None:
    from conftest import ABSTRACTS

    files = [folder / n for n in hostile.EXPECTED if n not in hostile.SIDECARS]
    results = {Path(r.path).name: r for r in read_paths([*files, ABSTRACTS])}
    assert len(results[ABSTRACTS.name].documents) == 10  # the good file in the same batch is read
    for name in (f.name for f in files):
        result = results[name]
        assert result.documents == () and result.error, name
        assert hostile.EXPECTED[name] in result.error, (name, result.error)


@pytest.mark.parametrize("name", ["macro_bomb.bib", "huge.ris", "wrong_shape.json"])
def test_hostile_metadata_sidecars_are_refused_before_reading(folder: Path, name: str) -> None:
    with pytest.raises(ReaderError, match=hostile.EXPECTED[name]):
        read_paths([folder / "zero_bytes.txt"], folder / name)


def test_uploads_of_the_set_fail_per_file_and_the_service_keeps_answering(
    folder: Path, tmp_path: Path
) -> None:
    import time

    from conftest import BASE, PDF, cosine_selector
    from fastapi.testclient import TestClient

    from api.app import create_app
    from rag.config import Settings
    from rag.embed.embedder import HashingEmbedder
    from rag.engine import Engine
    from rag.index.ingest import ingest

    index = tmp_path / "idx"
    ingest(read_paths([PDF]), index, HashingEmbedder())
    settings = Settings(index=index, api_key="k", max_upload_mb=1)
    engine = Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
    key = {"X-API-Key": "k"}
    with TestClient(base_url=BASE, app=create_app(settings, engine=engine)) as c:
        names = ["truncated.pdf", "encrypted.pdf", "zero_pages.pdf", "entities.xml", "external_entity.xml"]
        files = [
            ("files", (f"../../{n}", (folder / n).read_bytes(), "application/octet-stream")) for n in names
        ]
        r = c.post("/v1/documents", files=files, headers=key)
        assert r.status_code == 202, r.text
        for _ in range(300):
            job = c.get(f"/v1/jobs/{r.json()['job_id']}", headers=key).json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert job["status"] == "failed" and job["report"]["failed"] == len(names)
        reasons = {f["file"]: f["reason"] for f in job["report"]["failures"]}
        assert set(reasons) == set(names)  # "../../x.pdf" is reported as x.pdf and stored under a random name
        assert all(hostile.EXPECTED[n] in reasons[n] for n in names)
        assert not (index.parent / "truncated.pdf").exists() and not (tmp_path / "truncated.pdf").exists()
        assert c.post("/v1/ask", json={"question": "heparin after trauma?"}).status_code == 200
        for n in ("zero_bytes.pdf", "binary.xml", "utf16.txt", "renamed_binary.jsonl"):  # refused at the door
            r = c.post("/v1/documents", files=[("files", (n, (folder / n).read_bytes(), "x/y"))], headers=key)
            assert r.status_code in (413, 415, 422) and r.json()["error"], (n, r.text)
    assert list((index / "uploads").iterdir()) == []  # ended and refused uploads leave no files
