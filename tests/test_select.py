"""Evidence selection: candidates, features, policy, source markers, training and the shipped selector."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, FixedSelector, cosine_selector, make_hit

from rag.answer.compose import compose
from rag.answer.markers import OUR_CITATION, cites_other_work, display, source_markers
from rag.answer.select import Policy, choose, evidence_pool, load_selector
from rag.answer.select.candidates import candidates
from rag.answer.select.features import SCALAR_FEATURES, featurize, section_kind
from rag.answer.select.model import Selector
from rag.answer.shape import design_of, introduce
from rag.embed.embedder import HashingEmbedder
from rag.errors import InvalidInput
from rag.text.quotable import heading_length, quotable
from rag.text.sentences import split_sentences

MINI = FIXTURES / "beir_mini"


# -- candidates ---------------------------------------------------------------------------------
def test_headings_are_not_part_of_the_quote_and_glued_headings_split() -> None:
    text = "Patients with pulmonary tuberculosis.AIM: To assess whether the new regimen shortens treatment."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Patients with pulmonary tuberculosis.",
        "AIM: To assess whether the new regimen shortens treatment.",
    ]
    assert heading_length("BACKGROUND: Heparin causes bleeding in some patients.") == len("BACKGROUND: ")
    assert heading_length("Conclusions: Heparin causes bleeding.") == len("Conclusions: ")
    assert heading_length("Heparin: a drug that causes bleeding.") == 0  # not a heading word
    quoted = [c.text for c in candidates([make_hit("d", text)])]
    assert quoted == ["To assess whether the new regimen shortens treatment."]


def test_a_heading_glued_after_the_stop_is_not_part_of_the_quote() -> None:
    # PubMedQA's first context of PMID 12913878 ends with its next heading glued to the stop
    text = (
        "LITT-induced disruption of the BBB could possibly allow a locoregional passage of chemotherapeutic "
        "agents into brain tissue to treat malignant glioma.STUDY DESIGN/"
    )
    hit = make_hit("d", text)
    [c] = candidates([hit])
    assert c.text.endswith("into brain tissue to treat malignant glioma.")
    assert hit.text[c.start : c.end] == c.text  # still a verbatim span
    for plain in ("Rates fell by 5 % in the first week.", "Heparin (LMWH) was used in all patients."):
        assert [x.text for x in candidates([make_hit("d", plain)])] == [plain]


def test_footers_and_declarations_are_not_evidence() -> None:
    for line in [
        "Correspondence: jossey.ach@gmail.com Project Officer, National Catholic Secretariat, Accra.",
        "This article is distributed under the terms of the Creative Commons Attribution License.",
        "The authors declare that they have no competing interests in this work.",
        "All authors read and approved the final manuscript before submission.",
        "Accepted: 6 January 2010 Published: 6 January 2010",
        "Received: 12 March 2009 Revised: 2 May 2009",
    ]:
        assert not quotable(line), line
    assert quotable("The risks of heparin include bleeding and heparin induced thrombocytopenia.")


def test_back_matter_is_not_evidence() -> None:
    # sentences of the shared PDFs (../shared/data/pdfs) that the reader keeps as prose
    for line in [
        "This work was supported by NIGMS grant R01GM125827 to M. McVey.",
        "L.F.T. was granted funding by the Sao Paulo Research Foundation (FAPESP #2016/25358-3).",
        "This research was funded by the Health Services Executive.",
        "We thank Alice Witsell and Ethan Brown for creating the rev1 mutant S2 cells.",
        "The authors would like to thank the University of Texas at Austin Genome Sequencing Facility.",
        "JOA acknowledges support from University of Washington training grant award T32 AG066574.",
        "Sequencing reads are deposited in the NCBI Sequence Read Archive under BioProject PRJNA1011390.",
        "Supplementary Data are available at NAR Online.",
        "RFA R scripts are available from https://github.com/whatdoidohaha/RFA.",
        "The list of affected genes was input into the SGD Term Finder (https:// www.yeastgenome.org).",
        # the DVT review's contributions, which its PDF prints without a heading the reader keeps
        "JBK - Study design, data analysis, manuscript writing & editing.",
        "LRR - Data analysis & manuscript writing.",
        "The corresponding author wrote the first draft, and all authors revised the manuscript.",
    ]:
        assert not quotable(line), line
    # findings and methods that share words with back matter stay evidence (PubMedQA sentences)
    for line in [
        "All other patients were submitted to surgery, independently of the response.",
        "No significant relationships were observed between h-index and the number of grant awards.",
        "No data are available on whether early intervention affects the duration of headache.",
        "In S. cerevisiae, histone variant H2A.Z is deposited in euchromatin at the flanks of silent DNA.",
        "This hypothesis was supported by the finding that heparin reduced clots in 40% of patients.",
        "HBI: MMSeqs searched each query in the test set against all proteins of the training set.",
        "DVT - the commonest complication - occurred in 12% of patients.",
    ]:
        assert quotable(line), line


def test_a_findings_bracketed_statistics_are_not_a_list() -> None:
    # PubMed 17276801 of the demo corpus: the complications' odds ratios, its commas and semicolons in
    # brackets; a list of keywords stays no prose
    finding = (
        "In patients with elevated cTnI levels, inhospital mortality (odds ratio [OR], 3.31; 95% confidence "
        "interval [CI], 1.82-9.29), hypotension (OR, 7.37; 95% CI, 2.31-23.28), thrombolysis (OR, 5.71; 95% "
        "CI, 1.63-19.92), need for mechanical ventilation (OR, 5.00; 95% CI, 1.42-17.57), and need for "
        "inotropic support (OR, 3.02; 95% CI, 1.03-8.85) were more prevalent."
    )
    assert quotable(finding)
    assert not quotable(
        "Keywords: heart; failure; rehabilitation; general practice; qualitative; focus groups."
    )
    assert not quotable("Age, sex, BMI, smoking, diabetes, hypertension, statins, aspirin (n, %), and CRP.")


def test_headings_and_fragments_without_a_sentence_end_are_not_evidence() -> None:
    # section headings and a sentence cut by a figure, as the shared PDFs extract them
    for line in [
        "Phylogenetic analysis of Asgard EF-1A",
        "Plant materials and growth conditions",
        "For the drought-tolerance test, ~3-week-old well-watered",
    ]:
        assert not quotable(line), line
    for line in ["Heparin reduced clots in 40% of patients.", "Bleeding occurred in 3% of patients.15"]:
        assert quotable(line), line
    # a long sentence the abstract left unterminated is still prose
    assert quotable("There were no differences between the exon variants in terms of outcomes and responses")


def test_section_kind_from_label_or_heading() -> None:
    assert section_kind("CONCLUSIONS", "Heparin is safe.") == "conclusions"
    assert section_kind(None, "RESULTS: Bleeding occurred in 3%.") == "results"
    assert section_kind("BACKGROUND", "x") == "background"
    assert section_kind(None, "Heparin is safe.") is None


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        # real PubMedQA labels naming two kinds: the findings, else what the section is about
        ("SUMMARY OF BACKGROUND DATA", "background"),  # not a summary of findings (Spine)
        ("METHODS AND RESULTS", "results"),  # Circulation's results section
        ("MEASUREMENTS AND MAIN RESULTS", "results"),
        ("MAIN OUTCOME MEASURES", "methods"),
        ("OUTCOMES MEASURED", "methods"),
        ("MAIN OUTCOMES AND MEASURES", "methods"),  # JAMA
        ("OUTCOMES", "results"),  # a case report's (CARE)
        ("INTERVENTION", "methods"),
        ("RESULTS AND DISCUSSION", "results"),
        ("OBJECTIVE AND METHODS", "background"),
        ("LIMITATIONS", None),
    ],
)
def test_section_kind_of_labels_naming_two_kinds(label: str, kind: str | None) -> None:
    assert section_kind(label, "x") == kind


def test_features_are_what_they_say() -> None:
    hit = make_hit("d", "Little is known about heparin. Heparin significantly reduced clots (p < 0.01).")
    pool = candidates([hit])
    emb = HashingEmbedder()
    vectors = emb.embed([c.text for c in pool])
    q = emb.embed(["Does heparin reduce clots?"])[0]
    x = featurize("Does heparin reduce clots?", q, pool, vectors)
    names = list(SCALAR_FEATURES)
    assert x.shape == (2, len(SCALAR_FEATURES) + emb.dimension)
    col = {n: x[:, names.index(n)] for n in names}
    assert np.allclose(col["cosine"], vectors @ q, atol=1e-6)
    assert col["cue_background"].tolist() == [1.0, 0.0]
    assert col["cue_statistics"].tolist() == [0.0, 1.0]
    assert col["first_sentence"].tolist() == [1.0, 0.0] and col["last_sentence"].tolist() == [0.0, 1.0]
    # stems {heparin, reduc, clot}: the background sentence has one of three, the finding all three
    assert col["overlap_question"].tolist() == pytest.approx([1 / 3, 1.0])


def test_position_is_measured_within_the_abstract_or_the_body_of_a_full_text() -> None:
    text = (
        "Heparin is given to trauma patients. Heparin reduced clots in the trial patients. "
        "Clots are common after major trauma surgery. We gave heparin to all the patients. "
        "Heparin reduced clots without more bleeding events."
    )
    starts = [a for a, _ in split_sentences(text)]
    body = starts[2]  # the body begins with the third sentence
    pool = candidates([make_hit("d", text, body_start=body), make_hit("e", text, rank=2)])
    emb = HashingEmbedder()
    x = featurize("q?", emb.embed(["q?"])[0], pool, emb.embed([c.text for c in pool]), products=False)
    position = x[:, SCALAR_FEATURES.index("position")]
    within = [a / body for a in starts[:2]] + [(a - body) / (len(text) - body) for a in starts[2:]]
    assert position[:5].tolist() == pytest.approx(within)  # the abstract's second sentence at 0.2, not 0.1
    assert position[5:].tolist() == pytest.approx([a / len(text) for a in starts])  # no body start known


def test_section_labels_of_a_full_texts_body_are_not_section_features() -> None:
    """The selector learned section labels from abstracts, where CONCLUSIONS holds the answer; a
    body's "Discussion" is mostly about other work, so there only a heading opening the sentence counts."""
    text = (
        "Heparin reduced clots in the trial patients. Other trials of heparin found fewer clots. "
        "Conclusions: Low molecular weight heparin prevented venous thrombosis after injury."
    )
    body = split_sentences(text)[1][0]  # the body begins with the second sentence
    hit = make_hit("d", text, body_start=body)
    pool = candidates([replace(hit, passage=replace(hit.passage, section="Discussion"))])
    emb = HashingEmbedder()
    x = featurize("q?", emb.embed(["q?"])[0], pool, emb.embed([c.text for c in pool]), products=False)
    col = {n: x[:, SCALAR_FEATURES.index(n)].tolist() for n in ("section_none", "section_conclusions")}
    # the abstract's sentence keeps its label; the body's count only the heading that opens one
    assert col == {"section_none": [0.0, 1.0, 0.0], "section_conclusions": [1.0, 0.0, 1.0]}


