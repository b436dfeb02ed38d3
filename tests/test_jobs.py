"""Ingestion jobs persist in SQLite (issue 12, fault 5): bounded queue, expiry, files removed, restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from api.jobs import RESTARTED, Job, JobRunner, JobsFull
from rag.errors import NotFound


def finished(runner: JobRunner, job_id: str) -> dict[str, Any]:
    for _ in range(500):
        view = runner.get(job_id)
        if view["status"] not in ("queued", "running"):
            return view
        time.sleep(0.01)
    raise AssertionError("job did not finish")


def test_outcome_survives_a_restart_and_files_go_when_the_job_ends(tmp_path: Path) -> None:
    folder = tmp_path / "uploads" / "a"
    folder.mkdir(parents=True)
    (folder / "x.pdf").write_bytes(b"%PDF")
    runner = JobRunner(tmp_path / "jobs.sqlite")
    job = runner.submit([{"file": "x.pdf"}], lambda j: {"files_seen": 1, "failed": 0, "added": 1}, folder)
    assert finished(runner, job.id)["status"] == "done" and not folder.exists()
    again = JobRunner(tmp_path / "jobs.sqlite")  # a new process
    view = again.get(job.id)
    assert view["status"] == "done" and view["report"]["added"] == 1 and view["files"] == [{"file": "x.pdf"}]


def test_jobs_unfinished_at_a_restart_are_failed_and_their_files_removed(tmp_path: Path) -> None:
    folder = tmp_path / "uploads" / "b"
    folder.mkdir(parents=True)
    release = threading.Event()
    runner = JobRunner(tmp_path / "jobs.sqlite")

    def slow(job: Job) -> dict[str, Any]:
        release.wait(10)
        return {"files_seen": 1, "failed": 0}

    running = runner.submit([{"file": "a"}], slow)
    queued = runner.submit([{"file": "b"}], slow, folder)
    restarted = JobRunner(tmp_path / "jobs.sqlite")  # as if the first process had been killed
    for job in (running, queued):
        view = restarted.get(job.id)
        assert view["status"] == "failed" and view["error"] == RESTARTED
    assert not folder.exists()
    release.set()


def test_the_queue_is_bounded_and_finished_jobs_expire(tmp_path: Path) -> None:
    release = threading.Event()
    runner = JobRunner(tmp_path / "jobs.sqlite", max_queued=2, keep_seconds=0.2)
    first = runner.submit([], lambda j: (release.wait(10), {"files_seen": 0})[1])
    runner.submit([], lambda j: {"files_seen": 0})
    with pytest.raises(JobsFull, match="2 ingestion jobs are waiting"):
        runner.submit([], lambda j: {"files_seen": 0})
    release.set()
    finished(runner, first.id)
    time.sleep(0.3)
    runner.submit([], lambda j: {"files_seen": 0})  # a submission clears expired jobs
    with pytest.raises(NotFound):
        runner.get(first.id)
