"""British and American spellings (rag.text.spelling): a query finds a passage in the spelling it uses,
through BM25 (the reference bm25s index and the segmented term index alike)."""

from __future__ import annotations

import numpy as np
import pytest

from rag.index.lexical import LexicalIndex
from rag.index.terms import TermIndex, query_terms
from rag.text.spelling import american, variants, with_variants


@pytest.mark.parametrize(
    ("british", "us"),
    [
        ("tumour", "tumor"),
        ("oesophagus", "esophagus"),
        ("oesophageal", "esophageal"),
        ("haemorrhage", "hemorrhage"),
        ("anaemia", "anemia"),
        ("ischaemic", "ischemic"),
        ("leukaemia", "leukemia"),
        ("paediatric", "pediatric"),
        ("orthopaedic", "orthopedic"),
        ("gynaecology", "gynecology"),
        ("anaesthesia", "anesthesia"),
        ("caesarean", "cesarean"),
        ("foetal", "fetal"),
        ("oedema", "edema"),
        ("oestrogen", "estrogen"),
        ("aetiology", "etiology"),
        ("coeliac", "celiac"),
        ("diarrhoea", "diarrhea"),
        ("dyspnoea", "dyspnea"),
        ("randomised", "randomized"),
        ("hospitalisation", "hospitalization"),
        ("analysed", "analyzed"),
        ("behaviour", "behavior"),
        ("centre", "center"),
        ("fibre", "fiber"),
    ],
)
def test_each_spelling_gives_the_other(british: str, us: str) -> None:
    assert american(british) == us
    assert american(us) == us
    assert variants(british) == {us}
    assert british in variants(us)


def test_short_words_and_words_with_one_spelling_are_left_alone() -> None:
    assert american("does") == "does"  # not "des" (diethylstilbestrol)
    assert variants("does") == set()
    assert variants("hour") == set()
    assert variants("thrombosis") == set()
    assert with_variants("Does heparin cause bleeding?") == "Does heparin cause bleeding?"
    assert with_variants("Is the tumour resected?") == "Is the tumour resected? tumor"


TEXTS = [
    "Tumor response to preoperative chemoradiotherapy was measured in the resected specimen.",
    "Oesophageal intubation occurred twice in flight.",
    "Heparin was given to all patients after surgery.",
]


@pytest.mark.parametrize(
    ("query", "found"),
    [("tumour response", 1), ("esophageal intubation", 2), ("heparin", 3)],
)
def test_bm25_finds_a_passage_in_the_other_spelling(query: str, found: int) -> None:
    rows = [1, 2, 3]
    reference, ours = LexicalIndex.build(rows, TEXTS), TermIndex.build(rows, TEXTS)
    expected = reference.search(query, 3)
    assert [r for r, _ in expected] == [found]
    terms = query_terms(query)
    got = ours.search(terms, ours.stats(terms), 3)
    assert [r for r, _ in got] == [found]
    assert np.allclose([s for _, s in got], [s for _, s in expected], atol=1e-5)