def test_document_coverage_counts_the_question_words_of_all_its_pool_sentences() -> None:
    question = "Does heparin cause bleeding in trauma?"  # stems {heparin, caus, bleed, trauma}
    pool = candidates(
        [
            make_hit("a", "Heparin was given to all trauma patients. Bleeding occurred in three of them."),
            make_hit("b", "Heparin is widely used in hospitals.", rank=2),
        ]
    )
    emb = HashingEmbedder()
    x = featurize(question, emb.embed([question])[0], pool, emb.embed([c.text for c in pool]), products=False)
    col = {n: x[:, SCALAR_FEATURES.index(n)] for n in SCALAR_FEATURES}
    # document a covers heparin, trauma and bleeding between its two sentences; b only heparin
    assert col["document_overlap_question"].tolist() == pytest.approx([3 / 4, 3 / 4, 1 / 4])
    # idf over the pool's 3 sentences: heparin in 2, trauma and bleed in 1, caus in none
    idf = {
        "heparin": np.log(4 / 3) + 1,
        "trauma": np.log(2) + 1,
        "bleed": np.log(2) + 1,
        "caus": np.log(4) + 1,
    }
    total = sum(idf.values())
    a = (idf["heparin"] + idf["trauma"] + idf["bleed"]) / total
    b = idf["heparin"] / total
    assert col["document_overlap_rare"].tolist() == pytest.approx([a, a, b])
    assert col["document_overlap_rare_minus_best"].tolist() == pytest.approx([0.0, 0.0, b - a])


