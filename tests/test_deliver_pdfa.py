"""PDF/A-2b export: searchable text from the corrected words, placed on their boxes."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pikepdf.pdfa import validate_written
from PIL import Image
from rapidfuzz.distance import Levenshtein
from test_deliver_layout import DPI, make_document

from pipeline.deliver.layout import delivered_blocks
from pipeline.deliver.pdfa import write_pdfa
from pipeline.model import Block, Document, Line, Page, Source, SourceKind, Word
from pipeline.textbuild import rebuild_text

POSITION_TOLERANCE_PX = 3


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def cer(expected: str, got: str) -> float:
    expected, got = fold(expected), fold(got)
    return Levenshtein.distance(expected, got) / max(1, len(expected))


def pdf_text(path: Path) -> list[str]:
    """Page texts in content-stream order (the order the words were written in)."""
    with pdfplumber.open(path) as pdf:
        return [page.extract_text(use_text_flow=True) or "" for page in pdf.pages]


def words_outside_boxes(path: Path, doc: Document, *, strict: bool = False) -> list[tuple[int, str]]:
    """Extracted words that do not sit on a recorded word box of their page.

    A word sits on a box when its horizontal centre is inside the box and its
    glyph band (the font-size box pdfplumber reports) overlaps the box
    vertically; ``strict`` asks for the centre point inside the box. The glyph
    band is one font size tall for every word of a line, so a full stop's tiny
    box holds the band's overlap but not always its centre.
    """
    outside = []
    t = POSITION_TOLERANCE_PX
    with pdfplumber.open(path) as pdf:
        for pdf_page, page in zip(pdf.pages, doc.pages, strict=True):
            scale = (page.dpi or 300) / 72.0
            boxes = [w.bbox for b in delivered_blocks(page) for ln in b.lines for w in ln.words if w.bbox]
            for word in pdf_page.extract_words(use_text_flow=True, keep_blank_chars=False):
                cx = (word["x0"] + word["x1"]) / 2 * scale
                top, bottom = word["top"] * scale, word["bottom"] * scale
                if strict:
                    cy = (top + bottom) / 2
                    fits = [b for b in boxes if b[0] - t <= cx <= b[2] + t and b[1] - t <= cy <= b[3] + t]
                else:
                    fits = [b for b in boxes if b[0] - t <= cx <= b[2] + t and top < b[3] + t and bottom > b[1] - t]
                if not fits:
                    outside.append((page.number, word["text"]))
    return outside


def assert_pdfa_2b(path: Path) -> None:
    report = validate_written(path, "2b")
    assert report.passed, report
    with pikepdf.open(path) as pdf:
        meta = pdf.open_metadata()
        assert meta.pdfa_status == "2B"
        assert meta["pdfaid:part"] == "2" and meta["pdfaid:conformance"] == "B"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFA1" and "/DestOutputProfile" in intents[0]
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                assert "/FontFile2" in descendant.FontDescriptor, f"font not embedded: {font.BaseFont}"


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdfa")
    doc = make_document(out)
    return doc, write_pdfa(doc, out, "letter")


def test_pdf_is_pdfa_2b_with_embedded_fonts(letter):
    _, path = letter
    assert path.name == "letter.pdf" and path.read_bytes().startswith(b"%PDF-")
    assert_pdfa_2b(path)


def test_page_size_follows_image_and_dpi(letter):
    doc, path = letter
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == len(doc.pages)
        for pdf_page, page in zip(pdf.pages, doc.pages, strict=True):
            assert pdf_page.width == pytest.approx(page.width * 72 / DPI, abs=0.05)
            assert pdf_page.height == pytest.approx(page.height * 72 / DPI, abs=0.05)
            assert len(pdf_page.images) == 1


def test_text_layer_is_the_corrected_text(letter):
    doc, path = letter
    texts = pdf_text(path)
    for text, page in zip(texts, doc.pages, strict=True):
        assert cer(page.text, text) <= 0.01, (page.text, text)
    whole = "\n".join(texts)
    assert unicodedata.is_normalized("NFC", whole)
    assert "Triển khai thực hiện" in whole and "Nguyễn Văn Được" in whole
    assert "Trien" not in whole.split() and "Đuợc" not in whole  # OCR readings are not in the layer
    assert "1" not in whole.split()  # the page number block is not part of the text


def test_extracted_words_sit_inside_their_boxes(letter):
    doc, path = letter
    assert words_outside_boxes(path, doc) == []
    assert words_outside_boxes(path, doc, strict=True) == []


def test_colour_page_and_jpeg_image(tmp_path):
    doc = make_document(tmp_path, "colour", mode="RGB")
    page = doc.pages[0]
    png = tmp_path / page.image.path
    jpeg = png.with_suffix(".jpg")
    Image.open(png).save(jpeg, quality=90, dpi=(DPI, DPI))
    page.image.path = Path(page.image.path).with_suffix(".jpg").as_posix()
    path = write_pdfa(doc, tmp_path, "sub/colour")
    assert path == tmp_path / "sub" / "colour.pdf"
    assert_pdfa_2b(path)
    assert cer(doc.text, "\n".join(pdf_text(path))) <= 0.01


def test_page_without_image_prints_its_text(tmp_path):
    words = [Word(id=f"p1-b1-l1-w{i}", text=t) for i, t in enumerate(["Văn", "bản", "không", "có", "ảnh"], start=1)]
    doc = Document(source=Source(path="note.txt", sha256="0" * 64, pages=1, kind=SourceKind.text),
                   pages=[Page(number=1, source="text-file",
                               blocks=[Block(id="p1-b1", lines=[Line(id="p1-b1-l1", words=words)])])])
    rebuild_text(doc)
    path = write_pdfa(doc, tmp_path, "note")
    assert_pdfa_2b(path)
    assert fold(pdf_text(path)[0]) == "Văn bản không có ảnh"


def test_empty_document_still_gives_a_valid_pdf(tmp_path):
    doc = Document(source=Source(path="blank.png", sha256="0" * 64, pages=0, kind=SourceKind.image))
    assert_pdfa_2b(write_pdfa(doc, tmp_path, "blank"))


def test_characters_outside_the_font_stay_extractable(tmp_path):
    doc = make_document(tmp_path)
    words = doc.pages[0].blocks[3].lines[1].words  # "Triển khai thực hiện ..."
    for word, text in zip(words, ["中文", "a\u0301", "⁄"], strict=False):
        word.text = text
    rebuild_text(doc)
    path = write_pdfa(doc, tmp_path, "odd")
    assert_pdfa_2b(path)
    text = pdf_text(path)[0]
    assert "中文 á ⁄" in fold(text) and cer(doc.pages[0].text, text) <= 0.01
