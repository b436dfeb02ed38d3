from rag.chunking import ChunkingParams, chunk_document, full_text
from rag.errors import InvalidInput
from rag.text.sentences import split_sentences
from rag.types import Document, Section


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_keeps_abbreviations_initials_and_decimals() -> None:
    text = "Smith et al. found a 2.5-fold risk (Fig. 2). J. Doe disagreed, e.g. in children. Why? Unknown!"
    assert sentences(text) == [
        "Smith et al. found a 2.5-fold risk (Fig. 2).",
        "J. Doe disagreed, e.g. in children.",
        "Why?",
        "Unknown!",
    ]


def test_a_countrys_initials_end_no_sentence() -> None:
    # PubMed 23632435 of the demo corpus: the delay was cut off its sentence at "U.S."
    text = (
        "Hyperbaric oxygenation was administered using U.S. Navy Treatment Table 6 after 2- or 4-hour "
        "delay. Control animals were maintained on an inspiratory oxygen fraction of 0.4."
    )
    assert sentences(text) == [
        "Hyperbaric oxygenation was administered using U.S. Navy Treatment Table 6 after 2- or 4-hour delay.",
        "Control animals were maintained on an inspiratory oxygen fraction of 0.4.",
    ]


def test_line_breaks_are_boundaries_and_spans_are_exact() -> None:
    text = "Methods\nWe enrolled 40 patients. Outcomes were recorded."
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["Methods", "We enrolled 40 patients.", "Outcomes were recorded."]


def _doc(*sections: Section) -> Document:
    return Document(doc_id="d1", title="T", sections=sections)


def test_chunks_never_cut_sentences_and_overlap_by_one() -> None:
    body = " ".join(f"Sentence number {i} has exactly seven words." for i in range(10))
    doc = _doc(Section(text=body, label="RESULTS"))
    passages = chunk_document(doc, ChunkingParams(chunk_words=21, overlap_sentences=1))
    text = full_text(doc)
    for p in passages:
        assert text[p.char_start : p.char_end] == p.text
        for s, e in p.sentences:
            assert p.text[s:e].startswith("Sentence number") and p.text[s:e].endswith(".")
        assert p.section == "RESULTS"
    # 3 sentences of 7 words per passage, each passage starting at the previous one's last sentence
    assert [len(p.sentences) for p in passages] == [3, 3, 3, 3, 2]
    assert passages[1].text.startswith("Sentence number 2 ")
    assert [p.passage_id for p in passages] == [f"d1#{i}" for i in range(5)]


def test_long_sentence_is_a_passage_of_its_own() -> None:
    long = "Word " + "word " * 49 + "end."
    doc = _doc(Section(text=f"Short one here. {long} Another short one."))
    passages = chunk_document(doc, ChunkingParams(chunk_words=10, overlap_sentences=0))
    assert [len(p.sentences) for p in passages] == [1, 1, 1]
    assert passages[1].text == long.strip()


def test_labelled_sections_are_not_mixed() -> None:
    doc = _doc(
        Section(text="Background one. Background two.", label="BACKGROUND"),
        Section(text="Results one.", label="RESULTS"),
    )
    passages = chunk_document(doc, ChunkingParams(chunk_words=100, overlap_sentences=1))
    assert [(p.section, p.text) for p in passages] == [
        ("BACKGROUND", "Background one. Background two."),
        ("RESULTS", "Results one."),
    ]


def test_pdf_pages_give_page_ranges_and_sentences_cross_pages() -> None:
    doc = _doc(
        Section(text="First page sentence. A sentence that runs over", page=1),
        Section(text="the page break ends here. Last one.", page=2),
    )
    passages = chunk_document(doc, ChunkingParams(chunk_words=100, overlap_sentences=0))
    assert len(passages) == 1
    p = passages[0]
    assert (p.page_start, p.page_end) == (1, 2)
    quotes = [p.text[s:e] for s, e in p.sentences]
    assert quotes[1] == "A sentence that runs over\n\nthe page break ends here."
    assert p.sentence_pages == (1, 1, 2)


def test_chunk_params_validated() -> None:
    import pytest

    with pytest.raises(InvalidInput, match="at least 1 word"):
        ChunkingParams(chunk_words=0)


def test_a_full_texts_body_starts_after_its_abstract() -> None:
    """``body_start``: the first "Introduction"/"Background" heading line of a PDF, or the end of the
    sections a reader marks as the abstract (JATS); ``None`` for an abstract alone."""
    from conftest import ABSTRACTS, FIXTURES, PDF, PDF_MANIFEST

    from rag.chunking import body_start
    from rag.readers import read_paths

    (review,) = [d for r in read_paths([PDF], PDF_MANIFEST) for d in r.documents]
    text = full_text(review)
    assert body_start(review) == text.index("\nIntroduction\nMultisystem traumatic injury") + 1
    assert text[: body_start(review)].startswith("Abstract\nDeep venous thrombosis prophylaxis")
    assert all(body_start(d) is None for r in read_paths([ABSTRACTS]) for d in r.documents)
    (article,) = [d for r in read_paths([FIXTURES / "pmc" / "ohip_nl_18405359.nxml"]) for d in r.documents]
    abstract = article.extra["abstract_sections"]
    assert [s.label for s in article.sections[:abstract]] == [
        "Background",
        "Methods",
        "Results",
        "Conclusion",
    ]
    assert full_text(article)[body_start(article) :].startswith(article.sections[abstract].text)

    opening = "Background\n" + "An abstract that opens with its own heading. " * 6
    heading_late = _doc(Section(text=opening + "\nIntroduction\n" + "The body. " * 40))
    assert body_start(heading_late) == len(opening) + 1  # the abstract's own heading is not the body's
    past_half = _doc(Section(text="Findings of the study. " * 40 + "\nBackground\nMore text."))
    assert body_start(past_half) is None  # a heading in the second half does not end an abstract