_FEATURES_IN_A_PROCESS = """
import sys
from conftest import make_hit
from rag.answer.select.candidates import candidates
from rag.answer.select.features import featurize
from rag.embed.embedder import HashingEmbedder

question = (
    "Do heparin, enoxaparin, warfarin, aspirin or filters cause bleeding, thrombocytopenia, migration, "
    "occlusion, embolism or death after trauma surgery?"
)
pool = candidates([
    make_hit("a", "Enoxaparin caused bleeding after trauma surgery. Heparin caused thrombocytopenia. "
             "Warfarin caused bleeding."),
    make_hit("b", "Filter migration and occlusion followed surgery. Aspirin caused no embolism.", rank=2),
    make_hit("c", "Death after trauma was rare. Heparin and aspirin were given after surgery.", rank=3),
])
emb = HashingEmbedder()
x = featurize(question, emb.embed([question])[0], pool, emb.embed([c.text for c in pool]))
sys.stdout.write(x.tobytes().hex())
"""


def test_features_do_not_depend_on_the_string_hash_seed() -> None:
    """Set order follows PYTHONHASHSEED; sums over sets of IDF weights must not (bit-for-bit retraining).
    With plain ``sum`` this pool's features differ in the last bit under seed 7."""
    outputs = set()
    for seed in map(str, range(8)):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(Path(__file__).parent)}
        run = subprocess.run(
            [sys.executable, "-c", _FEATURES_IN_A_PROCESS],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1


def test_a_refusal_names_the_first_stages_top_document_unless_a_neighbour_has_a_better_sentence() -> None:
    from rag.answer.select.rerank import CLOSEST_WEIGHT, closest_documents

    assert CLOSEST_WEIGHT == 0.5
    first_stage = ["a", "b", "c"]
    documents = ["a", "b", "c", "c"]
    # a refused question's sentences are all unlikely: a (0.5 + 0.015) stays ahead of c's better sentence
    # (0.5 / 3 + 0.025), and of b (0.5 * 2 / 3)
    probs = np.array([0.03, 0.0, 0.05, 0.01])
    assert closest_documents(first_stage, documents, probs, 1) == ["a"]
    assert closest_documents(first_stage, documents, probs, 3) == ["a", "b", "c"]
    assert closest_documents(["z", *first_stage], documents, probs, 1) == ["a"]  # z: no scored sentence
    # of twenty documents, a neighbour's sentence decides: b (0.5 * 19 / 20 + 0.04) over a (0.5)
    twenty = [*first_stage, *(f"d{i}" for i in range(17))]
    assert closest_documents(twenty, documents, np.array([0.0, 0.08, 0.0, 0.0]), 1) == ["b"]

    question = "Does heparin cause bleeding in trauma?"
    hits = [
        make_hit("first", "Anticoagulation was studied in many injured adults.", 1),
        make_hit("second", "Heparin causes bleeding after trauma in some patients.", 2),
    ]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    answer = compose(question, pool, cosine_selector(0.9))  # abstains
    assert answer.insufficient_evidence
    assert [r.doc_id for r in answer.references] == ["first"]  # not the higher-cosine "second"


# -- policy -------------------------------------------------------------------------------------
def test_policy_abstains_cites_one_or_several_and_caps_documents() -> None:
    policy = Policy(abstain=0.3, include=0.5, relative=0.5, max_sentences=3, max_documents=2)
    docs = ["a", "a", "b", "c"]
    assert choose(np.array([0.2, 0.1, 0.1, 0.05]), docs, None, policy) == []  # nothing answers
    assert choose(np.array([0.4, 0.1, 0.1, 0.05]), docs, None, policy) == [0]  # only the best one
    assert choose(np.array([0.9, 0.8, 0.7, 0.6]), docs, None, policy) == [0, 1, 2]  # capped at 3
    assert choose(np.array([0.9, 0.2, 0.8, 0.7]), docs, None, policy) == [0, 2]  # c is a third document
    same = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])
    assert choose(np.array([0.9, 0.8, 0.7, 0.1]), docs, same, policy) == [0, 2]  # near-duplicate dropped


