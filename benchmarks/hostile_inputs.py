"""Hostile files against a real `rag serve`: each upload is refused or fails its job with a reason,
questions keep being answered, and the server's memory stays bounded (peak RSS reported).

    python -m benchmarks.hostile_inputs --index indexes/demo
"""

from __future__ import annotations

import argparse
import json
import secrets
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from benchmarks._common import ROOT, append_result, markdown_table, serving

KEY = secrets.token_hex(16)


def _make_module():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "hostile", ROOT / "tests" / "fixtures" / "hostile" / "make.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def request(url: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def upload(base: str, path: Path) -> tuple[int, dict]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "X-API-Key": KEY}
    return request(base + "/v1/documents", body, headers)


def memory(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of ``pid`` in MB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="an index to copy and serve")
    args = parser.parse_args()
    hostile = _make_module()
    work = Path(tempfile.mkdtemp(prefix="hostile-"))
    folder = work / "files"
    hostile.write(folder)
    index = work / "index"
    subprocess.run(["cp", "-r", str(args.index), str(index)], check=True)
    rows = []
    asked = answered = 0
    with serving(index, RAG_API_KEY=KEY, RAG_CONVERSATIONS_DB=str(work / "c.db")) as (server, base):
        start_rss, _ = memory(server.pid)
        question = json.dumps({"question": "What are the risks of heparin prophylaxis in trauma?"}).encode()
        json_headers = {"content-type": "application/json"}
        for name in hostile.EXPECTED:
            status, body = upload(base, folder / name)
            outcome, reason = body.get("error", ""), body.get("detail", "")
            if status == 202:
                for _ in range(1200):
                    _, job = request(f"{base}/v1/jobs/{body['job_id']}", headers={"X-API-Key": KEY})
                    if job["status"] not in ("queued", "running"):
                        break
                    time.sleep(0.1)
                outcome = job["status"]
                reason = (
                    "; ".join(f["reason"] for f in job["report"]["failures"])
                    if job.get("report")
                    else job["error"]
                )
            asked += 1
            answered += request(base + "/v1/ask", question, json_headers)[0] == 200
            rss, _ = memory(server.pid)
            short = str(reason).replace("|", "/")
            rows.append([name, status, outcome, short[:90] + ("…" if len(short) > 90 else ""), f"{rss:.0f}"])
            print(rows[-1], flush=True)
        _, peak = memory(server.pid)
    table = markdown_table(["file", "HTTP", "outcome", "reason", "server RSS MB after"], rows)
    notes = (
        f"{len(rows)} hostile files uploaded one per request to a real `rag serve` (copy of `{args.index}`); "
        f"a question asked after each: {answered}/{asked} answered 200. Server RSS at start "
        f"{start_rss:.0f} MB, peak (VmHWM) {peak:.0f} MB. Metadata sidecars (`.bib`, `.ris`, `.json`) "
        "sent alone are refused as uploads with no literature file; their own limits are tested in "
        "`tests/test_hostile_inputs.py`."
    )
    append_result("Hostile files against a real server", table, notes)


if __name__ == "__main__":
    main()
