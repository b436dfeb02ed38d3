from pathlib import Path

import pytest
from conftest import ABSTRACTS, PDF, PDF_MANIFEST, PUBMED
from pypdf import PdfReader, PdfWriter

from rag.errors import ReaderError
from rag.readers import Metadata, read_file, read_paths
from rag.readers.bibliography import load_bibliography
from rag.readers.sidecar import load_sidecar
from rag.text.normalize import normalize_pages


def test_pubmed_fields() -> None:
    docs = {d.doc_id: d for d in read_file(PUBMED)}
    assert len(docs) == 6
    d = docs["31045810"]
    assert d.pmid == "31045810"
    assert d.title.startswith("Cerebral arterial air embolism after computed tomography-guided")
    assert d.journal == "Medicine" and d.year == 2019
    assert d.doi == "10.1097/MD.0000000000015437"
    assert d.authors[0] == "Wang MY"
    assert [s.label for s in d.sections][:3] == ["RATIONALE", "PATIENT CONCERNS", "DIAGNOSIS"]
    assert "Systemic air embolism is a serious complication" in d.sections[-1].text
    assert d.extra["mesh"] and "Case Reports" in d.extra["publication_types"]
    # MedlineDate "2008 Jan-Feb" gives the year; an article without abstract keeps its title as text
    assert docs["17205360"].year == 2008
    assert docs["17179337"].sections[0].label == "TITLE"


def test_jsonl_with_sections() -> None:
    docs = read_file(ABSTRACTS)
    assert len(docs) == 10
    d = docs[0]
    assert d.doc_id == d.pmid == "18005142"
    assert d.sections[-1].label == "CONCLUSIONS"


def test_pdf_pages_metadata_and_normalisation() -> None:
    meta = load_sidecar(PDF_MANIFEST)[PDF.name]
    [doc] = read_file(PDF, Metadata(row=meta))
    assert doc.doc_id == doc.doi == "10.1186/1752-2897-4-1"
    assert doc.journal == "J. Trauma Management & Outcomes" and doc.year == 2010
    assert [s.page for s in doc.sections] == [1, 2]  # pages 3-4 hold only the reference list
    text = " ".join(s.text for s in doc.sections)
    assert "The risks of heparin include bleeding and heparin induced thrombocytopenia." in text
    assert "Page 9 of 11" not in text and "traumamanagement.org" not in text  # running footer
    assert "N Engl J Med" not in text  # the reference list is cut
    assert text.startswith("Abstract")  # title block before the abstract is dropped


def test_normalize_dehyphenates_and_drops_page_numbers() -> None:
    pages = normalize_pages(["The treat-\nment was safe.\n3", "Another page with COVID-\n19 cases.\n4"])
    assert pages == ["The treatment was safe.", "Another page with COVID-19 cases."]


def test_normalize_mends_words_broken_with_a_spaced_hyphen() -> None:
    # as pypdf extracts BMC Genome Biology's 10.1186/s13059-023-02935-8: "glu -" at a line's end
    page = "elevated fasting glu -\ncose levels, known as\nthe phospho -\nrylation of it; 10 -\n20 mg"
    assert normalize_pages([page]) == [
        "elevated fasting glucose levels, known as the phosphorylation of it; 10 -20 mg"
    ]