def test_a_lesser_study_takes_its_places_last_and_never_raises_the_bar_for_the_others() -> None:
    """The figures of "Does hyperbaric oxygen help cerebral arterial gas embolism?" on the demo index:
    a swine study's sentences (0.96, 0.94) would set the bar at 0.3 × 0.96 = 0.29 and leave out the
    study in patients (0.245, 0.239); marked ``later``, they no longer do, and they come after it."""
    policy = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)
    docs = ["swine", "swine", "patients", "patients", "other"]
    probs = np.array([0.96, 0.94, 0.245, 0.239, 0.1])
    animal = [True, True, False, False, False]
    assert choose(probs, docs, None, policy) == [0, 1]
    assert choose(probs, docs, None, policy, later=animal) == [2, 3, 0]
    # only the lesser study qualifies: it is cited as before; nothing qualifies: the best alone
    assert choose(np.array([0.96, 0.94, 0.15, 0.1, 0.1]), docs, None, policy, later=animal) == [0, 1]
    assert choose(np.array([0.15, 0.1, 0.12, 0.1, 0.1]), docs, None, policy, later=animal) == [0]
    # abstention follows the best probability, whoever has it
    assert choose(np.array([0.08, 0.05, 0.05, 0.01, 0.0]), docs, None, policy, later=animal) == []
    assert choose(probs, docs, None, policy, later=[False] * 5) == choose(probs, docs, None, policy)


# -- source markers -----------------------------------------------------------------------------
# Real strings from ../shared/data/pdfs (pypdf text of the first pages).
REAL_MARKERS = [
    ("as the primary DVT prophy- lactic agent [10].", "as the primary DVT prophy- lactic agent¹⁰."),
    (
        "more common than appreciated in fungi20 prompted us",
        "more common than appreciated in fungi²⁰ prompted us",
    ),
    (
        "from all existing lineages4,6,21 for DNA mycoviruses",
        "from all existing lineages⁴,⁶,²¹ for DNA mycoviruses",
    ),
    ("during translation5,6", "during translation⁵,⁶"),
    ("ancestral protein reconstruction5. The optimal", "ancestral protein reconstruction⁵. The optimal"),
    ("[27–29], RecJ exonuclease [30], MRE11 [31], as well", "²⁷⁻²⁹, RecJ exonuclease³⁰, MRE11³¹, as well"),
    ("Transformer-based1 language models", "Transformer-based¹ language models"),
]
NOT_MARKERS = [
    "in agreement with dip1 and pwwp3 mutant phenotypes",
    "Genome-wide transcriptome analysis of dana1 mutants",
    "IL6, CD4, COVID-19 and type 2 diabetes in 2010.",
    "bleeding in 12 patients (n = 12) and (12%) at 0.5 mg",
    # a formula's subscript as PubMed writes it (PubMed 16465002, in the demo corpus)
    "In only 89/754(11.8%) pairs, the EtCO(2) was higher than the PaCO(2).",
]


@pytest.mark.parametrize(("raw", "shown"), REAL_MARKERS)
def test_source_reference_markers_are_rendered_as_theirs(raw: str, shown: str) -> None:
    assert source_markers(raw)
    assert display(raw) == shown
    assert not OUR_CITATION.search(display(raw))


@pytest.mark.parametrize("text", NOT_MARKERS)
def test_gene_names_doses_and_counts_are_not_markers(text: str) -> None:
    assert source_markers(text) == [] and display(text) == text


def test_a_marker_glued_to_a_word_is_told_from_a_formulas_subscript() -> None:
    """After a lower-case letter a parenthesised number is the source's marker; after a capital, with
    no space, it is a subscript as PubMed writes formulas ("CO(2)")."""
    assert display("heparin induced thrombocytopenia(12).") == "heparin induced thrombocytopenia¹²."
    assert display("arterial CO (2).") == "arterial CO².", "with a space it is a marker after any letter"
    assert display("the PaCO(2) was 40 mmHg") == "the PaCO(2) was 40 mmHg"


# -- the answer's shape -------------------------------------------------------------------------
def test_a_study_in_animals_never_leads_the_bottom_line_over_one_in_people() -> None:
    """The swine study quotes the question's words more closely (a higher probability), but the
    bottom line comes from the study in patients, and the animal study is introduced as one."""
    question = "Does hyperbaric oxygen improve cerebral function after gas embolism?"
    hits = [
        make_hit(
            "swine",
            "Hyperbaric oxygen did not improve cerebral function after gas embolism.",
            1,
            year=2013,
            mesh=("Animals", "Embolism, Air", "Swine"),
        ),
        make_hit("patients", "Hyperbaric oxygen improved outcome after cerebral gas embolism.", 2, year=2012),
    ]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    selector = cosine_selector(0.75)  # cosines 0.87 and 0.76: both cited, the swine study's more likely
    answer = compose(question, pool, selector)
    probs = selector.score(question, pool.question_vector, pool.candidates, pool.vectors)
    assert probs[0] > probs[1] > 0.5
    assert answer.bottom_line and answer.bottom_line.startswith(
        "A 2012 study [1] found: «Hyperbaric oxygen improved"
    )
    assert [(f.n, f.design) for f in answer.findings] == [(2, "animal study")]
    assert answer.findings[0].text.startswith("A 2013 animal study [2] found: «")
    # a bar set by the swine study's probability (99 % of it) does not leave the study in patients out
    strict = Policy(abstain=0.1, include=0.5, relative=0.99, max_sentences=1, max_documents=1)
    assert probs[1] < 0.99 * probs[0]
    answer = compose(question, pool, selector, policy=strict)
    assert [r.doc_id for r in answer.references] == ["patients"]


