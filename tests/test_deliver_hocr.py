"""hOCR export, read back with OCRmyPDF's hOCR parser."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from ocrmypdf.hocrtransform import HocrParser
from test_deliver_layout import make_document

from pipeline.deliver.hocr import XHTML, write_hocr


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    out = tmp_path_factory.mktemp("hocr")
    doc = make_document(out)
    return doc, write_hocr(doc, out, "letter")


def test_hocr_parses_with_ocrmypdf(letter):
    doc, path = letter
    page = HocrParser(path).parse()  # the parser reads the first page
    assert (page.bbox.right, page.bbox.bottom) == (2480, 3508) and page.dpi == 300
    words = page.words
    first = doc.pages[0].blocks[0].lines[0].words[0]
    assert words[0].text == first.text and (words[0].bbox.left, words[0].bbox.top) == first.bbox[:2]
    assert words[0].confidence == pytest.approx(0.92, abs=0.01)  # x_wconf 92, read on a 0..1 scale
    expected = [w.text for b in doc.pages[0].blocks if b.kind != "page_number" for ln in b.lines for w in ln.words]
    assert [w.text for w in words] == expected


def test_hocr_pages_and_text(letter):
    doc, path = letter
    root = etree.parse(str(path)).getroot()
    pages = root.findall(f".//{{{XHTML}}}div[@class='ocr_page']")
    assert len(pages) == 2
    assert pages[0].get("title").startswith('image "letter.pages/p0001.png"; bbox 0 0 2480 3508')
    lines = [" ".join("".join(w.itertext()) for w in line) for line in root.iterfind(f".//{{{XHTML}}}span[@class='ocr_line']")]
    assert re.sub(r"\s+", " ", " ".join(lines)) == re.sub(r"\s+", " ", doc.text)
