import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import ABSTRACTS, BASE, PDF, PDF_MANIFEST, PUBMED, cosine_selector
from fastapi.testclient import TestClient

from api.app import create_app
from rag.config import Settings
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.index.ingest import ingest
from rag.index.layout import writer_lock
from rag.index.options import WriteOptions
from rag.readers import read_paths

KEY = {"X-API-Key": "s3cret"}


@pytest.fixture()
def client(tmp_path: Path):  # type: ignore[no-untyped-def]
    index = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    settings = Settings(index=index, api_key="s3cret", max_upload_mb=1)
    with TestClient(
        base_url=BASE,
        app=create_app(
            settings, engine=Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
        ),
    ) as c:
        yield c


def wait(c: TestClient, job_id: str) -> dict:
    for _ in range(200):
        job = c.get(f"/v1/jobs/{job_id}", headers=KEY).json()
        if job["status"] in ("done", "partial", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError("job did not finish")


def test_write_endpoints_need_the_key(client: TestClient) -> None:
    files = {"files": ("a.jsonl", ABSTRACTS.read_bytes())}
    assert client.post("/v1/documents", files=files).status_code == 401
    assert client.post("/v1/documents", files=files, headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.delete("/v1/documents/18403944").status_code == 401
    assert client.post("/v1/index/reload").status_code == 401
    assert client.get("/v1/documents").status_code == 200  # reading needs no key


def test_upload_pubmed_and_pdf_with_metadata_sidecar_then_delete(client: TestClient) -> None:
    files = [
        ("files", ("slice.xml", PUBMED.read_bytes(), "application/xml")),
        ("files", (PDF.name, PDF.read_bytes(), "application/pdf")),
        ("files", ("manifest.csv", PDF_MANIFEST.read_bytes(), "text/csv")),
    ]
    r = client.post("/v1/documents", files=files, headers=KEY)
    assert r.status_code == 202, r.text
    job = wait(client, r.json()["job_id"])
    assert job["status"] == "done", job
    assert job["report"]["added"] == 7 and job["report"]["failed"] == 0
    assert client.get("/v1/health").json()["documents"] == 17  # served without a restart
    doc = client.get("/v1/documents/10.1186/1752-2897-4-1").json()
    assert (
        doc["journal"] == "J. Trauma Management & Outcomes" and doc["year"] == 2010
    )  # metadata sidecar applied
    listed = client.get("/v1/documents", params={"query": "embolism", "limit": 50}).json()["documents"]
    assert len(listed) >= 3 and all("mbolism" in d["title"] for d in listed)
    r = client.delete("/v1/documents/10.1186/1752-2897-4-1", headers=KEY)
    assert r.status_code == 200 and r.json()["removed"] == 1
    assert client.get("/v1/documents/10.1186/1752-2897-4-1").status_code == 404
    assert client.delete("/v1/documents/10.1186/1752-2897-4-1", headers=KEY).status_code == 404


def test_uploads_are_checked_by_content_and_size(client: TestClient, tmp_path: Path) -> None:
    exe = {"files": ("paper.pdf", b"MZ\x90\x00 this is not a pdf", "application/pdf")}
    r = client.post("/v1/documents", files=exe, headers=KEY)
    assert r.status_code == 415 and "unsupported content" in r.json()["detail"]
    big = {"files": ("big.jsonl", b"{" + b" " * (1024 * 1024 + 10), "application/json")}
    assert client.post("/v1/documents", files=big, headers=KEY).status_code == 413
    import gzip

    bomb = {"files": ("bomb.xml.gz", gzip.compress(b"<PubmedArticleSet>" + b" " * (5 * 1024 * 1024)), "x")}
    assert client.post("/v1/documents", files=bomb, headers=KEY).status_code == 413
    evil = {"files": ("../../../etc/passwd.jsonl", ABSTRACTS.read_bytes(), "application/json")}
    r = client.post("/v1/documents", files=evil, headers=KEY)
    assert r.status_code == 202
    stored = r.json()["files"][0]["stored_as"]
    assert "/" not in stored and ".." not in stored and stored.endswith(".jsonl")
    assert wait(client, r.json()["job_id"])["report"]["unchanged"] == 10


def test_failed_files_are_reported_per_file(client: TestClient, tmp_path: Path) -> None:
    broken = b"%PDF-1.4 broken beyond repair"
    r = client.post("/v1/documents", files={"files": ("broken.pdf", broken, "application/pdf")}, headers=KEY)
    job = wait(client, r.json()["job_id"])
    assert job["status"] == "failed" and job["report"]["failed"] == 1
    assert job["report"]["failures"][0]["file"] == "broken.pdf"
    assert client.get("/v1/jobs/nope", headers=KEY).status_code == 404
    assert client.get(f"/v1/jobs/{job['id']}").status_code == 401  # job errors name files: key only


def test_without_configured_key_writes_are_disabled(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    shutil.copytree(Path(__file__).parent / "fixtures" / "abstracts", tmp_path / "a")
    ingest(read_paths([tmp_path / "a"]), index, HashingEmbedder())
    with TestClient(
        base_url=BASE,
        app=create_app(
            Settings(index=index),
            engine=Engine(index, embedder=HashingEmbedder(), selector=cosine_selector()),
        ),
    ) as c:
        r = c.post("/v1/index/reload", headers=KEY)
        assert r.status_code == 403 and "RAG_API_KEY" in json.dumps(r.json())


def test_upload_pdf_with_ris_metadata(client: TestClient) -> None:
    ris = (PDF.parent / "library.ris").read_bytes()
    files = [
        ("files", (PDF.name, PDF.read_bytes(), "application/pdf")),
        ("files", ("lib.ris", ris, "text/plain")),
    ]
    job = wait(client, client.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
    assert job["status"] == "done" and job["report"]["added"] == 1, job
    doc = client.get("/v1/documents/10.1186/1752-2897-4-1").json()
    assert doc["journal"] == "Journal of Trauma Management & Outcomes" and doc["authors"][0].startswith(
        "Datta"
    )


def test_a_busy_writer_is_409_and_changes_nothing(client: TestClient) -> None:

    index = client.app.state.engine.index_dir  # type: ignore[attr-defined]
    before = client.get("/v1/health").json()["index_version"]
    with writer_lock(index):  # another writer (an ingest) holds the index
        r = client.delete("/v1/documents/18403944", headers=KEY)
    assert r.status_code == 409
    assert r.json()["error"] == "WriterBusy" and "retry when it has finished" in r.json()["detail"]
    assert client.get("/v1/health").json()["index_version"] == before
    assert client.get("/v1/documents/18403944").status_code == 200


def test_a_batch_in_which_every_file_fails_publishes_nothing(client: TestClient) -> None:
    """Issue 12, fault 6: it published an identical version (pushing a kept one out) and said "done"."""
    before = client.get("/v1/health").json()["index_version"]
    index = client.app.state.engine.index_dir  # type: ignore[attr-defined]
    versions = sorted(p.name for p in (index / "versions").iterdir())
    files = [("files", ("bad.pdf", b"%PDF-1.4 truncated", "application/pdf"))]
    job = wait(client, client.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
    assert job["status"] == "failed" and job["report"]["failed"] == 1 and not job["report"]["new_version"]
    assert client.get("/v1/health").json()["index_version"] == before
    assert sorted(p.name for p in (index / "versions").iterdir()) == versions
    files = [
        ("files", ("bad.pdf", b"%PDF-1.4 truncated", "application/pdf")),
        ("files", ("a.xml", PUBMED.read_bytes(), "application/xml")),
    ]
    job = wait(client, client.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
    assert job["status"] == "partial" and job["report"]["added"] == 6 and job["report"]["new_version"]


def _asgi(app, method: str, path: str, headers: dict[str, str], chunks: list[bytes]):  # type: ignore[no-untyped-def]
    """Call the ASGI app directly, counting how many body chunks it pulls."""
    import asyncio

    pulled: list[int] = []
    sent: list[dict] = []

    async def receive() -> dict:
        i = len(pulled)
        pulled.append(i)
        if i < len(chunks):
            return {"type": "http.request", "body": chunks[i], "more_body": i + 1 < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "127.0.0.1", **headers}.items()],
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "http_version": "1.1",
        "root_path": "",
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(body), len(pulled)


def test_the_upload_key_is_checked_before_its_body_is_read(client: TestClient) -> None:
    """Issue 12, fault 1: the multipart form (5 MB here) was parsed and spooled before the 401."""
    boundary = "b0undary"
    part = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    chunks = [part] + [b"%" * 65536] * 80 + [f"\r\n--{boundary}--\r\n".encode()]
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    status, body, pulled = _asgi(client.app, "POST", "/v1/documents", headers, chunks)
    assert (status, body["error"], pulled) == (401, "Unauthorized", 0)


def test_bodies_are_bounded_while_streaming(client: TestClient) -> None:
    question = json.dumps({"question": "x" * 2_000_000}).encode()
    chunks = [question[i : i + 65536] for i in range(0, len(question), 65536)]
    headers = {"content-type": "application/json"}  # no Content-Length: only the stream tells
    status, body, pulled = _asgi(client.app, "POST", "/v1/ask", headers, chunks)
    assert status == 413 and body["error"] == "TooLarge" and "65536 bytes" in body["detail"]
    assert pulled <= 3  # reading stopped at the limit, not after 2 MB
    r = client.post("/v1/ask", content=question, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "TooLarge"  # announced by Content-Length


def test_an_upload_holds_a_bounded_number_of_files(client: TestClient) -> None:
    files = [("files", (f"{i}.jsonl", ABSTRACTS.read_bytes()[:200], "application/json")) for i in range(21)]
    r = client.post("/v1/documents", files=files, headers=KEY)
    assert r.status_code == 422 and "at most 20" in r.json()["detail"]


def test_the_upload_does_its_blocking_work_off_the_event_loop(client: TestClient) -> None:
    """Issue 12, fault 9: gunzip, writes and sidecar parsing ran inside ``async def upload``."""
    import inspect

    def routes(router):  # type: ignore[no-untyped-def]
        for r in router.routes:
            inner = getattr(r, "original_router", None)
            yield from routes(inner) if inner is not None else [r]

    [upload] = [
        r.endpoint
        for r in routes(client.app.router)  # type: ignore[attr-defined]
        if getattr(r, "path", "") == "/v1/documents" and "POST" in r.methods
    ]
    assert not inspect.iscoroutinefunction(upload)  # FastAPI runs plain functions in its thread pool


def test_public_answers_leak_no_server_paths_inputs_or_cache_use(client: TestClient, tmp_path: Path) -> None:
    """Issue 12, fault 10."""
    index = client.app.state.engine.index_dir  # type: ignore[attr-defined]
    health = client.get("/v1/health").json()
    assert health["index"] == index.name and str(index.parent) not in json.dumps(health)
    assert health["caches"] is None  # whether a question was asked is not public
    assert client.get("/v1/health", headers=KEY).json()["caches"]["answers"]["size"] == 1024
    r = client.post("/v1/ask", json={"question": "y" * 5000})
    assert (
        r.status_code == 422 and "yyyy" not in r.text and r.json()["detail"][0]["loc"] == ["body", "question"]
    )
    r = client.post("/v1/ask", json={"question": "ok", "mode": "magic"})
    assert r.status_code == 422 and "magic" not in r.text
    doc = client.get("/v1/documents/18403944").json()
    assert doc["source"] == "pubmedqa_10.jsonl" and str(ABSTRACTS.parent) not in json.dumps(doc)
    with writer_lock(index):  # a RagError naming the index folder
        r = client.delete("/v1/documents/18403944", headers=KEY)
    assert (
        r.status_code == 409 and str(index.parent) not in r.text and f"…/{index.name}" in r.json()["detail"]
    )


def test_a_json_sidecar_of_the_wrong_shape_is_a_reason_not_a_500(client: TestClient, tmp_path: Path) -> None:
    """Issue 12, fault 10: ``{"a.pdf": 5}`` as metadata crashed with a TypeError."""
    from rag.errors import ReaderError
    from rag.readers.sidecar import load_sidecar

    sidecar = tmp_path / "meta.json"
    sidecar.write_text('{"a.pdf": 5}')
    with pytest.raises(ReaderError, match="the entry of 'a.pdf' is not an object"):
        load_sidecar(sidecar)
    files = [
        ("files", (PDF.name, PDF.read_bytes(), "application/pdf")),
        ("files", ("meta.json", b'[{"file": "x.pdf"}, 5]', "application/json")),
    ]
    r = client.post("/v1/documents", files=files, headers=KEY)
    assert r.status_code == 422 and r.json()["error"] == "ReaderError" and "row 2" in r.json()["detail"]


def test_an_upload_job_waits_for_another_writer_instead_of_failing(client: TestClient) -> None:
    """Issue 12, fault 8: a job failed at once while a command-line ingest was writing."""
    import threading

    index = client.app.state.engine.index_dir  # type: ignore[attr-defined]
    held = threading.Event()
    release = threading.Event()

    def other_writer() -> None:
        with writer_lock(index):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=other_writer)
    thread.start()
    held.wait(5)
    files = [("files", ("a.xml", PUBMED.read_bytes(), "application/xml"))]
    job_id = client.post("/v1/documents", files=files, headers=KEY).json()["job_id"]
    for _ in range(100):  # the job reports that it waits
        view = client.get(f"/v1/jobs/{job_id}", headers=KEY).json()
        if view["waiting"]:
            break
        time.sleep(0.02)
    assert view["status"] == "running" and "another process is writing" in view["waiting"]
    release.set()
    thread.join()
    job = wait(client, job_id)
    assert job["status"] == "done" and job["report"]["added"] == 6 and job["waiting"] is None


def test_prometheus_metrics_with_the_key(client: TestClient) -> None:
    cid = client.post("/v1/conversations").json()["id"]
    client.post(f"/v1/conversations/{cid}/ask", json={"question": "gluten tolerance?"})
    client.post("/v1/ask", json={"question": "gluten tolerance?"})  # answered by the first turn's answer
    client.post("/v1/ask", json={"question": "gluten tolerance?"})  # and again: two answer-cache hits
    assert client.get("/metrics").status_code == 401
    text = client.get("/metrics", headers=KEY).text
    assert 'rag_requests_total{method="POST",route="/v1/ask",status="200"} 2' in text
    assert 'rag_requests_total{method="POST",route="/v1/conversations/{cid}/ask",status="200"} 1' in text
    assert cid not in text  # route templates, never ids
    assert 'rag_request_seconds_count{route="/v1/ask"} 2' in text and 'le="+Inf"' in text
    assert "\nrag_index_documents 10\n" in text and "\nrag_cache_answers_hits 2\n" in text
    assert "\nrag_jobs_live 0\n" in text


def test_read_key_and_audit_trail(tmp_path: Path) -> None:
    """Issue 12, fault 12: an optional read key; every write recorded (who, what, when, result)."""
    from rag.index.audit import entries, key_actor

    index = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    settings = Settings(index=index, api_key="s3cret", read_key="reader")
    engine = Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
    with TestClient(base_url=BASE, app=create_app(settings, engine=engine)) as c:
        assert c.get("/v1/health").status_code == 200  # open
        assert c.post("/v1/ask", json={"question": "gluten?"}).status_code == 401
        assert c.get("/v1/documents").status_code == 401
        assert (
            c.post("/v1/ask", json={"question": "gluten?"}, headers={"X-API-Key": "reader"}).status_code
            == 200
        )
        assert c.get("/v1/documents", headers=KEY).status_code == 200  # the write key reads too
        assert c.delete("/v1/documents/18403944", headers={"X-API-Key": "reader"}).status_code == 401
        assert c.delete("/v1/documents/18403944", headers={**KEY, "X-User": "alice"}).status_code == 200
        assert c.delete("/v1/documents/nope", headers=KEY).status_code == 404
        files = [("files", ("a.xml", PUBMED.read_bytes(), "application/xml"))]
        job = wait(c, c.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
        assert c.post("/v1/index/reload", headers=KEY).status_code == 200
    log = entries(index)
    assert [(e["action"], e["target"], e["result"].split(" ")[0]) for e in log] == [
        ("delete", "18403944", "ok"),
        ("upload", "a.xml", "done"),
        ("reload", "", "ok"),
    ]
    assert log[0]["actor"] == key_actor("s3cret") + " user:alice" and "s3cret" not in json.dumps(log)
    assert job["id"] in log[1]["result"]


def test_a_pdf_uploaded_alone_keeps_its_title_and_is_not_embedded_twice(client: TestClient) -> None:
    """Issue 12, fault 7: titled by its random storage name; the same file again re-embedded all."""
    files = [("files", ("paper.pdf", PDF.read_bytes(), "application/pdf"))]
    first = wait(client, client.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
    assert first["status"] == "done" and first["report"]["added"] == 1
    doc = client.get("/v1/documents", params={"query": "venous"}).json()["documents"][0]
    assert doc["title"].startswith("Complications related to deep venous thrombosis prophylaxis in trauma")
    again = wait(client, client.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
    report = again["report"]
    assert (report["unchanged"], report["added"], report["passages_embedded"], report["new_version"]) == (
        1,
        0,
        0,
        False,
    )


def test_ingestion_jobs_embed_with_their_own_embedder(tmp_path: Path) -> None:
    """Issue 12, fault 4 (part): jobs used the engine's embedder, so questions waited behind batches."""
    from test_caches import CountingEmbedder

    index = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    serving = CountingEmbedder()  # named hashing-256 like the index's model
    engine = Engine(index, embedder=serving, selector=cosine_selector())
    with TestClient(
        base_url=BASE, app=create_app(Settings(index=index, api_key="s3cret"), engine=engine)
    ) as c:
        files = [("files", ("a.xml", PUBMED.read_bytes(), "application/xml"))]
        job = wait(c, c.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
        assert job["status"] == "done" and job["report"]["passages_embedded"] > 0
        assert serving.texts == []  # every passage was embedded by the job's own instance
        assert c.get("/v1/health").json()["documents"] == 16


def test_the_app_settings_decide_automatic_compaction(tmp_path: Path) -> None:
    """The app's Settings object (not only the environment) sets RAG_COMPACT_SEGMENTS for its writes:
    uploads (in a child process) and deletions."""
    from rag.index.version import open_index

    index = tmp_path / "idx"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    settings = Settings(index=index, api_key="s3cret", compact_segments=1)
    engine = Engine(index, embedder=HashingEmbedder(), selector=cosine_selector())
    with TestClient(base_url=BASE, app=create_app(settings, engine=engine)) as c:
        files = [("files", ("a.xml", PUBMED.read_bytes(), "application/xml"))]
        job = wait(c, c.post("/v1/documents", files=files, headers=KEY).json()["job_id"])
        assert job["status"] == "done"
        assert len(open_index(index).segments) == 1  # two segments > 1: the upload's write merged them
        ingest(read_paths([PDF]), index, HashingEmbedder(), WriteOptions(compact_segments=0))
        assert len(open_index(index).segments) == 2  # 0: never
        c.post("/v1/index/reload", headers=KEY)
        victim = open_index(index).store.doc_ids()[0]
        assert c.delete(f"/v1/documents/{victim}", headers=KEY).status_code == 200
        after = open_index(index)
        assert len(after.segments) == 1 and victim not in after.store.doc_ids()
