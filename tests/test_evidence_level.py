"""Evidence levels from PubMed publication types (else the title), as shown beside references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ABSTRACTS, cosine_selector

from rag.answer.evidence_level import evidence_level, level_of
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.index.ingest import ingest
from rag.readers import read_paths
from rag.types import DocumentInfo


@pytest.mark.parametrize(
    ("types", "title", "level"),
    [
        (["Journal Article", "Randomized Controlled Trial"], "", "randomised controlled trial"),
        (["Review", "Meta-Analysis"], "", "meta-analysis / systematic review"),  # the strongest wins
        (["Systematic Review"], "", "meta-analysis / systematic review"),
        (["Practice Guideline"], "", "guideline"),
        (["Clinical Trial, Phase II"], "", "clinical trial"),
        (["Multicenter Study"], "", "cohort / observational"),
        (["Case Reports", "Review"], "", "case report"),
        (["Review"], "", "review"),
        (["Journal Article"], "", "other"),
        ([], "A randomised controlled trial of heparin", "randomised controlled trial"),
        ([], "Heparin after trauma: a case report", "case report"),
        ([], "A review of heparin after trauma", "other"),  # "review" is never guessed from a title
        ([], "", "other"),
        # without MeSH, a title naming laboratory animals; a material's source or a tooth is none
        (
            ["Comparative Study"],
            "Cerebral arterial gas embolism in swine. Comparison of two sites",
            "animal study",
        ),
        ([], "Locoregional opening of the rodent blood-brain barrier for paclitaxel", "animal study"),
        ([], "Porcine dermal collagen implants for ventral hernia repair", "other"),
        ([], "Impacted canine teeth: a case report", "case report"),
    ],
)
def test_levels(types: list[str], title: str, level: str) -> None:
    assert evidence_level(types, title) == level
    assert level_of(DocumentInfo("d", title, publication_types=tuple(types))) == level


@pytest.mark.parametrize(
    ("mesh", "types", "title", "level"),
    [
        # MeSH decides when the record has it (real descriptors of PubMed 23632435 and 12121321)
        (
            ("Animals", "Embolism, Air", "Hyperbaric Oxygenation", "Swine"),
            (),
            "Hyperbaric oxygen in swine",
            "animal study",
        ),
        (
            ("Animals", "Rats", "Mossy Fibers, Hippocampal"),
            (),
            "Do mossy fibers release GABA?",
            "animal study",
        ),
        (("Humans", "Intubation, Intratracheal"), (), "Intubation in rats and humans", "other"),
        # "Animals" and "Humans" both: a laboratory species makes it a study in animals (the dog model of
        # PubMed 6506335, whose title names no animal; human cancer cells in nude mice, 30106121,
        # with a veterinary trial's publication type added here: a trial in animals is not one in people) ...
        (
            ("Animals", "Cerebral Arterial Diseases", "Disease Models, Animal", "Diving", "Dogs", "Humans"),
            ("Comparative Study", "Journal Article"),
            "Cerebral arterial air embolism: I. Is there benefit in beginning HBO treatment at 6 bar?",
            "animal study",
        ),
        (
            ("Animals", "Cell Line, Tumor", "Humans", "Mice, Inbred BALB C", "Mice, Nude"),
            ("Journal Article", "Clinical Trial, Veterinary"),
            "CIP2A depletion potentiates the chemosensitivity of cisplatin",
            "animal study",
        ),
        # ... unless the publication types name a study in people
        (
            ("Animals", "Humans", "Swine"),
            ("Randomized Controlled Trial",),
            "Hyperbaric oxygen",
            "randomised controlled trial",
        ),
        # an animal that is not a laboratory species (the meat of fast food, in the demo corpus), mites
        (
            ("Adult", "Animals", "Asthma", "Cattle", "Child", "Cross-Sectional Studies", "Humans"),
            ("Journal Article",),
            "Fast foods - are they a risk factor for asthma?",
            "other",
        ),
        (("Animals", "Humans", "Mites", "Patch Tests"), (), "Is the atopy patch test specific?", "other"),
        (
            ("Animals", "Humans", "Lung Injury"),
            ("Review",),
            "Systemic air embolism after lung trauma.",
            "review",
        ),
    ],
)
def test_mesh_tells_an_animal_study(
    mesh: tuple[str, ...], types: tuple[str, ...], title: str, level: str
) -> None:
    assert level_of(DocumentInfo("d", title, publication_types=types, mesh=mesh)) == level


def test_stored_publication_types_reach_the_reference(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in ABSTRACTS.read_text().splitlines()]
    target = next(r for r in rows if r["_id"] == "18403944")
    target["metadata"]["publication_types"] = ["Journal Article", "Randomized Controlled Trial"]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ingest(read_paths([corpus]), tmp_path / "i", HashingEmbedder())
    # a bar only the (now) mouse study's sentences clear: with a lower one, three studies in people
    # qualify too and take the places first (``choose(later=...)``)
    engine = Engine(tmp_path / "i", embedder=HashingEmbedder(), selector=cosine_selector(0.3))
    [hit] = [h for h in engine.search("gluten tolerance celiac", k=10) if h.doc_id == "18403944"][:1]
    assert hit.document.publication_types == ("Journal Article", "Randomized Controlled Trial")
    answer = engine.ask("gluten tolerance in celiac disease")
    ref = next(r for r in answer.references if r.doc_id == "18403944")
    assert ref.evidence_level == "randomised controlled trial"


def test_an_animal_study_is_introduced_as_one(tmp_path: Path) -> None:
    """MeSH stored at ingest reaches the hit; the reference's level and the answer's design say so."""
    rows = [json.loads(line) for line in ABSTRACTS.read_text().splitlines()]
    target = next(r for r in rows if r["_id"] == "18403944")
    target["metadata"]["mesh"] = ["Animals", "Celiac Disease", "Glutens", "Mice"]
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    ingest(read_paths([corpus]), tmp_path / "i", HashingEmbedder())
    # a bar only the (now) mouse study's sentences clear: with a lower one, three studies in people
    # qualify too and take the places first (``choose(later=...)``)
    engine = Engine(tmp_path / "i", embedder=HashingEmbedder(), selector=cosine_selector(0.3))
    [hit] = [h for h in engine.search("gluten tolerance celiac", k=10) if h.doc_id == "18403944"][:1]
    assert hit.document.mesh == ("Animals", "Celiac Disease", "Glutens", "Mice")
    answer = engine.ask("gluten tolerance in celiac disease")
    ref = next(r for r in answer.references if r.doc_id == "18403944")
    assert ref.evidence_level == "animal study"
    intro = f"animal study [{ref.n}]"
    assert intro in (answer.bottom_line or "") or any(intro in f.text for f in answer.findings)
