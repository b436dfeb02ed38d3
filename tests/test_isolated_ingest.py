"""Issue 12, fault 4: an ingestion job runs in its own process under a time and a memory limit, so a
stuck or hostile file fails its own job and nothing else (not later jobs, not the live version)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ABSTRACTS, BASE, PUBMED, cosine_selector
from fastapi.testclient import TestClient

from api.app import create_app
from rag.config import Settings
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.errors import IngestAborted, WriterBusy
from rag.index.ingest import ingest
from rag.index.isolated import Limits, ingest_isolated
from rag.index.layout import current_version, writer_lock
from rag.readers import read_paths

MODEL = HashingEmbedder().name


@pytest.fixture()
def index(tmp_path: Path) -> Path:
    path = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), path, HashingEmbedder())
    return path


def test_the_child_publishes_what_an_ingest_in_this_process_would(index: Path, tmp_path: Path) -> None:
    here = tmp_path / "here"
    ingest(read_paths([ABSTRACTS]), here, HashingEmbedder())
    local = ingest(read_paths([PUBMED]), here, HashingEmbedder())
    child = ingest_isolated([PUBMED], index, model=MODEL)
    assert child.added == local.added == 6 and child.new_version
    assert child.counts == local.counts and current_version(index) == child.version


def test_a_stuck_file_is_stopped_at_the_time_limit_and_the_next_job_runs(index: Path, tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.txt"
    os.mkfifo(stuck)  # opening it for reading blocks for ever: a reader that never returns
    live = current_version(index)
    started = time.monotonic()
    with pytest.raises(IngestAborted, match="nothing was published. .*RAG_JOB_TIMEOUT_S"):
        ingest_isolated([stuck], index, model=MODEL, limits=Limits(timeout_s=8))
    assert time.monotonic() - started < 30
    assert current_version(index) == live
    report = ingest_isolated([PUBMED], index, model=MODEL)  # the killed child's lock is gone
    assert report.added == 6 and current_version(index) == report.version
    assert not list((index / "versions").glob(".tmp-*"))  # its half-built version was cleaned up


def test_a_job_over_its_memory_limit_fails_with_the_reason(index: Path) -> None:
    live = current_version(index)
    with pytest.raises(IngestAborted, match="RAG_JOB_MEMORY_MB"):
        ingest_isolated([PUBMED], index, model=MODEL, limits=Limits(memory_mb=64))
    assert current_version(index) == live


def test_another_writer_is_reported_as_busy(index: Path) -> None:
    with writer_lock(index), pytest.raises(WriterBusy, match="another process is writing"):
        ingest_isolated([PUBMED], index, model=MODEL)


def test_through_the_api_a_job_past_its_limit_fails_and_questions_still_answer(index: Path) -> None:
    settings = Settings(index=index, api_key="k", job_timeout_s=0.2)
    engine = Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
    with TestClient(base_url=BASE, app=create_app(settings, engine=engine)) as c:
        files = [("files", ("a.xml", PUBMED.read_bytes(), "application/xml"))]
        job_id = c.post("/v1/documents", files=files, headers={"X-API-Key": "k"}).json()["job_id"]
        for _ in range(300):
            job = c.get(f"/v1/jobs/{job_id}", headers={"X-API-Key": "k"}).json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.05)
        assert job["status"] == "failed" and "longer than its limit of 0.2 s" in job["error"]
        assert c.post("/v1/ask", json={"question": "air embolism"}).status_code == 200
        assert c.get("/v1/health").json()["documents"] == 10  # nothing of the job was published


def test_the_job_process_dies_with_the_service(index: Path, tmp_path: Path) -> None:
    """A service killed (-9) mid-job must not leave its ingestion process writing on as an orphan:
    the job is reported failed at the next start, so nothing of it may be published later."""
    stuck = tmp_path / "stuck.txt"
    os.mkfifo(stuck)
    service = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from rag.index.isolated import ingest_isolated; "
            f"ingest_isolated([Path({str(stuck)!r})], Path({str(index)!r}), model={MODEL!r})",
        ],
    )
    for _ in range(200):  # the child holds the writer lock once it is building
        try:
            with writer_lock(index):
                pass
        except WriterBusy:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the ingestion process never took the writer lock")
    service.kill()
    service.wait()
    for _ in range(100):  # the kernel kills the child, which releases the lock
        try:
            with writer_lock(index):
                break
        except WriterBusy:
            time.sleep(0.05)
    else:
        raise AssertionError("the orphaned ingestion process kept the index locked")
