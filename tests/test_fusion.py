import pytest

from rag.retrieve.fusion import min_max, rrf, weighted_sum


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