def test_bottom_line_from_the_strongest_study_then_one_finding_per_study() -> None:
    question = "Does heparin cause bleeding after trauma?"
    hits = [
        make_hit(
            "case",
            "Heparin caused bleeding after trauma in our patient [4].",
            1,
            publication_types=("Case Reports",),
        ),
        make_hit(
            "sr",
            "Heparin causes bleeding after trauma in some patients.",
            2,
            year=2010,
            publication_types=("Systematic Review",),
            title="A systematic review of heparin",
        ),
    ]
    answer = compose(question, evidence_pool(question, hits, HashingEmbedder(), {}), cosine_selector(0.05))
    assert not answer.insufficient_evidence and answer.selector == "cosine-test"
    assert (
        answer.bottom_line
        == "A 2010 systematic review [1] found: «Heparin causes bleeding after trauma in some patients.»"
    )
    assert [r.doc_id for r in answer.references] == ["sr", "case"]
    assert [(f.n, f.design, f.year) for f in answer.findings] == [(2, "case report", 2020)]
    assert (
        answer.findings[0].text
        == "A 2020 case report [2] found: «Heparin caused bleeding after trauma in our patient⁴.»"
    )
    assert answer.findings[0].quote == "Heparin caused bleeding after trauma in our patient⁴."
    assert answer.citations[1].quote == "Heparin caused bleeding after trauma in our patient [4]."  # verbatim
    assert {int(n) for n in OUR_CITATION.findall(answer.answer)} == {1, 2}  # no foreign [4]
    shown = [answer.bottom_line, *(f.quote for f in answer.findings)]
    assert sum(s.count("Heparin causes bleeding") for s in shown) == 1  # never shown twice


def test_the_bottom_line_is_the_study_that_gives_the_kind_of_answer_asked_for() -> None:
    """ "What is the incidence of air embolism after lung biopsy?" on the demo index: two case
    reports, the 2018 one's advice to scan the likelier (p 0.75), the 2017 one's rate an answer-type
    addition (p 0.21), its treatment below the bar (p 0.1). The rate is the answer, and the study
    saying nothing of how often is left out. Asked how it is treated, both stay (a treatment is said
    in too many ways to leave a study out), the one saying how first. Asked whether it happens, no
    kind: the likeliest leads."""
    advice = "If air embolism occurs, we recommend performing a delayed chest CT scan."
    rate = "Systemic air embolism occurs in around 0.001-0.003% of lung biopsy procedures."
    treated = "Hyperbaric oxygen therapy is the definitive treatment of systemic air embolism."
    hits = [
        make_hit("29374459", advice, 1, year=2018, publication_types=("Case Reports",)),
        make_hit("28660818", f"{rate} {treated}", 2, year=2017, publication_types=("Case Reports",)),
    ]
    policy = Policy(abstain=0.1, include=0.2, relative=0.2, max_sentences=3, max_documents=2)
    selector = FixedSelector({advice: 0.75, rate: 0.21, treated: 0.1}, policy)

    def answer(question: str):  # type: ignore[no-untyped-def]
        return compose(question, evidence_pool(question, hits, HashingEmbedder(), {}), selector)

    incidence = answer("What is the incidence of air embolism after lung biopsy?")
    assert incidence.bottom_line == f"A 2017 case report [1] found: «{rate}»"
    assert [r.doc_id for r in incidence.references] == ["28660818"]
    treatment = answer("How is air embolism treated?")
    assert treatment.bottom_line is not None and treated in treatment.bottom_line
    assert [r.doc_id for r in treatment.references] == ["28660818", "29374459"]
    assert [r.doc_id for r in answer("Does air embolism occur after lung biopsy?").references] == [
        "29374459",
        "28660818",
    ]


# Sentences that report other work, from the demo corpus's heart failure PDF and SciFact abstracts,
# and sentences of a study's own work that must not be framed as citing others.
OTHER_WORK = [
    "Evangelista et al.17 found that through homebased exercise training with advanced heart failure "
    "patients, adherence to exercise was associated with more favourable clinical outcomes.",
    "Copeptin is the C-terminal part of provasopressin and has been shown to be a useful tool to "
    "indicate AVP concentration in critically ill patients.",
    "It has been previously reported that FP isolated from cocoa can potentially modulate the level "
    "and production of several signaling molecules.",
    "Previous studies have shown that shaving increases the risk of wound infection.",
]
OWN_WORK = [
    "Structured rehabilitation programmes are effective in enabling patients to develop lifestyle "
    "skills to live with heart failure.",
    "Like Smith et al., we found that shaving increased the risk of wound infection.",
    "The risks of heparin include bleeding and heparin induced thrombocytopenia.",
    "In this study, shaving has been shown to increase the risk of wound infection.",
]


@pytest.mark.parametrize("text", OTHER_WORK)
def test_a_sentence_reporting_other_work_is_recognised(text: str) -> None:
    assert cites_other_work(text)


@pytest.mark.parametrize("text", OWN_WORK)
def test_a_studys_own_finding_is_not_taken_for_other_work(text: str) -> None:
    assert not cites_other_work(text)


def test_a_quote_reporting_other_work_is_not_framed_as_the_studys_finding() -> None:
    question = "Does exercise training help patients with heart failure?"
    text = (
        "Exercise training helps patients with heart failure feel better. Evangelista et al. found that "
        "exercise training helps patients with heart failure live longer [17]. Exercise training helps "
        "patients with heart failure sleep."
    )
    hits = [make_hit("hf", text, 1, year=2010, title="Heart failure programmes")]
    answer = compose(question, evidence_pool(question, hits, HashingEmbedder(), {}), cosine_selector(0.05))
    assert len(answer.citations) == 3 and answer.bottom_line is not None
    statements = [answer.bottom_line, *(f.text for f in answer.findings)]
    for shown in statements:
        assert ("Evangelista" in shown) == (", citing other work: «" in shown)
        assert ("Evangelista" in shown) != ("found: «" in shown)
    assert sum("Evangelista" in shown for shown in statements) == 1
    # the study's own sentences are its bottom line; the other work is a finding of its own
    assert answer.bottom_line.startswith("A 2010 study [1] found: «Exercise training helps")
    (other,) = answer.findings
    assert other.text == f"The same study [1] also reports, citing other work: «{other.quote}»"
    assert other.quote.startswith("Evangelista et al.") and "feel better" not in other.quote


