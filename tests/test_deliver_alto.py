"""ALTO 4 export, validated against the official schema kept in pipeline/deliver/schemas."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from test_deliver_layout import make_document

from pipeline.deliver.alto import ALTO_NS, ALTO_XSD, alto_text, validate_alto, write_alto
from pipeline.model import Block, Document, Line, Page, Provenance, Source, SourceKind, Word
from pipeline.textbuild import rebuild_text

NS = {"a": ALTO_NS}


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def letter(tmp_path_factory):
    out = tmp_path_factory.mktemp("alto")
    doc = make_document(out)
    doc.provenance = Provenance(sohoa_version="0", tesseract_version="5.3.0", processed_at="2026-11-26T10:00:00+00:00")
    path = write_alto(doc, out, "letter")
    return doc, path, etree.parse(str(path)).getroot()


def test_schema_is_the_official_alto_4(letter):
    schema = etree.parse(str(ALTO_XSD)).getroot()
    assert schema.get("targetNamespace") == ALTO_NS


def test_alto_validates(letter):
    _, path, _ = letter
    assert path.name == "letter.alto.xml"
    assert validate_alto(path) == []


def test_validator_rejects_broken_alto(letter):
    _, path, _ = letter
    broken = path.read_bytes().replace(b'WC="0.915"', b'WC="91.5"', 1)
    assert broken != path.read_bytes() and validate_alto(broken)


def test_strings_give_the_document_text(letter):
    doc, path, _ = letter
    assert alto_text(path) == doc.text
    assert fold(alto_text(path)) == fold(doc.text)


def test_structure_positions_and_confidence(letter):
    doc, _, root = letter
    pages = root.findall(".//a:Page", NS)
    assert [p.get("PHYSICAL_IMG_NR") for p in pages] == ["1", "2"]
    assert pages[0].get("WIDTH") == "2480" and pages[0].get("HEIGHT") == "3508"
    first = root.find(".//a:String", NS)
    word = doc.pages[0].blocks[0].lines[0].words[0]
    x0, y0, x1, y1 = word.bbox
    assert first.get("ID") == word.id and first.get("CONTENT") == word.text
    assert (first.get("HPOS"), first.get("VPOS"), first.get("WIDTH"), first.get("HEIGHT")) == tuple(
        str(v) for v in (x0, y0, x1 - x0, y1 - y0))
    assert first.get("WC") == "0.915"
    line = root.find(".//a:TextLine", NS)
    children = [etree.QName(child).localname for child in line]
    assert children == ["String", "SP", "String", "SP", "String", "SP", "String"]


def test_ocr_reading_is_kept_as_alternative(letter):
    _, _, root = letter
    corrected = {s.get("CONTENT"): s.find("a:ALTERNATIVE", NS) for s in root.iterfind(".//a:String", NS)}
    assert corrected["Triển"].text == "Trien" and corrected["Triển"].get("PURPOSE") == "ocr"
    assert corrected["Được"].text == "Đuợc"
    assert corrected["KẾ"] is None


def test_words_without_boxes_still_validate(tmp_path):
    words = [Word(id=f"p1-b1-l1-w{i}", text=t) for i, t in enumerate(["Điều", "1.", "Phạm", "vi"], start=1)]
    doc = Document(source=Source(path="note.txt", sha256="0" * 64, pages=1, kind=SourceKind.text),
                   pages=[Page(number=1, source="text-file",
                               blocks=[Block(id="p1-b1", lines=[Line(id="p1-b1-l1", words=words)])])])
    rebuild_text(doc)
    path = write_alto(doc, tmp_path, "note")
    assert validate_alto(path) == []
    assert alto_text(path) == "Điều 1. Phạm vi"


def test_odd_characters_do_not_break_the_xml(tmp_path):
    doc = make_document(tmp_path)
    words = doc.pages[0].blocks[3].lines[1].words  # "Triển khai thực hiện ..."
    for word, text in zip(words, ["😀", "中文", "x\x07y", "a\u0301"], strict=False):
        word.text = text
    words[0].ocr_text = "bad\x0bchar"
    rebuild_text(doc)
    path = write_alto(doc, tmp_path, "odd")
    assert validate_alto(path) == []
    contents = [s.get("CONTENT") for s in etree.parse(str(path)).getroot().iterfind(".//a:String", NS)]
    start = contents.index("😀")
    assert contents[start:start + 4] == ["😀", "中文", "xy", "á"]