def _ligature_pdf(path: Path, lines: list[bytes]) -> Path:
    """One page set in a font that draws bytes 1, 2 and 3 as the ligatures "ﬁ", "ﬀ" and "ﬃ" (its
    ToUnicode map says U+FB01, U+FB00, U+FB03), as typeset articles do; pypdf extracts the glyphs."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /L def "
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <20> <7E> <0020> endbfrange "
        b"3 beginbfchar <01> <FB01> <02> <FB00> <03> <FB03> endbfchar endcmap "
        b"CMapName currentdict /CMap defineresource pop end end"
    )
    text = b"BT /F1 10 Tf 40 760 Td 14 TL " + b" ".join(b"(" + ln + b") '" for ln in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def test_pdf_ligatures_are_spelled_out(tmp_path: Path) -> None:
    # a sentence of the shared heart-failure PDF (10.1155/2010/157939), whose "ff" pypdf returns as "ﬀ"
    finding = b"Structured rehabilitation programmes are e\x02ective in enabling patients to develop"
    lines = [b"E\x03cacy of rehabilitation in heart failure", b"Abstract", finding, b"lifestyle skills."]
    lines += [b"Patients signi\x01cantly improved their \x01tness over the \x01rst year of follow-up."] * 3
    pdf = _ligature_pdf(tmp_path / "hf.pdf", lines)
    assert "\ufb00" in PdfReader(pdf).pages[0].extract_text()  # the glyph really is in the PDF
    [doc] = read_file(pdf, Metadata())
    text = " ".join(s.text for s in doc.sections)
    assert "programmes are effective in enabling" in text and "significantly improved" in text
    assert not any("\ufb00" <= ch <= "\ufb06" for ch in text + doc.title)
    assert doc.title == "Efficacy of rehabilitation in heart failure"


def _write_pdf(path: Path, *, encrypt: bool = False) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_bad_pdfs_are_reported_and_the_rest_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf at all")
    _write_pdf(folder / "encrypted.pdf", encrypt=True)
    _write_pdf(folder / "blank.pdf")
    (folder / "good.jsonl").write_text(ABSTRACTS.read_text())
    results = {Path(r.path).name: r for r in read_paths([folder])}
    assert "encrypted" in (results["encrypted.pdf"].error or "")
    assert "no extractable text" in (results["blank.pdf"].error or "")
    assert "not a readable PDF" in (results["corrupt.pdf"].error or "")
    assert len(results["good.jsonl"].documents) == 10


def test_missing_path_and_bad_jsonl(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="no such file"):
        list(read_paths([tmp_path / "nope.pdf"]))
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"_id": "1", "text": "ok"}\n{not json\n')
    [result] = list(read_paths([bad]))
    assert result.error and "bad.jsonl:2" not in result.error  # reason only; the path is the result's
    assert "not a BEIR JSONL record" in result.error


def test_text_file(tmp_path: Path) -> None:
    f = tmp_path / "note.md"
    f.write_text("# A clinical note\n\nAspirin reduced events. It was safe.\n\nSecond paragraph here.\n")
    [doc] = read_file(f)
    assert doc.title == "A clinical note"
    assert [s.text for s in doc.sections] == [
        "Aspirin reduced events. It was safe.",
        "Second paragraph here.",
    ]
    assert doc.doc_id.startswith("sha256:")


@pytest.mark.parametrize("library", ["library.ris", "library.bib"])
def test_ris_and_bibtex_give_pdf_metadata(library: str) -> None:
    [result] = list(read_paths([PDF], PDF.parent / library))
    [doc] = result.documents
    assert doc.doc_id == doc.doi == "10.1186/1752-2897-4-1"
    assert doc.title.startswith("Complications related to deep venous thrombosis prophylaxis")
    assert doc.journal and doc.journal.startswith("Journal of Trauma Management") and doc.year == 2010
    assert doc.authors[0].startswith("Datta")


def test_real_reference_manager_exports_parse() -> None:
    from rag.readers.bibliography import load_bibliography

    ris = load_bibliography(PDF.parent / "library.ris")
    assert len(ris.records) == 2 and ris.records[0]["doi"] == "10.1155/2010/157939"
    assert (
        ris.match("no doi here", "Patient Experiences of Structured Heart Failure Programmes")
        is ris.records[0]
    )
    assert ris.match("see https://doi.org/10.1186/1752-2897-4-1 for details") is ris.records[1]
    assert ris.match("an unrelated page") is None


def test_pubmed_gzip_baseline_and_legacy_medline_root() -> None:
    from conftest import FIXTURES

    baseline = read_file(FIXTURES / "pubmed" / "baseline_slice_4.xml.gz")
    assert len(baseline) == 4 and all(d.pmid and d.year and d.journal for d in baseline)
    legacy = read_file(FIXTURES / "pubmed" / "legacy_medline_3.xml.gz")
    assert len(legacy) == 3 and all(d.pmid and d.year for d in legacy)
    assert any(s.label for d in legacy for s in d.sections)  # structured abstracts keep their labels


def test_a_bibtex_macro_bomb_is_rejected_quickly(tmp_path: Path) -> None:
    """Issue 12, fault 3: 20 doubling @string macros (553 bytes) expanded to a 10 MB title in-process."""
    lines = ['@string{a0 = "AAAAAAAAAA"}'] + [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 21)]
    bomb = tmp_path / "bomb.bib"
    bomb.write_text("\n".join([*lines, "@article{x, title = a20, journal = {J}, year = {2020}}"]) + "\n")
    with pytest.raises(ReaderError, match="expand a field beyond 20000 characters"):
        load_bibliography(bomb)
    loop = tmp_path / "loop.bib"
    loop.write_text('@string{a = b # "x"}\n@string{b = a}\n@article{y, title = a, year = {2020}}\n')
    with pytest.raises(ReaderError, match="in terms of itself"):
        load_bibliography(loop)
    fine = tmp_path / "fine.bib"
    fine.write_text(
        '@string{jt = "J. Trauma"}\n@article{z, title = "A " # "title", journal = jt, month = jan}\n'
    )
    [record] = load_bibliography(fine).records
    assert record["title"] == "A title" and record["journal"] == "J. Trauma"


XML_ARTICLE = """<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&t;</ArticleTitle><Abstract><AbstractText>Text.</AbstractText></Abstract>
</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""