def test_more_from_the_bottom_lines_study_is_a_finding_that_says_so() -> None:
    question = "Does heparin cause bleeding after trauma?"
    text = (
        "Heparin causes bleeding after trauma. Heparin causes bleeding after trauma in the elderly. "
        "Heparin causes bleeding after trauma in children."
    )
    hits = [make_hit("sr", text, 1, year=2010, publication_types=("Systematic Review",), title="Heparin")]
    answer = compose(question, evidence_pool(question, hits, HashingEmbedder(), {}), cosine_selector(0.05))
    assert len(answer.citations) == 3 and answer.bottom_line is not None
    assert answer.bottom_line.startswith("A 2010 systematic review [1] found: «")
    (finding,) = answer.findings
    assert finding.text == f"The same systematic review [1] also found: «{finding.quote}»"
    assert (finding.n, finding.design, finding.year) == (1, "systematic review", 2010)
    assert finding.quote not in answer.bottom_line  # two sentences in the bottom line, the third here
    assert answer.answer == f"{answer.bottom_line} {finding.text}"


def test_a_studys_sentences_are_quoted_in_its_own_order_with_gaps_marked() -> None:
    """The selector prefers the later sentence, but «…» reads as the study wrote it: the earlier one
    first, and an ellipsis where a sentence between them was left out."""
    question = "Does heparin cause bleeding after trauma?"
    first = "Heparin was given after trauma and some bleeding followed."
    unrelated = "Patients were recruited in three hospitals over two years of enrolment."
    best = "Heparin causes bleeding after trauma."
    selector = cosine_selector(0.3)
    for text, joined in (
        (f"{first} {unrelated} {best}", f"{first} … {best}"),
        (f"{unrelated} {first} {best}", f"{first} {best}"),
    ):
        hits = [make_hit("sr", text, 1, year=2010, publication_types=("Systematic Review",))]
        pool = evidence_pool(question, hits, HashingEmbedder(), {})
        probs = selector.score(question, pool.question_vector, pool.candidates, pool.vectors)
        by_text = dict(zip((c.text for c in pool.candidates), probs, strict=True))
        assert by_text[best] > by_text[first] > 0.5 > by_text[unrelated]
        answer = compose(question, pool, selector)
        assert [c.quote for c in answer.citations] == [best, first]  # the selector's order
        assert answer.bottom_line == f"A 2010 systematic review [1] found: «{joined}»"


@pytest.mark.parametrize("overlap", [0, 1])
def test_sentences_that_follow_each_other_across_passages_are_quoted_without_a_gap(overlap: int) -> None:
    """Chunked as at ingest, two sentences in a row can come from two passages (which overlap by a
    sentence, or meet at a section boundary): they are still one stretch of the study's text."""
    from rag.answer.select.candidates import Candidate
    from rag.answer.shape import joined
    from rag.chunking import ChunkingParams, chunk_document
    from rag.types import Citation, Document, DocumentInfo, Hit, Section

    sentences = [f"Sentence {word} of the abstract is here." for word in ("one", "two", "three", "four")]
    doc = Document(doc_id="d", title="T", sections=(Section(text=" ".join(sentences)),))
    passages = chunk_document(doc, ChunkingParams(chunk_words=14, overlap_sentences=overlap))
    assert len(passages) >= 2 and passages[1].char_start > 0
    info = DocumentInfo(doc_id="d", title="T", chars=len(" ".join(sentences)))
    hits = [Hit(passage=p, document=info, rank=p.ordinal + 1, score=1.0) for p in passages]

    def cited(text: str) -> tuple[Citation, Candidate]:
        hit, index = next(
            (h, i)
            for h in reversed(hits)
            for i, (a, b) in enumerate(h.passage.sentences)
            if h.text[a:b] == text
        )
        start, end = hit.passage.sentences[index]
        quote = Citation(
            n=1, doc_id="d", passage_id=hit.passage_id, page=None, quote=text, score=1.0, display=text
        )
        return quote, Candidate(hit=hit, index=index, start=start, end=end)

    two, three, four = (cited(s) for s in sentences[1:])
    assert two[1].hit.passage_id != three[1].hit.passage_id
    assert joined([three, two]) == f"{sentences[1]} {sentences[2]}"
    assert joined([four, two]) == f"{sentences[1]} … {sentences[3]}"


def test_a_follow_up_quotes_its_answer_again_rather_than_a_weak_new_sentence() -> None:
    """Sentences shown in earlier turns still set the bar: a new sentence is cited only if it
    clears it; if none does, the shown one is still the answer and is quoted again. "Tell me more
    about [1]" (``more``) asks for what was not shown, judged on its own."""
    question = "Do coils cause fewer complications than hook wires?"
    best = "Coils cause fewer complications than hook wires in nodule localization."
    weak = "Hook wires were placed in children with few complications."
    hits = [
        make_hit("coil", best, 1),
        make_hit("ggo", "Lung ground glass opacities carry a high risk of malignancy in nodules.", 2),
        make_hit("ped", weak, 3),
    ]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    policy = Policy(abstain=0.01, include=0.02, relative=0.5, max_sentences=3, max_documents=2)
    shown = frozenset({best})

    def quoted(selector: Selector, *, more: bool = False) -> list[str]:
        answer = compose(question, pool, selector, policy=policy, exclude=shown, more=more)
        again = bool(
            answer.bottom_line and answer.bottom_line.startswith("As quoted above, a 2020 study [1]")
        )
        assert again == (answer.citations[0].quote in shown)  # a quote shown before says so
        return [c.quote for c in answer.citations]

    strict = cosine_selector(0.5)  # cosines 0.78 / 0.43: probabilities about 1 and 0.024
    probs = strict.score(question, pool.question_vector, pool.candidates, pool.vectors)
    assert probs[0] > 0.99 and policy.abstain < probs[2] < policy.relative * probs[0]
    assert quoted(strict) == [best]  # was: the children sentence, the best of what was left
    assert quoted(strict, more=True) == [weak]
    lenient = cosine_selector(0.4)  # the children sentence now clears half the best: it is new
    assert quoted(lenient) == [weak]


