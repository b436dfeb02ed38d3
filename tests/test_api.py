import logging
import re
from pathlib import Path

import pytest
from conftest import ABSTRACTS, BASE, cosine_selector
from fastapi.testclient import TestClient

from api.app import create_app
from rag.config import Settings
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine


@pytest.fixture(scope="module")
def client(fake_index: Path):  # type: ignore[no-untyped-def]
    engine = Engine(fake_index, embedder=HashingEmbedder(), selector=cosine_selector())
    with TestClient(base_url=BASE, app=create_app(Settings(index=fake_index), engine=engine)) as c:
        yield c


def test_health(client: TestClient) -> None:
    body = client.get("/v1/health").json()
    assert body["status"] == "ok" and body["documents"] == 16 and body["model"] == "hashing-256"
    assert body["selector"] == "cosine-test"


def test_search(client: TestClient) -> None:
    r = client.post("/v1/search", json={"query": "gluten tolerance celiac", "k": 3, "mode": "bm25"})
    assert r.status_code == 200
    body = r.json()
    assert body["hits"][0]["doc_id"] == "18403944" and len(body["hits"]) == 3
    engine = client.app.state.engine  # type: ignore[attr-defined]
    assert body["hits"] == [h.to_dict() for h in engine.search("gluten tolerance celiac", k=3, mode="bm25")]
    reranked = client.post("/v1/search", json={"query": "gluten tolerance celiac", "k": 3, "mode": "rerank"})
    assert reranked.status_code == 200 and reranked.json()["mode"] == "rerank"
    assert reranked.json()["hits"][0]["doc_id"] == "18403944" and len(reranked.json()["hits"]) == 3


def test_ask_shape(client: TestClient) -> None:
    r = client.post("/v1/ask", json={"question": "Does topical ropivacaine reduce pain after tonsillectomy?"})
    assert r.status_code == 200
    a = r.json()
    engine = client.app.state.engine  # type: ignore[attr-defined]
    question = "Does topical ropivacaine reduce pain after tonsillectomy?"
    assert a == engine.ask(question).model_dump(mode="json")  # the API is a thin shell over Engine.ask
    numbers = {int(n) for n in re.findall(r"\[(\d+)\]", a["answer"])}
    assert numbers == {ref["n"] for ref in a["references"]}
    assert a["citations"] and a["references"][0]["formatted"].endswith(".")
    assert a["selector"] == "cosine-test" and a["bottom_line"].startswith("A 20")
    assert "[1]" in a["bottom_line"] and a["bottom_line"] in a["answer"]
    for f in a["findings"]:
        assert set(f) == {"n", "design", "year", "quote", "citation", "text"}
        assert f["quote"] not in a["bottom_line"] and f["text"].endswith(f"found: «{f['quote']}»")


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/ask", {"question": ""}, "question"),
        ("/v1/ask", {"question": "   "}, "question"),
        ("/v1/ask", {"question": "x" * 1001}, "question"),
        ("/v1/ask", {}, "question"),
        ("/v1/ask", {"question": "ok", "mode": "magic"}, "mode"),
        ("/v1/search", {"query": "ok", "mode": "magic"}, "mode"),
        ("/v1/search", {"query": "ok", "k": 0}, "k"),
        ("/v1/search", {"query": "ok", "surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_422_naming_the_field(client: TestClient, path: str, body: dict, field: str) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert r.json()["error"] == "InvalidInput"
    assert any(field in [str(x) for x in d["loc"]] for d in detail)


def test_not_json_is_422(client: TestClient) -> None:
    r = client.post("/v1/ask", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_missing_index_is_a_clear_503(tmp_path: Path) -> None:
    with TestClient(base_url=BASE, app=create_app(Settings(index=tmp_path / "none"))) as c:
        health = c.get("/v1/health")
        assert health.status_code == 503 and "rag ingest" in health.json()["detail"]
        r = c.post("/v1/ask", json={"question": "anything"})
        assert r.status_code == 503
        assert r.json()["error"] == "IndexNotFound" and "rag ingest" in r.json()["detail"]


def test_page_and_docs_are_served_without_cdn(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and 'id="question"' in page.text
    assert "http" not in page.text  # no external scripts or styles
    js = client.get("/static/app.js").text
    assert set(re.findall(r"https?://[^/`\"]+", js)) <= {"https://pubmed.ncbi.nlm.nih.gov", "https://doi.org"}
    assert client.get("/openapi.json").json()["paths"].keys() >= {"/v1/ask", "/v1/search", "/v1/health"}


def test_unknown_routes_and_methods_answer_in_the_documented_shape(client: TestClient) -> None:
    """Issue 12, fault 13: FastAPI's own {"detail": "Not Found"} was not the documented shape."""
    r = client.get("/v1/nothing-here")
    assert r.status_code == 404 and r.json() == {"error": "NotFound", "detail": "Not Found"}
    r = client.put("/v1/ask", json={})
    assert r.status_code == 405 and r.json()["error"] == "MethodNotAllowed"


def test_host_docs_and_favicon(client: TestClient) -> None:
    """Issue 12, fault 13: DNS rebinding (any Host answered), a blank /docs offline, no favicon."""
    r = client.get("/v1/health", headers={"host": "evil.example"})
    assert r.status_code == 400 and r.json()["error"] == "BadHost"
    assert client.get("/v1/health", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/docs").status_code == 404 and client.get("/openapi.json").status_code == 200
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")


def test_questions_are_logged_only_when_asked_to(fake_index: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = Engine(fake_index, embedder=HashingEmbedder(), selector=cosine_selector())
    for enabled in (False, True):
        caplog.clear()
        with (
            TestClient(
                base_url=BASE,
                app=create_app(Settings(index=fake_index, log_questions=enabled), engine=engine),
            ) as c,
            caplog.at_level(logging.INFO, logger="api"),
        ):
            assert c.post("/v1/ask", json={"question": "gluten tolerance in celiac?"}).status_code == 200
        logged = [getattr(r, "question", None) for r in caplog.records]
        assert ("gluten tolerance in celiac?" in logged) is enabled


def test_a_read_only_index_is_served_though_the_selector_cannot_be_recorded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Recording which selector answers (``Engine.record_serving``) never stops the server."""
    from rag.index import audit
    from rag.index.ingest import ingest
    from rag.readers import read_paths

    index = tmp_path / "index"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    engine = Engine(index, Settings(index=index), embedder=HashingEmbedder(), selector=cosine_selector())
    (index / "audit.sqlite").mkdir()  # where the trail would go: not a database
    with caplog.at_level("WARNING"):
        engine.record_serving("user:test")
    assert "could not record the selector" in caplog.text
    assert engine.ask("heparin after trauma").answer  # still answers
    (index / "audit.sqlite").rmdir()
    engine.record_serving("user:test")
    (row,) = audit.entries(index)
    assert (row["action"], row["target"], row["actor"]) == ("serve", "cosine-test", "user:test")
    assert row["detail"]["index_version"] == engine.index.version and "selector_sha256" in row["detail"]
