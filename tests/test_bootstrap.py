"""Bootstrap intervals and paired differences over claims (rag.eval.bootstrap) on counts checked by hand."""

import numpy as np
import pytest

from rag.errors import InvalidInput
from rag.eval.bootstrap import intervals, paired_difference
from rag.eval.evidence import claim_columns, compare_runs, figures


def _row(i: int, correct: int, cited: int, gold: int, relevant: int = 1, refused: bool = False) -> dict:
    return {
        "id": f"c{i}",
        "correct": correct,
        "cited": cited,
        "gold": gold,
        "references": 1,
        "relevant_references": relevant,
        "insufficient": refused,
    }


def test_figures_are_micro_averages_of_the_counts() -> None:
    rows = [_row(0, 1, 2, 2), _row(1, 0, 3, 1, relevant=0), _row(2, 0, 0, 0, refused=True), _row(3, 0, 1, 0)]
    cols = claim_columns(rows)
    value = {k: float(v[0]) for k, v in figures({k: c.sum(keepdims=True) for k, c in cols.items()}).items()}
    # precision 1/6, recall 1/3 (micro, not the mean of per-claim scores), F1 = 2PR/(P+R) = 2/9
    assert value["precision"] == pytest.approx(1 / 6) and value["recall"] == pytest.approx(1 / 3)
    assert value["f1"] == pytest.approx(2 / 9)
    assert value["citation_precision"] == pytest.approx(3 / 4)
    assert value["refusal_with_evidence"] == 0.0 and value["answered_without_evidence"] == 0.5


def test_interval_of_identical_claims_is_a_point_and_otherwise_holds_the_value() -> None:
    same = claim_columns([_row(i, 1, 2, 2) for i in range(20)])
    ci = intervals(same, figures)
    assert ci["precision"] == (0.5, 0.5) and ci["f1"] == (0.5, 0.5)
    mixed = claim_columns([_row(i, i % 2, 1, 1) for i in range(40)])
    low, high = intervals(mixed, figures)["precision"]
    assert low < 0.5 < high and high - low < 0.4  # about ±1.96·sqrt(.25/40) = ±0.155
    many = claim_columns([_row(i, i % 2, 1, 1) for i in range(400)])
    low_many, high_many = intervals(many, figures)["precision"]
    assert low < low_many < 0.5 < high_many < high  # ten times the claims: a third of the width


def test_paired_difference_of_a_run_with_itself_is_zero_and_a_uniform_gain_is_significant() -> None:
    base = [_row(i, i % 2, 2, 2) for i in range(30)]
    same = compare_runs(base, list(reversed(base)))  # aligned by claim id, not by position
    assert same["f1"] == {"difference": 0.0, "low": 0.0, "high": 0.0, "p": 1.0}
    better = [_row(i, i % 2 + 1, 2, 2) for i in range(30)]
    gain = compare_runs(better, base)["precision"]
    assert gain["difference"] == pytest.approx(0.5) and gain["low"] > 0 and gain["p"] < 0.01
    with pytest.raises(InvalidInput, match="other claims"):
        compare_runs(better[:-1], base)
    with pytest.raises(InvalidInput, match="older release"):
        claim_columns([{"id": "x", "correct": 1, "cited": 1, "gold": 1, "insufficient": False}])


def test_paired_difference_needs_the_same_claims() -> None:
    a = {"correct": np.ones(3), "cited": np.ones(3)}
    b = {"correct": np.ones(4), "cited": np.ones(4)}
    with pytest.raises(ValueError, match="same claims"):
        paired_difference(a, b, lambda s: {"p": s["correct"] / s["cited"]})
