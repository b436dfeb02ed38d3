"""Fuzzing the whole OpenAPI schema of a real `rag serve` (schemathesis), with and without the key:
no response is a 5xx, and every error has the documented shape (issue 12). A short run: a few
examples per operation, valid and invalid; `benchmarks/fuzz.py` is the long one."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import schemathesis
from conftest import TEST_SELECTOR, start_server
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

pytestmark = pytest.mark.slow
KEY = "fuzz-key"
SEEN: Counter[int] = Counter()


@pytest.fixture(scope="module")
def api_schema(fake_index: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    index = tmp_path_factory.mktemp("fuzz") / "idx"
    shutil.copytree(fake_index, index)
    saved = {k: os.environ.get(k) for k in ("RAG_API_KEY", "RAG_SELECTOR")}
    os.environ.update({"RAG_API_KEY": KEY, "RAG_SELECTOR": str(TEST_SELECTOR)})
    proc, base = start_server(index)
    try:
        yield schemathesis.openapi.from_url(f"{base}/openapi.json")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)


def check(case, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = case.call(headers=headers, timeout=60)
    SEEN[response.status_code] += 1
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    if response.status_code >= 400:
        body = json.loads(response.text)
        assert set(body) == {"error", "detail"} and isinstance(body["error"], str), response.text[:300]


SHORT = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


SHORT = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": KEY}], ids=["no-key", "key"])
def test_no_5xx_and_every_error_in_the_documented_shape(api_schema, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    # hypothesis driven directly: schemathesis's pytest plugin does not load under this pytest
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    unnegatable: set[str] = set()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):  # valid inputs, then invalid ones

            @SHORT
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case) -> None:  # type: ignore[no-untyped-def]
                check(case, headers)

            try:
                run()
            except Unsatisfiable:  # nothing of this operation can be made invalid (e.g. GET /v1/health)
                assert mode is GenerationMode.NEGATIVE
                unnegatable.add(f"{operation.method.upper()} {operation.path}")
    print(dict(SEEN), sorted(unnegatable))
    assert sum(SEEN.values()) >= 12 * len(operations) // 2 and not any(code >= 500 for code in SEEN)
