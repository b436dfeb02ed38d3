"""A real uvicorn process (started by `rag serve`) on loopback, with the real model and index."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(real_index: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--index", str(real_index), "--port", str(port)],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "server died")
    else:
        proc.kill()
        raise RuntimeError("server did not start in 120 s")
    yield base
    proc.terminate()
    proc.wait(timeout=20)


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
