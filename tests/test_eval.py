import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, TEST_SELECTOR, cosine_selector

from rag.chunking import ChunkingParams
from rag.config import EngineOptions
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval import cache as cache_module
from rag.eval.beir import load_beir, load_qrels
from rag.eval.cache import cached_index
from rag.eval.evidence import evaluate_evidence, load_rationales, load_sentences, sentence_offsets
from rag.eval.retrieval import to_documents

MINI = FIXTURES / "beir_mini"


def test_load_beir_and_qrels_formats(tmp_path: Path) -> None:
    ds = load_beir(MINI, "test")
    assert set(ds.queries) == {"q1", "q2", "q3", "q4"}
    assert ds.qrels["q1"] == {"18403944": 2}
    trec = tmp_path / "q.tsv"
    trec.write_text("q1 0 d1 1\nq1 0 d2 0\nq2 0 d3 2\n")
    assert load_qrels(trec) == {"q1": {"d1": 1, "d2": 0}, "q2": {"d3": 2}}
    with pytest.raises(InvalidInput, match="split"):
        load_beir(MINI, "dev")
    with pytest.raises(InvalidInput, match="corpus.jsonl"):
        load_beir(tmp_path, "test")


def test_passages_map_to_documents_by_max_score() -> None:
    doc_of = {1: "a", 2: "b", 3: "a", 4: "c"}
    assert to_documents([(2, 0.9), (3, 0.8), (1, 0.95), (4, 0.1)], doc_of, 2) == {"a": 0.95, "b": 0.9}


def _dcg(rels: list[int]) -> float:
    return sum(r / math.log2(i + 2) for i, r in enumerate(rels))


def test_ranx_metrics_agree_with_hand_computation() -> None:
    """Graded nDCG@10 with linear gain (trec_eval/pytrec_eval, hence BEIR), MRR@10, P@1, Recall@100."""
    from ranx import Qrels, Run, evaluate

    qrels = {"q1": {"a": 2, "c": 1}, "q2": {"x": 1}}
    run = {"q1": {"b": 3.0, "a": 2.0, "c": 1.0}, "q2": {"y": 2.0, "z": 1.0}}
    m = evaluate(Qrels(qrels), Run(run), ["ndcg@10", "mrr@10", "precision@1", "recall@100"])
    ndcg_q1 = _dcg([0, 2, 1]) / _dcg([2, 1])
    assert m["ndcg@10"] == pytest.approx((ndcg_q1 + 0.0) / 2, abs=1e-6)
    assert m["mrr@10"] == pytest.approx((1 / 2 + 0) / 2, abs=1e-6)
    assert m["precision@1"] == pytest.approx(0.0, abs=1e-6)
    assert m["recall@100"] == pytest.approx((1.0 + 0.0) / 2, abs=1e-6)


def test_sentence_offsets() -> None:
    text = "One two. Three four. Five."
    assert sentence_offsets(text, ["One two.", "Three four.", "Five."]) == [(0, 8), (9, 20), (21, 26)]
    assert sentence_offsets(text, ["missing"]) == [(-1, -1)]


@pytest.fixture(scope="module")
def mini_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:

    cache = tmp_path_factory.mktemp("cache")
    emb = HashingEmbedder()
    path, reused = cached_index(MINI / "corpus.jsonl", cache, emb, ChunkingParams(chunk_words=60))
    assert not reused
    again, reused = cached_index(MINI / "corpus.jsonl", cache, emb, ChunkingParams(chunk_words=60))
    assert reused and again == path
    other, reused = cached_index(MINI / "corpus.jsonl", cache, emb, ChunkingParams(chunk_words=80))
    assert not reused and other != path  # changed chunking never reuses
    return Engine(path, embedder=emb, selector=cosine_selector(0.2, max_sentences=3))


def test_an_index_cached_under_other_sentence_rules_is_built_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    emb, params = HashingEmbedder(), ChunkingParams(chunk_words=60)
    path, _ = cached_index(MINI / "corpus.jsonl", tmp_path, emb, params)
    monkeypatch.setattr(cache_module, "SENTENCE_RULES", "edited-since")  # "U.S." no longer ends a sentence
    other, reused = cached_index(MINI / "corpus.jsonl", tmp_path, emb, params)
    assert not reused and other != path