def test_design_and_introduction_come_from_metadata() -> None:
    assert design_of("meta-analysis / systematic review", "A meta-analysis of X") == "meta-analysis"
    assert design_of("cohort / observational", "") == "observational study"
    assert design_of(None, "") == "study"
    assert introduce("observational study", None, 2) == "An observational study [2]"
    assert introduce("randomised controlled trial", 2019, 1) == "A 2019 randomised controlled trial [1]"


# -- loading and training -----------------------------------------------------------------------
def test_unknown_selectors_fail_with_a_fix() -> None:
    with pytest.raises(InvalidInput, match="unknown selector"):
        load_selector("no-such-selector")
    with pytest.raises(InvalidInput, match="selector.json"):
        load_selector(str(FIXTURES))  # a folder without an artifact


def test_a_selector_over_vector_products_refuses_vectors_of_another_model() -> None:
    from rag.answer.select.features import feature_names
    from rag.answer.select.model import FeatureSelector

    names = list(feature_names(384))
    spec = {
        "features": names,
        "mean": [0.0] * len(names),
        "scale": [1.0] * len(names),
        "layers": [{"weight": [[0.0]] * len(names), "bias": [0.0]}],
        "policy": Policy().to_dict(),
    }
    selector = FeatureSelector(spec, name="products-384")
    hit = make_hit("d", "Heparin significantly reduced clots in trauma patients.")
    pool = evidence_pool("heparin", [hit], HashingEmbedder(), {})  # 256-dimensional vectors
    with pytest.raises(InvalidInput, match="another embedding model"):
        selector.score("heparin", pool.question_vector, pool.candidates, pool.vectors)


def test_a_selector_trained_before_the_document_coverage_features_still_scores() -> None:
    from rag.answer.select.model import FeatureSelector

    old = list(SCALAR_FEATURES[: SCALAR_FEATURES.index("document_overlap_rare")])  # the 37 of before
    spec = {
        "features": old,
        "mean": [0.0] * len(old),
        "scale": [1.0] * len(old),
        "layers": [{"weight": [[10.0 if f == "cosine" else 0.0] for f in old], "bias": [0.0]}],
        "policy": Policy().to_dict(),
    }
    hit = make_hit("d", "Heparin significantly reduced clots in trauma patients. The weather was mild today.")
    pool = evidence_pool("heparin clots", [hit], HashingEmbedder(), {})
    p = FeatureSelector(spec, name="old").score(
        "heparin clots", pool.question_vector, pool.candidates, pool.vectors
    )
    cos = pool.vectors @ pool.question_vector
    assert p == pytest.approx(1 / (1 + np.exp(-10.0 * cos)), abs=1e-5)


def _rag(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
    )


