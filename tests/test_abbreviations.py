"""Abbreviations a text defines (rag.text.abbreviations), on real sentences of the demo corpus's
PubMedQA abstracts (PubMed 12095973, 10473855, 16253970, 12855939, 14612308)."""

from __future__ import annotations

import pytest

from rag.text.abbreviations import definitions, long_forms, spelled_out


@pytest.mark.parametrize(
    ("text", "defined"),
    [
        (
            "Preoperative chemoradiation (CRT) is advocated. Patients who had low rectal tumors with "
            "complete response (CR) were not submitted to surgical treatment.",
            {"CRT": "chemoradiation", "CR": "complete response"},
        ),
        (
            "Delayed gastric emptying (DGE) is the most common complication after pylorus-preserving "
            "pancreaticoduodenectomy (PPPD).",
            {"DGE": "Delayed gastric emptying", "PPPD": "pylorus-preserving pancreaticoduodenectomy"},
        ),
        ("No difference was found in ongoing pregnancy rate (PR) between women.", {"PR": "pregnancy rate"}),
        (
            "The prevalence of peripheral arterial disease (PAD) is high.",
            {"PAD": "peripheral arterial disease"},
        ),
    ],
)
def test_an_abbreviation_defined_in_parentheses_is_found_with_its_long_form(text: str, defined: dict) -> None:
    assert definitions(text) == defined


@pytest.mark.parametrize(
    "text",
    [
        "The mean age was 63 years (range 28-82).",  # not an abbreviation
        "Multiple PR remained high (P=0.006).",  # a p-value, no long form before it
        "Five-year overall survival was 60.5% (n = 52).",
        "as the primary DVT prophylactic agent (10).",  # a source's reference marker
    ],
)
def test_parentheses_that_define_nothing_give_nothing(text: str) -> None:
    assert definitions(text) == {}


def test_a_sentence_names_the_long_forms_of_the_abbreviations_it_uses() -> None:
    defined = {"CR": "complete response", "CRT": "chemoradiation", "PR": "pregnancy rate"}
    assert long_forms("Among the 10 cases with CR, 8 presented with local recurrence.", defined) == [
        "complete response"
    ]
    assert (
        long_forms("CRT-related toxicity was mild; CR-like and PRs aside.", defined) == []
    )  # whole words only


def test_a_question_spells_out_the_abbreviations_of_its_runs_of_words() -> None:
    """The DVT review (demo corpus) uses "HIT" without defining it; the question spells it out."""
    spelled = spelled_out("What is the risk of heparin-induced thrombocytopenia with unfractionated heparin?")
    assert spelled["HIT"] == "heparin induced thrombocytopenia"
    assert spelled["UH"] == "unfractionated heparin"
    assert "TW" not in spelled  # "with" is a stopword: runs stop there
    assert spelled_out("Is low molecular weight heparin safe?")["LMWH"] == "low molecular weight heparin"
    sentence = "In this review we calculated the risk of bleeding and HIT to be 3.9% and 0.7% respectively."
    assert long_forms(sentence, spelled) == ["heparin induced thrombocytopenia"]
    assert long_forms("Hit rates were low.", spelled) == []  # capitals only
