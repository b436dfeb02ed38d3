"""bm25s vs SQLite FTS5 vs tantivy as the BM25 index: quality (nDCG@10 on a BEIR set), indexing
time, latency, and the cost of adding documents to a built index (``--add``: the last N documents
added after the others are indexed; bm25s has no incremental add and is rebuilt, tantivy and FTS5
add a segment / rows, the segmented index (``rag.index.terms``) writes the new documents as a segment).

python -m benchmarks.bm25_backends --data ../shared/data/scifact --split train
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._common import append_result, markdown_table
from rag.index.lexical import LexicalIndex
from rag.index.terms import TermIndex, query_terms


def load(data: Path, split: str) -> tuple[list[dict], dict[str, str], dict[str, dict[str, int]]]:
    corpus = [json.loads(line) for line in (data / "corpus.jsonl").open()]
    qfile = data / f"queries_{split}.jsonl"
    queries = {
        q["_id"]: q["text"]
        for q in map(json.loads, (qfile if qfile.exists() else data / "queries.jsonl").open())
    }
    qrels: dict[str, dict[str, int]] = {}
    for line in (data / "qrels" / f"{split}.tsv").read_text().splitlines():
        parts = line.split("\t")
        if len(parts) < 3 or not parts[2].strip().lstrip("-").isdigit():
            continue
        qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return corpus, {q: t for q, t in queries.items() if q in qrels}, qrels


def fts5(corpus: list[dict], queries: dict[str, str], k: int) -> tuple[float, dict, list[float]]:
    tmp = Path(tempfile.mkdtemp()) / "fts.sqlite"
    conn = sqlite3.connect(tmp)
    t = time.perf_counter()
    conn.execute("CREATE VIRTUAL TABLE p USING fts5(doc_id UNINDEXED, body, tokenize='porter unicode61')")
    conn.executemany(
        "INSERT INTO p VALUES (?, ?)", ((d["_id"], f"{d.get('title', '')} {d['text']}") for d in corpus)
    )
    conn.commit()
    build = time.perf_counter() - t
    from rag.text.terms import STOPWORDS

    run, lat = {}, []
    for qid, text in queries.items():
        words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1]
        match = " OR ".join(f'"{w}"' for w in words) or '""'
        t = time.perf_counter()
        rows = conn.execute(
            "SELECT doc_id, -bm25(p) FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?", (match, k)
        ).fetchall()
        lat.append(time.perf_counter() - t)
        run[qid] = {d: float(s) for d, s in rows}
    return build, run, lat


def bm25s_backend(corpus: list[dict], queries: dict[str, str], k: int) -> tuple[float, dict, list[float]]:
    t = time.perf_counter()
    index = LexicalIndex.build(
        list(range(len(corpus))), [f"{d.get('title', '')} {d['text']}" for d in corpus]
    )
    build = time.perf_counter() - t
    run, lat = {}, []
    for qid, text in queries.items():
        t = time.perf_counter()
        hits = index.search(text, k)
        lat.append(time.perf_counter() - t)
        run[qid] = {corpus[r]["_id"]: s for r, s in hits}
    return build, run, lat


def terms_backend(corpus: list[dict], queries: dict[str, str], k: int) -> tuple[float, dict, list[float]]:
    """The segmented index's BM25 (``rag.index.terms``): bm25s's analysis, statistics at query time."""
    t = time.perf_counter()
    index = TermIndex.build(list(range(len(corpus))), [f"{d.get('title', '')} {d['text']}" for d in corpus])
    build = time.perf_counter() - t
    run, lat = {}, []
    for qid, text in queries.items():
        t = time.perf_counter()
        terms = query_terms(text)
        hits = index.search(terms, index.stats(terms), k)
        lat.append(time.perf_counter() - t)
        run[qid] = {corpus[r]["_id"]: s for r, s in hits}
    return build, run, lat


def tantivy_backend(corpus: list[dict], queries: dict[str, str], k: int) -> tuple[float, dict, list[float]]:
    import tantivy

    schema = tantivy.SchemaBuilder()
    schema.add_text_field("id", stored=True, tokenizer_name="raw")
    schema.add_text_field("body", stored=False, tokenizer_name="en_stem")
    index = tantivy.Index(schema.build(), path=tempfile.mkdtemp())
    t = time.perf_counter()
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for d in corpus:
        writer.add_document(tantivy.Document(id=d["_id"], body=f"{d.get('title', '')} {d['text']}"))
    writer.commit()
    writer.wait_merging_threads()
    build = time.perf_counter() - t
    index.reload()
    searcher = index.searcher()
    from rag.text.terms import STOPWORDS

    run, lat = {}, []
    for qid, text in queries.items():
        words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in STOPWORDS and len(w) > 1]
        t = time.perf_counter()
        hits = (
            searcher.search(index.parse_query(" ".join(words) or "none", ["body"]), k).hits if words else []
        )
        lat.append(time.perf_counter() - t)
        run[qid] = {searcher.doc(a)["id"][0]: float(score) for score, a in hits}
    return build, run, lat


def add_cost(corpus: list[dict], n: int) -> dict[str, float]:
    """Seconds to add the last ``n`` documents to an index of the others (bm25s: a rebuild)."""
    import tantivy

    body = [f"{d.get('title', '')} {d['text']}" for d in corpus]
    old, new = len(corpus) - n, n
    costs = {}
    LexicalIndex.build(list(range(old)), body[:old])
    t = time.perf_counter()
    LexicalIndex.build(list(range(old + new)), body)
    costs["bm25s"] = time.perf_counter() - t
    t = time.perf_counter()
    TermIndex.build(list(range(old, old + new)), body[old:])  # a new segment of the n documents
    costs["terms"] = time.perf_counter() - t
    schema = tantivy.SchemaBuilder()
    schema.add_text_field("id", stored=True, tokenizer_name="raw")
    schema.add_text_field("body", stored=False, tokenizer_name="en_stem")
    index = tantivy.Index(schema.build(), path=tempfile.mkdtemp())
    writer = index.writer(heap_size=200_000_000, num_threads=1)
    for i in range(old):
        writer.add_document(tantivy.Document(id=str(i), body=body[i]))
    writer.commit()
    t = time.perf_counter()
    for i in range(old, old + new):
        writer.add_document(tantivy.Document(id=str(i), body=body[i]))
    writer.commit()
    costs["tantivy"] = time.perf_counter() - t
    conn = sqlite3.connect(Path(tempfile.mkdtemp()) / "fts.sqlite")
    conn.execute("CREATE VIRTUAL TABLE p USING fts5(doc_id UNINDEXED, body, tokenize='porter unicode61')")
    conn.executemany("INSERT INTO p VALUES (?, ?)", ((str(i), body[i]) for i in range(old)))
    conn.commit()
    t = time.perf_counter()
    conn.executemany("INSERT INTO p VALUES (?, ?)", ((str(i), body[i]) for i in range(old, old + new)))
    conn.commit()
    costs["fts5"] = time.perf_counter() - t
    return costs


def latency_at_scale(corpus: list[dict], queries: dict[str, str], copies: int) -> list[list[str]]:
    """Query latency of bm25s and of the segment term index over ``copies`` copies of the corpus."""
    body = [f"{d.get('title', '')} {d['text']}" for d in corpus] * copies
    rows = list(range(len(body)))
    texts = list(queries.values())
    out = []
    for name, build, search in (
        ("bm25s", lambda: LexicalIndex.build(rows, body), lambda ix, q: ix.search(q, 100)),
        (
            "segment term frequencies",
            lambda: TermIndex.build(rows, body),
            lambda ix, q: ix.search(query_terms(q), ix.stats(query_terms(q)), 100),
        ),
    ):
        t = time.perf_counter()
        index = build()
        built = time.perf_counter() - t
        lat = []
        for q in texts:
            t = time.perf_counter()
            search(index, q)
            lat.append(time.perf_counter() - t)
        del index
        out.append(
            [
                f"{name}, {len(body):,} passages",
                "—",
                "—",
                f"{built:.1f}",
                f"{statistics.median(lat) * 1000:.2f}",
                f"{sorted(lat)[int(0.95 * len(lat))] * 1000:.2f}",
                "—",
            ]
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument(
        "--split", default="train", help="choose on train (the default); test is for reporting"
    )
    parser.add_argument("--add", type=int, default=1000, help="documents added to a built index")
    parser.add_argument(
        "--scale-copies", type=int, default=0, help="also time queries over this many copies of the corpus"
    )
    args = parser.parse_args()
    from ranx import Qrels, Run, evaluate

    corpus, queries, qrels = load(args.data, args.split)
    rows = []
    backends = (
        ("bm25s (numpy, Snowball, stopwords)", bm25s_backend, "bm25s"),
        ("segment term frequencies (rag.index.terms, bm25s analysis)", terms_backend, "terms"),
        ("SQLite FTS5 (porter)", fts5, "fts5"),
        ("tantivy 0.27 (en_stem)", tantivy_backend, "tantivy"),
    )
    adds = add_cost(corpus, args.add)
    for name, fn, key in backends:
        build, run, lat = fn(corpus, queries, 100)
        run = {q: (r or {"__none__": 0.0}) for q, r in run.items()}
        m = evaluate(Qrels(qrels), Run(run), ["ndcg@10", "recall@100"])
        rows.append(
            [
                name,
                f"{m['ndcg@10']:.4f}",
                f"{m['recall@100']:.4f}",
                f"{build:.2f}",
                f"{statistics.median(lat) * 1000:.2f}",
                f"{sorted(lat)[int(0.95 * len(lat))] * 1000:.2f}",
                f"{adds[key]:.2f}",
            ]
        )
    if args.scale_copies:
        rows += latency_at_scale(corpus, queries, args.scale_copies)
    headers = ["backend", "nDCG@10", "Recall@100", "index s", "p50 ms", "p95 ms", f"add {args.add} docs s"]
    table = markdown_table(headers, rows)
    append_result(
        f"BM25 backend: {args.data.name} {args.split} ({len(corpus)} docs, {len(queries)} queries)", table
    )


if __name__ == "__main__":
    main()