def _train(out: Path, cache: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    data = ["--data", str(MINI), "--model", "hashing-256", "--index-cache", str(cache)]
    return _rag("train", "selector", *data, "--out", str(out), "--quiet", env=env)


def test_train_selector_is_reproducible_and_loadable(tmp_path: Path) -> None:
    first = _train(tmp_path / "a", tmp_path / "cache")
    assert first.returncode == 0, first.stderr
    second = _train(tmp_path / "b", tmp_path / "cache")
    assert second.returncode == 0, second.stderr
    a = json.loads((tmp_path / "a" / "selector.json").read_text())
    b = json.loads((tmp_path / "b" / "selector.json").read_text())
    model = [k for k in ("mean", "scale", "layers", "trees") if k in a]
    for key in ("features", *model, "policy", "rerank_weight", "cross_validation"):
        assert a[key] == b[key], key  # bit-for-bit on the same machine
    assert a["training"]["claims"] == 7 and a["training"]["positives"] >= 6
    card = (tmp_path / "a" / "MODEL_CARD.md").read_text()
    assert "train split only" in card and "CC BY-NC 2.0" in card
    selector = load_selector(str(tmp_path / "a"))
    assert selector.policy == Policy(**a["policy"])
    refused = _rag("train", "selector", "--data", str(MINI), "--split", "test", "--out", str(tmp_path / "c"))
    assert refused.returncode == 2 and "test split" in refused.stderr


def test_train_selector_learns_from_the_configured_first_stage(tmp_path: Path) -> None:
    """The candidates come from the first stage the service will use (RAG_* settings), which the
    artifact records: one answer passage per claim gives fewer candidate sentences."""
    default = _train(tmp_path / "a", tmp_path / "cache")
    assert default.returncode == 0, default.stderr
    narrow = _train(
        tmp_path / "b", tmp_path / "cache", env={"RAG_ANSWER_PASSAGES": "1", "RAG_FUSION_WEIGHTS": "[0, 1]"}
    )
    assert narrow.returncode == 0, narrow.stderr
    a = json.loads((tmp_path / "a" / "selector.json").read_text())["training"]
    b = json.loads((tmp_path / "b" / "selector.json").read_text())["training"]
    first_stage = {"mode": "hybrid", "fusion": "rrf"}
    assert a["retrieval"] == {**first_stage, "fusion_weights": None, "answer_passages": 30}
    assert b["retrieval"] == {**first_stage, "fusion_weights": [0.0, 1.0], "answer_passages": 1}
    assert 0 < b["sentences"] < a["sentences"]
    card = (tmp_path / "b" / "MODEL_CARD.md").read_text()
    assert "fusion rrf, weights [0.0, 1.0], answer passages 1." in card


def test_cross_validation_keeps_claims_of_one_document_together() -> None:
    from rag.eval.examples import ClaimExamples
    from rag.eval.train_selector import grouped_folds

    def claim(qid: str, docs: set[str]) -> ClaimExamples:
        empty = np.zeros((0, 1), dtype=np.float32)
        return ClaimExamples(
            qid, qid, empty, np.zeros(0), [], [], empty, [], frozenset(), frozenset(docs), []
        )

    docs = [{"a"}, {"a"}, {"b"}, {"c", "d"}, {"d"}, {"e"}, {"f"}, {"g"}, {"h"}, {"a", "i"}]
    folds = grouped_folds([claim(str(i), d) for i, d in enumerate(docs)], k=3)
    where = {int(i): n for n, fold in enumerate(folds) for i in fold}
    assert sorted(where) == list(range(len(docs)))  # every claim in exactly one fold
    assert where[0] == where[1] == where[9] and where[3] == where[4]


def test_pubmedqa_results_are_unlabelled_not_negatives(tmp_path: Path) -> None:
    """PubMedQA labels only the conclusion: its article's results sentences may answer the question
    too, so they are left out of training (nan) rather than taught as non-evidence; and each question
    is asked again with its article withheld, as one the corpus cannot answer."""
    from rag.eval.examples import label, labelled_rows, unlabelled_sentences
    from rag.eval.pubmedqa import evidence_training_set

    item = {
        "QUESTION": "Does early mobilisation shorten the hospital stay?",
        "CONTEXTS": [
            "Early mobilisation is widely recommended. Its effect on stay is unclear.",
            "Patients walked on day one. Stay fell from 9 to 6 days.",
            "We randomised 120 adults after hip surgery.",
        ],
        "LABELS": ["BACKGROUND", "RESULTS", "METHODS"],
        "LONG_ANSWER": "Early mobilisation shortened the stay.",
        "YEAR": "2010",
    }
    (tmp_path / "ori_pqal.json").write_text(json.dumps({"123": item}))
    dataset, rationales, sentences = evidence_training_set(tmp_path, tmp_path / "out", skip_first=0)
    assert dataset.qrels == {"123": {"123": 1}}
    assert sentences["123"][2:4] == ["Patients walked on day one.", "Stay fell from 9 to 6 days."]
    assert rationales[0]["evidence"]["123"]["sentences"] == [[5]]  # the conclusion
    assert [r["_id"] for r in rationales] == ["123", "123:withheld"]
    assert rationales[1]["withheld"] == ["123"] and rationales[1]["evidence"] == {}  # asked without it
    unknown = unlabelled_sentences(rationales[0])
    assert unknown == {("123", 2), ("123", 3)}  # the two results sentences, not background or methods
    gold = frozenset({("123", 5)})
    assert label(frozenset({("123", 5)}), gold, unknown) == 1.0
    assert label(frozenset({("123", 0)}), gold, unknown) == 0.0
    assert np.isnan(label(frozenset({("123", 3)}), gold, unknown))
    assert label(frozenset({("123", 3), ("123", 5)}), gold, unknown) == 1.0  # gold wins

    from rag.eval.examples import ClaimExamples

    rows = np.arange(8, dtype=np.float32).reshape(4, 2)
    e = ClaimExamples(
        "q", "q", rows, np.array([1, np.nan, 0, np.nan], dtype=np.float32), [], [], rows, [],
        frozenset(), frozenset(), [],
    )  # fmt: skip
    x, y = labelled_rows([e], np.array([1]))
    assert x.tolist() == [[1.0], [5.0]] and y.tolist() == [1.0, 0.0]


def test_policy_tuning_keeps_the_refusal_limit_then_seeks_the_refusal_goal_then_f1() -> None:
    from rag.eval.train_selector import policy_key

    def figures(with_evidence: float, without: float, f1: float) -> dict[str, float]:
        return {"refusal_with_evidence": with_evidence, "refusal_without_evidence": without, "f1": f1}

    over_limit = figures(0.12, 0.60, 0.50)
    short = figures(0.08, 0.44, 0.427)  # F1 higher by 0.001, refuses too few claims without evidence
    nearer = figures(0.097, 0.48, 0.426)
    meets = figures(0.10, 0.50, 0.40)
    also_meets = figures(0.09, 0.55, 0.41)
    ranked = sorted([over_limit, short, nearer, meets, also_meets], key=policy_key, reverse=True)
    assert ranked == [also_meets, meets, nearer, short, over_limit]


def test_training_reports_refusals_on_the_extra_questions() -> None:
    """The model card's PubMedQA line: out-of-fold refusals of questions with and without evidence."""
    from rag.eval.examples import ClaimExamples
    from rag.eval.train_selector import refusal_rates

    def question(qid: str, gold: bool) -> ClaimExamples:
        empty = np.zeros((2, 1), dtype=np.float32)
        covers = [frozenset({("d", 0)}), frozenset({("d", 1)})]
        return ClaimExamples(
            qid, qid, empty, np.zeros(2), ["d", "d"], ["a", "b"], empty, covers,
            frozenset({("d", 0)}) if gold else frozenset(), frozenset({"d"}) if gold else frozenset(), ["d"],
        )  # fmt: skip

    examples = [question("1", True), question("2", True), question("3", False)]
    probs = [np.array([0.9, 0.1]), np.array([0.2, 0.1]), np.array([0.3, 0.2])]
    assert refusal_rates(examples, probs, Policy(abstain=0.5)) == {
        "with_evidence": 2,
        "without_evidence": 1,
        "refusal_with_evidence": 0.5,
        "refusal_without_evidence": 1.0,
    }