def test_evidence_scoring_on_hand_built_rationales(mini_engine: Engine) -> None:
    rationales = load_rationales(MINI, "test")
    sentences = load_sentences(MINI)
    qrels = load_beir(MINI, "test").qrels
    result = evaluate_evidence(mini_engine, rationales, sentences, qrels)
    per = {c["id"]: c for c in result.per_claim}
    # recomputing precision/recall from the per-claim counts gives the reported figures
    tp = sum(c["correct"] for c in per.values())
    assert result.sentence["precision"] == pytest.approx(tp / sum(c["cited"] for c in per.values()))
    assert result.sentence["recall"] == pytest.approx(tp / 3)  # three gold sentences in all
    assert per["q1"]["correct"] >= 1  # the gluten abstract's tolerance sentences are cited
    assert result.claims == 3 and result.claims_with_evidence == 2
    # citation precision: the share of cited references that are relevant, recomputed from the answers
    cited = [(c["_id"], r.doc_id) for c in rationales for r in mini_engine.ask(c["claim"]).references]
    relevant = [qrels.get(claim, {}).get(doc, 0) > 0 for claim, doc in cited]
    assert cited and result.citation_precision == pytest.approx(sum(relevant) / len(cited))


def test_refusals_count_nothing_under_scifacts_convention() -> None:
    """The plain figures count the closest passage a refusal names; the ``_answered`` ones, like
    SciFact's evaluation (NEI predicts no rationale, no abstract), count nothing for a refusal."""
    from rag.eval.evidence import claim_columns, figures

    def row(correct: int, cited: int, gold: int, refs: int, relevant: int, refused: bool) -> dict:
        return {
            "correct": correct,
            "cited": cited,
            "gold": gold,
            "references": refs,
            "relevant_references": relevant,
            "insufficient": refused,
        }

    rows = [
        row(1, 2, 2, 1, 1, False),  # answered: one of its two quotes is gold
        row(1, 1, 1, 1, 1, True),  # refused, although its closest passage was the gold sentence
        row(0, 1, 0, 1, 0, True),  # refused, no evidence exists
    ]
    totals = {k: v.sum(keepdims=True) for k, v in claim_columns(rows).items()}
    f = {k: float(v[0]) for k, v in figures(totals).items()}
    assert (f["precision"], f["recall"], f["citation_precision"]) == pytest.approx((2 / 4, 2 / 3, 2 / 3))
    assert (f["precision_answered"], f["recall_answered"]) == pytest.approx((1 / 2, 1 / 3))
    assert f["f1_answered"] == pytest.approx(2 * (1 / 2) * (1 / 3) / (1 / 2 + 1 / 3))
    assert f["citation_precision_answered"] == pytest.approx(1.0)


def test_eval_retrieval_cli_writes_report_and_runs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "rag.cli",
            "eval",
            "retrieval",
            "--data",
            str(MINI),
            "--model",
            "hashing-256",
            "--index-cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
            "--quiet",
            "--k",
            "10",
            "--modes",
            "bm25,dense,hybrid,rerank",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RAG_SELECTOR": str(TEST_SELECTOR)},
    )
    assert r.returncode == 0, r.stderr
    report = json.loads((out / "report.json").read_text())
    assert set(report["metrics"]) == {"bm25", "dense", "hybrid", "rerank"}
    # reranking reorders the same hybrid candidates: the relevant abstract is still found for each query
    assert report["metrics"]["rerank"]["recall@100"] == report["metrics"]["hybrid"]["recall@100"]
    assert (out / "run.rerank.trec").exists()
    assert set(report["metrics"]["bm25"]) == {"ndcg@10", "recall@100", "mrr@10", "precision@1"}
    assert report["metrics"]["bm25"]["precision@1"] == 1.0  # every query names its abstract's topic
    assert (out / "run.hybrid.trec").read_text().startswith("q1 Q0 18403944 1 ")
    assert "ndcg@10" in r.stdout and report["config"]["model"] == "hashing-256"
    assert report["timings"]["queries_per_second"] > 0


