"""A real uvicorn process (started by `rag serve`) on loopback, with the real model and index."""

import json
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def post(url: str, body: dict) -> tuple[int, dict]:
    req = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_ask_over_real_http(server: str) -> None:
    status, body = post(
        server + "/v1/ask", {"question": "What are the risks of heparin prophylaxis in trauma?"}
    )
    assert status == 200
    assert body["references"][0]["doi"] == "10.1186/1752-2897-4-1"
    assert body["citations"][0]["page"] in (1, 2)
    status, body = post(server + "/v1/ask", {"question": ""})
    assert status == 422 and body["error"] == "InvalidInput"


def test_page_over_real_http(server: str) -> None:
    with urllib.request.urlopen(server + "/") as r:
        assert b"Clinical literature answers" in r.read()


def test_conversation_over_real_http(server: str) -> None:
    status, created = post(server + "/v1/conversations", {})
    assert status == 201
    cid = created["id"]
    status, t1 = post(
        f"{server}/v1/conversations/{cid}/ask", {"question": "What are the risks of heparin in trauma?"}
    )
    assert status == 200 and t1["turn"] == 1
    status, t2 = post(f"{server}/v1/conversations/{cid}/ask", {"question": "and the filters?"})
    assert status == 200 and t2["follow_up_of"] == 1 and "heparin" in t2["retrieval_query"]
    numbers = {r["doc_id"]: r["n"] for r in t1["references"]}
    for r in t2["references"]:
        assert numbers.get(r["doc_id"], r["n"]) == r["n"]


def test_access_logs_do_not_name_conversation_ids(server: str, real_index) -> None:  # type: ignore[no-untyped-def]
    """Issue 12, fault 11: the id (which opens the clinician's questions) appeared in access logs."""
    status, created = post(server + "/v1/conversations", {})
    cid = created["id"]
    status, _ = post(f"{server}/v1/conversations/{cid}/ask", {"question": "What are the risks of heparin?"})
    assert status == 200
    text = (real_index.parent / f"serve-{server.rsplit(':', 1)[1]}.log").read_text()
    assert cid not in text
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [e for e in lines if e["logger"] == "uvicorn.access"]
    assert any('"POST /v1/conversations/…/ask HTTP/1.1" 200' in e["message"] for e in access)
    assert "What are the risks of heparin?" not in text  # questions are not logged by default


def test_logs_are_json_lines_with_the_request_id(server: str, real_index) -> None:  # type: ignore[no-untyped-def]
    """Issue 12, observability: structured logs; the response names the request id its lines carry."""
    req = urllib.request.Request(server + "/v1/health", headers={"X-Request-ID": "trace-42"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.headers["X-Request-ID"] == "trace-42"
    with urllib.request.urlopen(server + "/v1/health", timeout=30) as r:
        generated = r.headers["X-Request-ID"]
    assert len(generated) == 16
    text = (real_index.parent / f"serve-{server.rsplit(':', 1)[1]}.log").read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert {"time", "level", "logger", "request_id", "message"} <= set(lines[-1])
    ids = {e["request_id"] for e in lines if e["logger"] == "uvicorn.access" and "/v1/health" in e["message"]}
    assert {"trace-42", generated} <= ids


def test_kill_9_during_an_upload_job(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 12: on restart the job is reported failed, no files are orphaned, the live version is intact."""
    import os
    import signal
    import uuid

    from conftest import ABSTRACTS, PUBMED, start_server

    from rag.embed.embedder import HashingEmbedder
    from rag.index.ingest import ingest
    from rag.index.layout import current_version, writer_lock
    from rag.readers import read_paths

    index = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    live = current_version(index)
    os.environ["RAG_API_KEY"] = "k"
    try:
        proc, base = start_server(index)
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.xml"\r\n\r\n'
            ).encode()
            + PUBMED.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"content-type": f"multipart/form-data; boundary={boundary}", "X-API-Key": "k"}
        with writer_lock(index):  # another writer: the job waits, retrying
            req = urllib.request.Request(base + "/v1/documents", data=body, headers=headers)
            with urllib.request.urlopen(req, timeout=30) as r:
                job_id = json.loads(r.read())["job_id"]
            for _ in range(300):  # the job's own process starts, finds the lock taken, and says so
                with urllib.request.urlopen(
                    urllib.request.Request(f"{base}/v1/jobs/{job_id}", headers={"X-API-Key": "k"}), timeout=30
                ) as r:
                    if json.loads(r.read())["waiting"]:
                        break
                time.sleep(0.1)
            else:
                raise AssertionError("the job never reported that it waits for the writer lock")
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
        assert any((index / "uploads").iterdir())  # the killed server left the job's files
        proc, base = start_server(index)
        try:
            assert list((index / "uploads").iterdir()) == []  # removed at start-up
            with urllib.request.urlopen(
                urllib.request.Request(f"{base}/v1/jobs/{job_id}", headers={"X-API-Key": "k"}), timeout=30
            ) as r:
                job = json.loads(r.read())
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    finally:
        del os.environ["RAG_API_KEY"]
    assert job["status"] == "failed" and "stopped before this job finished" in job["error"]
    assert current_version(index) == live


def test_the_index_records_which_selector_answers_from_it(server: str, real_index) -> None:  # type: ignore[no-untyped-def]
    """Issue 10, point 4: the index's audit trail names the selector the server answers with."""
    from rag.answer.select import load_selector
    from rag.engine import selector_digest
    from rag.index import audit
    from rag.index.layout import current_version

    status, body = post(server + "/v1/ask", {"question": "What are the risks of heparin in trauma?"})
    assert status == 200 and body["selector"] == "features:packaged"
    rows = [r for r in audit.entries(real_index) if r["action"] == "serve"]
    assert rows, audit.entries(real_index)
    row = rows[-1]
    assert row["target"] == "features:packaged" and row["result"] == "ok"
    assert row["detail"]["index_version"] == current_version(real_index)
    assert row["detail"]["selector_sha256"] == selector_digest(load_selector("packaged").spec)  # type: ignore[attr-defined]
    assert row["detail"]["model"].startswith("packaged:all-MiniLM-L6-v2")
