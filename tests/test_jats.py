"""PMC full text (issue 13, item 4): the JATS reader, and one paper from several sources as one
document with the richest text."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import FIXTURES

from api.uploads import sniff
from rag.chunking import full_text
from rag.embed.embedder import HashingEmbedder
from rag.index.ingest import ingest
from rag.index.version import open_index
from rag.readers import read_file, read_paths
from rag.readers.jats import read_jats

PMC = FIXTURES / "pmc"
ARTICLE = PMC / "ohip_nl_18405359.nxml"
RECORD = PMC / "ohip_nl_pubmed.xml"  # the PubMed record of the same article


def test_metadata_sections_and_captions_of_a_research_article() -> None:
    doc = read_jats(ARTICLE)
    assert (doc.doc_id, doc.pmid, doc.doi, doc.year) == (
        "18405359",
        "18405359",
        "10.1186/1472-6831-8-11",
        2008,
    )
    assert doc.journal == "BMC Oral Health" and doc.title.startswith("The Dutch version of the Oral Health")
    assert doc.authors[:2] == ("van der Meulen MJ", "John MT") and doc.extra["pmcid"] == "PMC2329613"
    labels = [s.label for s in doc.sections]
    assert labels[:4] == ["Background", "Methods", "Results", "Conclusion"]  # the abstract first
    assert {"Methods", "Results", "Discussion", "Table 1", "Table 4"} <= set(labels)
    table = next(s for s in doc.sections if s.label == "Table 1")
    assert table.text.startswith("Mean total scores and mean item scores")  # the caption
    assert "Mean total score SD" not in table.text  # not the cells
    results = next(s.text for s in doc.sections[4:] if s.label == "Results")
    assert results.startswith("No difficulties with semantic, experiential, or conceptual equivalence")


def test_references_and_back_matter_are_not_evidence_and_citations_stay_verbatim() -> None:
    doc = read_jats(ARTICLE)
    text = full_text(doc)
    assert "Measuring oral health: a conceptual framework" not in text  # reference B1's title
    assert "pre-publication history" not in text.lower()
    assert "Competing interests" not in {s.label for s in doc.sections}
    assert "health and disease [1]." in text  # the source's own marker, as printed


def test_a_meeting_abstract_without_pmid_takes_its_doi_as_id() -> None:
    doc = read_jats(PMC / "ards_meeting_abstract.nxml")
    assert doc.doc_id == "10.1186/cc11003" and doc.pmid is None and doc.extra["pmcid"] == "PMC3363814"
    assert [s.label for s in doc.sections] == ["Introduction", "Methods", "Results", "Conclusion"]


def test_jats_named_xml_is_read_as_jats_and_uploads_are_recognised(tmp_path: Path) -> None:
    copy = tmp_path / "article.xml"
    shutil.copy(ARTICLE, copy)
    assert [d.doc_id for d in read_file(copy)] == ["18405359"]
    assert sniff(ARTICLE.read_bytes()[:4096]) == "nxml" and sniff(RECORD.read_bytes()[:4096]) == "xml"


def test_pubmed_record_then_full_text_then_record_again_is_one_document_with_the_full_text(
    tmp_path: Path,
) -> None:
    index = tmp_path / "idx"
    first = ingest(read_paths([RECORD]), index, HashingEmbedder())
    assert first.added == 1
    second = ingest(read_paths([ARTICLE]), index, HashingEmbedder())
    assert second.updated == 1 and second.added == 0  # the same PMID: its richer text replaces
    third = ingest(read_paths([RECORD]), index, HashingEmbedder())
    assert third.duplicates == [{"file": str(RECORD), "doc_id": "18405359", "same_as": "18405359"}]
    assert not third.new_version
    store = open_index(index).store
    assert store.doc_ids() == ["18405359"]
    assert "Table 1" in {p.passage.section for p in store.passages_of("18405359")}


def test_a_richer_source_of_a_paper_stored_under_another_id_replaces_it_there(tmp_path: Path) -> None:
    abstract = tmp_path / "library.jsonl"
    record = {"_id": "lib-7", "title": "OHIP-NL", "text": "A Dutch OHIP was validated.",
              "metadata": {"doi": "10.1186/1472-6831-8-11", "journal": "BMC Oral Health"}}  # fmt: skip
    abstract.write_text(json.dumps(record) + "\n")
    index = tmp_path / "idx"
    ingest(read_paths([abstract]), index, HashingEmbedder())
    report = ingest(read_paths([ARTICLE]), index, HashingEmbedder())
    assert report.merged == [{"file": str(ARTICLE), "doc_id": "18405359", "into": "lib-7"}]
    store = open_index(index).store
    doc = store.document("lib-7")
    assert store.doc_ids() == ["lib-7"] and doc is not None  # the id others may cite stays
    assert doc["pmid"] == "18405359" and doc["extra"]["pmcid"] == "PMC2329613"
    assert len(store.document_text("lib-7") or "") > 10_000
    again = ingest(read_paths([ARTICLE]), index, HashingEmbedder())
    assert again.unchanged == 1 and not again.new_version


def test_a_paper_is_matched_by_its_pmcid_too(tmp_path: Path) -> None:
    notes = tmp_path / "notes.jsonl"
    record = {"_id": "note-1", "title": "OHIP-NL", "text": "Notes on the Dutch OHIP.",
              "metadata": {"pmcid": "PMC2329613"}}  # fmt: skip
    notes.write_text(json.dumps(record) + "\n")
    index = tmp_path / "idx"
    ingest(read_paths([notes]), index, HashingEmbedder())
    report = ingest(read_paths([ARTICLE]), index, HashingEmbedder())
    assert report.merged == [{"file": str(ARTICLE), "doc_id": "18405359", "into": "note-1"}]
    assert open_index(index).store.doc_ids() == ["note-1"]