def _trec_order(path: Path) -> dict[str, list[str]]:
    order: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        qid, _, doc, *_ = line.split()
        order.setdefault(qid, []).append(doc)
    return order


def test_eval_retrieval_follows_the_configured_fusion_weights(tmp_path: Path) -> None:
    """RAG_FUSION_WEIGHTS reaches the evaluated hybrid mode: weighting BM25 by 0 leaves the dense
    ranking (with equal weights the fused order differs from it on this data)."""
    out = tmp_path / "out"
    args = ["eval", "retrieval", "--data", str(MINI), "--model", "hashing-256", "--quiet", "--k", "10"]
    args += ["--index-cache", str(tmp_path / "cache"), "--out", str(out), "--modes", "dense,hybrid"]
    env = {**os.environ, "RAG_SELECTOR": str(TEST_SELECTOR), "RAG_FUSION_WEIGHTS": "[0, 1]"}
    r = subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert _trec_order(out / "run.hybrid.trec") == _trec_order(out / "run.dense.trec")
    config = json.loads((out / "report.json").read_text())["config"]
    assert (config["fusion"], config["fusion_weights"]) == ("rrf", [0.0, 1.0])
    del env["RAG_FUSION_WEIGHTS"]
    r = subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert _trec_order(out / "run.hybrid.trec") != _trec_order(out / "run.dense.trec")


def test_eval_evidence_cli(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "rag.cli",
            "eval",
            "evidence",
            "--data",
            str(MINI),
            "--model",
            "hashing-256",
            "--index-cache",
            str(tmp_path / "cache"),
            "--out",
            str(tmp_path / "o"),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RAG_SELECTOR": str(TEST_SELECTOR)},
    )
    assert r.returncode == 0, r.stderr
    report = json.loads((tmp_path / "o" / "evidence.json").read_text())
    # the same figures as the library computes in this process on the index the command cached
    embedder = HashingEmbedder(256)
    path, reused = cached_index(MINI / "corpus.jsonl", tmp_path / "cache", embedder, ChunkingParams())
    assert reused
    engine = Engine(path, EngineOptions(selector=str(TEST_SELECTOR)), embedder=embedder)
    qrels = load_beir(MINI, "test").qrels
    expected = evaluate_evidence(
        engine, load_rationales(MINI, "test"), load_sentences(MINI), qrels, progress=False
    )
    assert report["sentence"] == pytest.approx(expected.sentence)
    assert report["citation_precision"] == pytest.approx(expected.citation_precision)
    assert report["refusal_with_evidence"] == pytest.approx(expected.refusal_with_evidence)
    assert report["answered_without_evidence"] == pytest.approx(expected.answered_without_evidence)
    low, high = report["intervals_95"]["f1"]
    assert low <= report["sentence"]["f1"] <= high and report["comparison"] is None
    assert "95% CI" in r.stdout

    # a second run compared with the first, claim by claim: nothing differs
    again = subprocess.run(
        [*r.args[:-1], "--out", str(tmp_path / "o2"), "--baseline", str(tmp_path / "o" / "evidence.json")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "RAG_SELECTOR": str(TEST_SELECTOR)},
    )
    assert again.returncode == 0, again.stderr
    comparison = json.loads((tmp_path / "o2" / "evidence.json").read_text())["comparison"]["figures"]
    assert comparison["f1"] == {"difference": 0.0, "low": 0.0, "high": 0.0, "p": 1.0}
    assert "paired bootstrap" in again.stdout

    # a file that is not such a report: one line, exit 2, before any work
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    refused = subprocess.run(
        [*r.args[:-1], "--out", str(tmp_path / "o3"), "--baseline", str(bad)], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "--baseline" in refused.stderr and not (tmp_path / "o3").exists()
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"per_claim": report["per_claim"][:-1]}))
    refused = subprocess.run(
        [*r.args[:-1], "--out", str(tmp_path / "o4"), "--baseline", str(other)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "other claims" in refused.stderr and not (tmp_path / "o4").exists()
