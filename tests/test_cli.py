"""The console script, run through its entry point in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ABSTRACTS, PUBMED, TEST_SELECTOR

from rag.answer.compose import DISCLAIMER

RAG = [sys.executable, "-m", "rag.cli"]
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "RAG_SELECTOR": str(TEST_SELECTOR)}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RAG, *args], capture_output=True, text=True, env=ENV, timeout=300)


def ingest_quietly(index: Path, *paths: object) -> subprocess.CompletedProcess:
    """`rag ingest PATHS… --index INDEX` with the fake embedder, no progress bars."""
    return run("ingest", *map(str, paths), "--index", str(index), "--model", "hashing-256", "--quiet")


def test_console_script_is_installed() -> None:
    exe = Path(sys.executable).parent / "rag"
    r = subprocess.run([str(exe), "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "ingest" in r.stdout


def test_ingest_info_search_ask(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    r = run(
        "ingest",
        str(ABSTRACTS),
        str(PUBMED),
        "--index",
        str(idx),
        "--model",
        "hashing-256",
        "--json",
        "--quiet",
        "--report",
        str(tmp_path / "report.json"),
    )
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["added"] == 16 and report["failed"] == 0
    assert json.loads((tmp_path / "report.json").read_text())["added"] == 16

    info = run("info", "--index", str(idx), "--json")
    assert info.returncode == 0 and json.loads(info.stdout)["counts"]["documents"] == 16

    search = run(
        "search", "gluten tolerance celiac", "--index", str(idx), "--mode", "bm25", "-k", "2", "--json"
    )
    hits = json.loads(search.stdout)
    assert hits[0]["doc_id"] == "18403944" and len(hits) == 2

    ask = run("ask", "gluten tolerance in celiac disease", "--index", str(idx), "--json")
    assert ask.returncode == 0
    answer = json.loads(ask.stdout)
    assert answer["references"][0]["doc_id"] == "18403944" and answer["disclaimer"] == DISCLAIMER
    text = run("ask", "gluten tolerance in celiac disease", "--index", str(idx))
    assert text.stdout.startswith("From the research:") and "found: «" in text.stdout
    assert "References:\n  1. Gluten tolerance" in text.stdout
    # a population no cited passage mentions gets a note (rag.answer.population)
    note = run("ask", "gluten tolerance in celiac disease during pregnancy", "--index", str(idx))
    assert "\nNote: None of the cited passages mentions pregnancy;" in note.stdout
    assert "Note:" not in text.stdout
    vague = run("ask", "Is it safe?", "--index", str(idx))  # names nothing to search for
    assert vague.returncode == 2 and vague.stdout == "" and vague.stderr.count("\n") == 1
    assert vague.stderr.startswith("rag: error: the question 'Is it safe?' names nothing to search for")


def test_errors_exit_non_zero_with_a_message(tmp_path: Path) -> None:
    r = run("ask", "anything", "--index", str(tmp_path / "missing"))
    assert r.returncode == 2 and "no index" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    r = run(
        "ingest",
        str(bad),
        str(ABSTRACTS),
        "--index",
        str(tmp_path / "i"),
        "--model",
        "hashing-256",
        "--quiet",
    )
    assert r.returncode == 1 and "FAILED" in r.stderr and "bad.pdf" in r.stderr
    assert "10 added" in r.stdout
    r = run("search", "x", "--mode", "magic", "--index", str(tmp_path / "i"))
    assert r.returncode == 2 and "invalid choice" in r.stderr


def test_bad_parameters_are_one_line_errors_and_change_nothing(tmp_path: Path) -> None:
    idx = tmp_path / "i"
    for flags, message in (
        (["--overlap", "-1"], "the overlap must be zero or more sentences, got -1"),
        (["--chunk-words", "0"], "the passage size must be at least 1 word, got 0"),
    ):
        r = run("ingest", str(ABSTRACTS), "--index", str(idx), "--model", "hashing-256", "--quiet", *flags)
        assert r.returncode == 2, r.stderr
        assert r.stderr == f"rag: error: {message}\n"
        assert not (idx / "CURRENT").exists()  # nothing was written
    r = run("ingest", str(tmp_path / "missing.pdf"), "--index", str(idx), "--model", "hashing-256")
    assert (
        r.returncode == 2 and r.stderr == f"rag: error: {tmp_path / 'missing.pdf'}: no such file or folder\n"
    )
    assert not idx.exists()  # nothing was created
    r = run("withdraw", "--file", str(tmp_path / "ids.txt"), "--index", str(idx))
    assert r.returncode == 2 and r.stderr.startswith(
        f"rag: error: cannot read the id file {tmp_path / 'ids.txt'}"
    )
    r = run("ask", " ", "--index", str(idx))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    r = subprocess.run(
        [*RAG, "info", "--index", str(idx)], capture_output=True, text=True, env={**ENV, "RAG_MODE": "magic"}
    )
    assert r.returncode == 2
    assert r.stderr.startswith("rag: error: bad configuration: RAG_MODE: Input should be 'bm25'")


def test_manifest_flag_is_a_deprecated_alias_of_metadata(tmp_path: Path) -> None:
    from conftest import PDF, PDF_MANIFEST

    idx = tmp_path / "i"
    r = run(
        "ingest", str(PDF), "--manifest", str(PDF_MANIFEST), "--index", str(idx), "--model", "hashing-256"
    )
    assert r.returncode == 0 and "--manifest is deprecated" in r.stderr and "use --metadata" in r.stderr
    doc = json.loads(run("search", "heparin", "--index", str(idx), "--json", "-k", "1").stdout)[0]
    assert doc["journal"] == "J. Trauma Management & Outcomes"  # the sidecar's row was applied


def test_chat_session_through_stdin(fake_index: Path) -> None:
    lines = "Is hyperbaric oxygen used for arterial air embolism?\nand the outcomes?\n/sources\n/new\n/quit\n"
    r = subprocess.run(
        [*RAG, "chat", "--index", str(fake_index)],
        input=lines,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "/sources" in r.stdout  # the help line
    assert "(follow-up; searched for: and the outcomes?" in r.stdout
    assert "1. " in r.stdout and "New conversation." in r.stdout


def test_remove_versions_use_rollback(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    assert (
        run("ingest", str(ABSTRACTS), "--index", str(idx), "--model", "hashing-256", "--quiet").returncode
        == 0
    )
    assert (
        run("ingest", str(PUBMED), "--index", str(idx), "--model", "hashing-256", "--quiet").returncode == 0
    )
    r = run("remove", "18403944", "nope", "--index", str(idx))
    assert r.returncode == 1 and "1 removed, 1 not found" in r.stdout and "NOT FOUND nope" in r.stderr
    versions = json.loads(run("versions", "--index", str(idx), "--json").stdout)
    assert [v["counts"]["documents"] for v in versions] == [10, 16, 15] and versions[-1]["live"]
    search = json.loads(run("search", "gluten tolerance celiac", "--index", str(idx), "--json").stdout)
    assert "18403944" not in {h["doc_id"] for h in search}  # gone from BM25 and FAISS alike
    r = run("remove", "--source", str(PUBMED), "--index", str(idx))  # by file: the six PubMed records
    assert r.returncode == 0 and "6 removed" in r.stdout
    r = run("rollback", "--index", str(idx))
    assert r.returncode == 0 and versions[2]["version"] in r.stdout
    r = run("rollback", "--index", str(idx))
    assert r.returncode == 0 and versions[1]["version"] in r.stdout
    assert json.loads(run("info", "--index", str(idx), "--json").stdout)["counts"]["documents"] == 16
    kept = json.loads(run("versions", "--index", str(idx), "--json").stdout)
    assert len(kept) == 3  # keep-3 pruned the oldest
    r = run("use", kept[-1]["version"], "--index", str(idx))  # forward again, to the newest
    assert r.returncode == 0
    assert json.loads(run("info", "--index", str(idx), "--json").stdout)["counts"]["documents"] == 9
    r = run("use", "v-does-not-exist", "--index", str(idx))
    assert r.returncode == 2 and "rag versions" in r.stderr


def test_reindex_with_new_chunking_keeps_documents_and_pages(tmp_path: Path) -> None:
    from conftest import PDF_DIR, PDF_MANIFEST

    idx = tmp_path / "idx"
    r = ingest_quietly(idx, ABSTRACTS, PDF_DIR, "--metadata", PDF_MANIFEST)
    assert r.returncode == 0, r.stderr
    before = json.loads(run("info", "--index", str(idx), "--json").stdout)
    r = run(
        "reindex", "--index", str(idx), "--chunk-size", "60", "--quiet", "--report", str(tmp_path / "r.json")
    )
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "r.json").read_text())["reindexed"] == 11
    after = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert after["chunking"]["chunk_words"] == 60 and after["version"] != before["version"]
    assert after["counts"]["documents"] == before["counts"]["documents"] == 11
    assert after["counts"]["passages"] > before["counts"]["passages"]
    hits = json.loads(
        run("search", "risks of heparin bleeding thrombocytopenia", "--index", str(idx), "--json").stdout
    )
    pdf_hits = [h for h in hits if h["doc_id"] == "10.1186/1752-2897-4-1"]
    assert pdf_hits and all(h["page_start"] in (1, 2) for h in pdf_hits)
    r = run("ingest", str(ABSTRACTS), "--index", str(idx), "--json", "--quiet")  # the index's chunking
    assert json.loads(r.stdout)["unchanged"] == 10  # content hashes survive the re-index


def test_withdrawn_and_retracted_documents_never_reach_answers(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in ABSTRACTS.read_text().splitlines()]
    rows[0]["metadata"]["publication_types"] = ["Journal Article", "Retracted Publication"]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    idx = tmp_path / "idx"
    assert (
        run("ingest", str(corpus), "--index", str(idx), "--model", "hashing-256", "--quiet").returncode == 0
    )
    info = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert set(info["withdrawn"]) == {rows[0]["_id"]} and "retracted" in info["withdrawn"][rows[0]["_id"]]
    ids_file = tmp_path / "withdrawn.txt"
    ids_file.write_text("# supplied by the content team\n18403944\n")
    r = run("withdraw", "--file", str(ids_file), "--index", str(idx))
    assert r.returncode == 0, r.stderr
    info = run("info", "--index", str(idx))
    assert (
        "2 document(s) excluded" in info.stdout and "18403944: withdrawn by the content team" in info.stdout
    )
    from rag.index.version import open_index

    store = open_index(idx).store
    remaining = store.counts()["passages"] - sum(
        len(store.passages_of(d)) for d in ("18403944", rows[0]["_id"])
    )
    for query in ("gluten tolerance celiac disease", rows[0]["title"]):
        hits = json.loads(run("search", query, "--index", str(idx), "--json", "-k", "20").stdout)
        assert not {h["doc_id"] for h in hits} & {"18403944", rows[0]["_id"]}
        assert len(hits) == min(20, remaining)  # over-fetching keeps k hits from the remaining documents
    assert run("withdraw", "nope", "--index", str(idx)).returncode == 1


def test_info_verify_reads_every_file(tmp_path: Path) -> None:
    """Issue 12, fault 14: opening checks sizes only; `rag info --verify` compares every SHA-256."""
    idx = tmp_path / "idx"
    assert (
        run("ingest", str(ABSTRACTS), "--index", str(idx), "--model", "hashing-256", "--quiet").returncode
        == 0
    )
    assert run("info", "--verify", "--index", str(idx)).returncode == 0
    [segment] = (idx / "segments").iterdir()
    faiss_file = segment / "dense.faiss"
    data = bytearray(faiss_file.read_bytes())
    data[-1] ^= 0xFF  # same size, different content: only the hash can tell
    faiss_file.write_bytes(bytes(data))
    assert run("info", "--index", str(idx)).returncode == 0
    r = run("info", "--verify", "--index", str(idx))
    assert r.returncode == 2 and "dense.faiss does not match its manifest entry" in r.stderr


def test_chat_leaves_no_conversation_store_behind(fake_index: Path, tmp_path: Path) -> None:
    """Issue 12, fault 14: `rag chat` left its temporary store (with the questions) in /tmp."""
    env = {**ENV, "TMPDIR": str(tmp_path)}
    r = subprocess.run(
        [*RAG, "chat", "--index", str(fake_index)],
        input="air embolism?\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0 and "found" in r.stdout
    assert list(tmp_path.iterdir()) == []


def test_conversations_purge(tmp_path: Path) -> None:
    from rag.conversation import ConversationStore

    db = tmp_path / "c.sqlite"
    store = ConversationStore(db)
    store.create()
    store.create()
    store.close()
    r = run("conversations", "purge", "--db", str(db))
    assert r.returncode == 0 and "0 conversation(s) deleted (older than 24 h)" in r.stdout
    r = run("conversations", "purge", "--all", "--db", str(db))
    assert r.returncode == 0 and "2 conversation(s) deleted (all)" in r.stdout


def test_command_line_writes_are_audited(tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    assert (
        run("ingest", str(ABSTRACTS), "--index", str(idx), "--model", "hashing-256", "--quiet").returncode
        == 0
    )
    assert run("remove", "nope", "--index", str(idx)).returncode == 1
    assert run("use", "v-missing", "--index", str(idx)).returncode == 2
    log = json.loads(run("audit", "--index", str(idx), "--json").stdout)
    assert [(e["action"], e["result"]) for e in log] == [
        ("ingest", "ok"),
        ("remove", "exit 1"),
        ("use", f"error: {idx} has no version 'v-missing'; see `rag versions --index {idx}`"),
    ]
    assert log[0]["target"] == str(ABSTRACTS) and all(e["actor"].startswith("user:") for e in log)
    text = run("audit", "--index", str(idx)).stdout
    assert "ingest" in text and "remove" in text


def test_info_shows_segments_and_marks_and_compact_merges_them(tmp_path: Path) -> None:
    """Issue 13: `rag info` shows segments, deletion marks and the last update file; `rag compact`."""
    idx = tmp_path / "idx"
    lines = ABSTRACTS.read_text().splitlines()
    for name, part in (("a", lines[:5]), ("b", lines[5:])):
        (tmp_path / f"{name}.jsonl").write_text("\n".join(part) + "\n")
        r = ingest_quietly(idx, tmp_path / f"{name}.jsonl")
        assert r.returncode == 0, r.stderr
    first = json.loads(lines[0])["_id"]
    assert run("remove", first, "--index", str(idx)).returncode == 0
    info = run("info", "--index", str(idx)).stdout
    assert "segments  2, 1 deletion mark(s)" in info and ": 5 documents" in info
    assert "last applied PubMed update file: none" in info
    r = run("compact", "--index", str(idx))
    assert r.returncode == 0 and "merged 2 segments" in r.stdout and "1 deleted documents dropped" in r.stdout
    data = json.loads(run("info", "--index", str(idx), "--json").stdout)
    assert data["deletion_marks"] == 0 and len(data["segment_details"]) == 1
    assert data["segment_details"][0]["documents"] == data["counts"]["documents"] == 9
    r = run("compact", "--index", str(idx))
    assert r.returncode == 0 and "nothing to compact" in r.stdout
