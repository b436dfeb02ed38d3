"""Words a PDF ran together are split into the words the document uses (rag.text.spacing): real runs
from the heart-failure programmes paper (corpus/literature/pdfs, 10.1155/2010/157939) and the
quality-improvement paper (10.1186/1472-6963-14-1)."""

from __future__ import annotations

from pathlib import Path

from rag.readers.pdf import read_pdf
from rag.text.spacing import respace

ROOT = Path(__file__).resolve().parents[1]
PDFS = ROOT / "corpus" / "literature" / "pdfs"


def test_a_run_of_words_is_split_into_the_words_the_document_uses() -> None:
    pages = [
        "And then, when you see other people and start talking about it, it helps.",
        "loneliness and anxiety.\nAndthenwhenyouseeotherpeopleandstart\ntalking about it",
        "Officially, threenursesareondayshiftsandtwoareonnight shifts in each of the wards; three nurses "
        "are on day shifts and two are on night shifts elsewhere.",
    ]
    out = respace(pages)
    assert out[0] == pages[0]
    assert "And then when you see other people and start\ntalking" in out[1]
    assert out[2].startswith("Officially, three nurses are on day shifts and two are on night shifts in each")


def test_a_long_word_names_or_code_stay_whole() -> None:
    """A term the document never repeats, a word that splits without a function word, a split needing
    a piece that is not a word ("methyl transfer as es"), and a name with capitals inside."""
    text = (
        "DNA methyltransferases and restriction enzymes; methyl groups transfer as shown; es. "
        "thrombocytopenia and electroencephalography; DESeqDataSetFromMatrix from the data set matrix; "
        "counterproductive counter productive"
    )
    assert respace([text]) == [text]


def test_the_pdf_reader_splits_the_runs_of_a_real_paper() -> None:
    document = read_pdf(PDFS / "10.1155_2010_157939.pdf")
    text = " ".join(s.text for s in document.sections)
    assert "Andthenwhenyouseeotherpeopleandstart" not in text
    assert "And then when you see other people and start" in text
    assert "might not be available when it was needed" in text
