import pytest

from rag.retrieve.fusion import min_max, rrf, weighted_sum, z_score_sum, z_scores


def test_rrf_closed_form() -> None:
    # a: ranks 1 and 2 -> 1/61 + 1/62; b: 2 and 1 -> 1/62 + 1/61; c: rank 3 in the first only -> 1/63
    fused = rrf([["a", "b", "c"], ["b", "a"]], k=60)
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 63)


def test_rrf_weights_and_k() -> None:
    fused = rrf([["x"], ["y"]], k=1, weights=[2.0, 0.5])
    assert fused == {"x": pytest.approx(2.0 / 2), "y": pytest.approx(0.5 / 2)}
    with pytest.raises(ValueError):
        rrf([["x"]], weights=[1.0, 2.0])


def test_rrf_matches_ranx() -> None:
    from ranx import Run, fuse

    runs = [{"q": {"a": 3.0, "b": 2.0, "c": 1.0}}, {"q": {"b": 0.9, "d": 0.8, "a": 0.1}}]
    theirs = fuse(runs=[Run(r) for r in runs], method="rrf", params={"k": 60}).to_dict()["q"]
    ours = rrf([sorted(r["q"], key=r["q"].get, reverse=True) for r in runs], k=60)
    assert set(ours) == set(theirs)
    for key in ours:
        assert ours[key] == pytest.approx(theirs[key], abs=1e-9)


def test_min_max_and_weighted_sum() -> None:
    assert min_max({"a": 2.0, "b": 4.0, "c": 3.0}) == {"a": 0.0, "b": 1.0, "c": 0.5}
    assert min_max({"a": 5.0}) == {"a": 1.0}
    fused = weighted_sum([{"a": 1.0, "b": 0.0}, {"b": 10.0, "c": 0.0}], weights=[0.25, 0.75])
    assert fused == {"a": 0.25, "b": 0.75, "c": 0.0}


def test_z_scores_by_hand() -> None:
    # mean 2, population std sqrt(2/3)
    z = z_scores({"a": 1.0, "b": 2.0, "c": 3.0})
    assert z == {"a": pytest.approx(-(1.5**0.5)), "b": pytest.approx(0.0), "c": pytest.approx(1.5**0.5)}
    assert z_scores({"a": 4.0}) == {"a": 0.0}


def test_z_score_sum_missing_item_takes_the_runs_lowest() -> None:
    # run 1: a=+1, b=-1 ; run 2: b=+1, c=-1 ; a is missing from run 2 (-1 there), c from run 1 (-1)
    fused = z_score_sum([{"a": 10.0, "b": 0.0}, {"b": 0.9, "c": 0.1}], weights=[1.0, 1.0])
    assert fused == {"a": pytest.approx(0.0), "b": pytest.approx(0.0), "c": pytest.approx(-2.0)}
    with pytest.raises(ValueError):
        z_score_sum([{"a": 1.0}], weights=[1.0, 2.0])


def test_z_score_sum_matches_ranx_when_runs_share_their_items() -> None:
    from ranx import Run, fuse

    runs = [{"q": {"a": 3.0, "b": 2.0, "c": 0.5}}, {"q": {"b": 0.9, "c": 0.8, "a": 0.1}}]
    theirs = fuse(
        runs=[Run(r) for r in runs], norm="zmuv", method="wsum", params={"weights": [0.3, 0.7]}
    ).to_dict()["q"]
    ours = z_score_sum([r["q"] for r in runs], weights=[0.3, 0.7])
    assert set(ours) == set(theirs)
    for key in ours:
        assert ours[key] == pytest.approx(theirs[key], abs=1e-6)


def test_hybrid_retriever_fuses_its_parts_by_z_score(tmp_path) -> None:
    from conftest import ABSTRACTS

    from rag.embed.embedder import HashingEmbedder
    from rag.index.ingest import ingest
    from rag.index.version import open_index
    from rag.readers import read_paths
    from rag.retrieve.retrievers import BM25Retriever, DenseRetriever, HybridRetriever

    embedder = HashingEmbedder()
    ingest(read_paths([ABSTRACTS]), tmp_path / "idx", embedder)
    index = open_index(tmp_path / "idx")
    query = "venous air embolism treatment oxygen"
    parts = [
        dict(BM25Retriever(index).ranked(query, 100)),
        dict(DenseRetriever(index, embedder).ranked(query, 100)),
    ]
    expected = sorted(z_score_sum(parts).items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    got = HybridRetriever(index, embedder, fusion="zscore").ranked(query, 10)
    assert [r for r, _ in got] == [r for r, _ in expected]
    assert [s for _, s in got] == pytest.approx([s for _, s in expected])
    assert [r for r, _ in got] != [
        r for r, _ in HybridRetriever(index, embedder, fusion="rrf").ranked(query, 10)
    ]