@pytest.mark.parametrize(
    "doctype",
    [
        # entity expansion ("billion laughs", kept small here: the old reader really expanded it)
        '<!DOCTYPE PubmedArticleSet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;"><!ENTITY t "&b;&b;&b;">]>',
        # an external entity (file disclosure)
        '<!DOCTYPE PubmedArticleSet [<!ENTITY t SYSTEM "file:///etc/hostname">]>',
    ],
)
def test_xml_entities_are_refused(tmp_path: Path, doctype: str) -> None:
    """Issue 12, fault 13: all XML through defusedxml."""
    bad = tmp_path / "bad.xml"
    bad.write_text(f'<?xml version="1.0"?>\n{doctype}\n{XML_ARTICLE}')
    [result] = read_paths([bad])
    assert result.documents == () and result.error is not None and "declares entities" in result.error


def test_the_efetch_doctype_line_is_still_read() -> None:
    assert PUBMED.read_text().count("<!DOCTYPE") == 1  # the fixture carries efetch's DOCTYPE
    assert len(read_file(PUBMED)) == 6


def test_title_and_doi_from_the_first_page() -> None:
    from rag.readers.first_page import doi_of, printed_on, title_of

    page = (
        "R E V I E W Open Access\nComplications related to deep venous thrombosis\n"
        "prophylaxis in trauma: a systematic review of the\nliterature\n"
        "Indraneel Datta1, Chad G Ball1*\nAbstract\nJournal of X 2010, 4:1 doi:10.1186/1752-2897-4-1.\n"
    )
    assert title_of(page) == (
        "Complications related to deep venous thrombosis prophylaxis in trauma: a systematic review of the "
        "literature"
    )
    assert doi_of(page) == "10.1186/1752-2897-4-1"
    assert doi_of("bioRxiv 10.1101/2023.12.13.571462doi: preprint") == "10.1101/2023.12.13.571462"
    assert not printed_on("Microsoft Word - draft.docx", page) and printed_on(
        "Complications related to deep venous", page
    )


def test_pubmed_inline_bold_labels_become_sections(tmp_path: Path) -> None:
    """PubMed 28131105 sets an unstructured abstract's labels in bold: each starts a labelled part, so
    «Conclusion CT-guided methylene blue staining …» is not quoted with its heading. Bold that is not
    a heading stays text."""
    xml = tmp_path / "inline.xml"
    xml.write_text(
        "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>28131105</PMID><Article>"
        "<ArticleTitle>Computed Tomography-Guided Methylene Blue Labeling</ArticleTitle><Abstract>"
        "<AbstractText><b>Background</b> Video-assisted thoracic surgery (VATS) is widely used. "
        "<b>Method</b> From April 2013 to October 2016, 11 patients were evaluated. <b>Results</b> Mean "
        "nodule size was 8.7 mm, in <b>all</b> patients. <b>Conclusion</b> CT-guided methylene blue "
        "staining is a safe and feasible technique.</AbstractText></Abstract></Article></MedlineCitation>"
        "</PubmedArticle></PubmedArticleSet>",
        encoding="utf-8",
    )
    [doc] = read_file(xml)
    assert [(s.label, s.text) for s in doc.sections] == [
        ("Background", "Video-assisted thoracic surgery (VATS) is widely used."),
        ("Method", "From April 2013 to October 2016, 11 patients were evaluated."),
        ("Results", "Mean nodule size was 8.7 mm, in all patients."),
        ("Conclusion", "CT-guided methylene blue staining is a safe and feasible technique."),
    ]
