"""Open questions from structured MEDLINE abstracts (``benchmarks.open_questions``), on a real file."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.open_questions import evidence_training_set, open_question

PUBMED = Path(__file__).parent / "fixtures" / "pubmed" / "air_embolism_6.xml"


def test_open_question_from_a_title() -> None:
    assert (
        open_question(
            "Complications related to deep venous thrombosis prophylaxis in trauma: a systematic review."
        )
        == "What is known about complications related to deep venous thrombosis prophylaxis in trauma?"
    )
    assert (
        open_question("ADC mapping predicts seizures.")
        == "What is known about ADC mapping predicts seizures?"
    )
    # a subtitle that is not a design stays
    assert open_question("Air embolism: lessons from 36 patients") == (
        "What is known about air embolism: lessons from 36 patients?"
    )


def test_findings_of_structured_abstracts_answer_their_open_question(tmp_path: Path) -> None:
    dataset, rationales, sentences = evidence_training_set(PUBMED, tmp_path)
    corpus = [json.loads(line) for line in dataset.corpus.read_text().splitlines()]
    assert len(corpus) == 6 and all(row["title"] == "" for row in corpus)  # every abstract, no titles
    # two of the six are structured (labelled findings and background or methods)
    assert [r["_id"] for r in rationales] == [
        "22396189",
        "31045810",
        "22396189:withheld",
        "31045810:withheld",
    ]
    hbo = rationales[0]
    assert hbo["claim"].startswith("What is known about factors associated with favorable response")
    cited = [i for (i,) in hbo["evidence"]["22396189"]["sentences"]]
    text = sentences["22396189"]
    assert text[cited[0]] == "A total of 26 (72%) of the 36 patients had favorable outcome."  # RESULTS opens
    assert text[cited[-1]].startswith("Timely diagnosis and differentiation")  # CONCLUSIONS close
    assert text[cited[0] - 1].startswith("Unfavorable outcome was defined")  # METHODS: not evidence
    assert cited == list(range(cited[0], len(text)))
    # the case report: its OUTCOMES sentence is a finding, its RATIONALE (background) is not
    case = [i for (i,) in rationales[1]["evidence"]["31045810"]["sentences"]]
    assert [sentences["31045810"][i] for i in case] == [
        "Clinical death occurred 55\u200ahours after air embolism."
    ]
    assert rationales[2]["withheld"] == ["22396189"] and rationales[2]["evidence"] == {}
    assert dataset.qrels == {"22396189": {"22396189": 1}, "31045810": {"31045810": 1}}


def test_conclusions_labelling_leaves_results_unlabelled(tmp_path: Path) -> None:
    _, rationales, sentences = evidence_training_set(PUBMED, tmp_path, "conclusions")
    hbo = rationales[0]
    text = sentences["22396189"]
    cited = [i for (i,) in hbo["evidence"]["22396189"]["sentences"]]
    results = hbo["unlabelled"]["22396189"]
    assert text[cited[0]] == "A high proportion of CAGE patients treated with HBO2 had favorable outcomes."
    assert text[results[0]] == "A total of 26 (72%) of the 36 patients had favorable outcome."
    assert results == list(range(results[0], cited[0]))  # results, then conclusions, close the abstract
    assert cited == list(range(cited[0], len(text)))
