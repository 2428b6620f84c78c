from __future__ import annotations

import json

from pipeline.model import Block, Document, Line, Page, Source, SourceKind, Word
from pipeline.textbuild import PAGE_SEPARATOR, rebuild_text
from scripts.export_schema import SCHEMA_PATH, render


def _document() -> Document:
    doc = Document(source=Source(path="x.png", sha256="0" * 64, pages=2, kind=SourceKind.image))
    for number in (1, 2):
        page = Page(number=number, width=100, height=100, dpi=300)
        block = Block(id=f"p{number}-b1", lines=[
            Line(id=f"p{number}-b1-l1", words=[Word(id=f"p{number}-b1-l1-w1", text="Số:", confidence=91.0,
                                                     bbox=(1, 2, 3, 4)),
                                                Word(id=f"p{number}-b1-l1-w2", text="12/KH-UBND", confidence=88.5,
                                                     bbox=(5, 2, 9, 4))]),
            Line(id=f"p{number}-b1-l2", words=[Word(id=f"p{number}-b1-l2-w1", text="Hà Nội")]),
        ])
        page.blocks = [block, Block(id=f"p{number}-b2", kind="page_number",
                                    lines=[Line(id="n", words=[Word(id="n-w1", text=str(number))])])]
        doc.pages.append(page)
    return doc


def test_committed_schema_is_current():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render(), "run scripts/export_schema.py"


def test_document_round_trips_and_validates(validate_document):
    doc = _document()
    rebuild_text(doc)
    data = doc.to_json()
    validate_document(data)
    assert Document.from_json(data) == doc


def test_text_is_derived_from_words_with_spans():
    doc = _document()
    rebuild_text(doc)
    assert doc.text == f"Số: 12/KH-UBND\nHà Nội{PAGE_SEPARATOR}Số: 12/KH-UBND\nHà Nội"
    for word in doc.words():
        if word.span is not None:
            assert doc.text[word.span[0]:word.span[1]] == word.text
    page_number_words = [w for w in doc.words() if w.id == "n-w1"]
    assert all(w.span is None for w in page_number_words), "page numbers stay out of the text"


def test_unknown_values_are_null():
    data = json.loads(Document(source=Source(path="a", sha256="b", pages=0, kind=SourceKind.text)).to_json())
    assert data["header"]["number"] is None and data["signature"]["signer"] is None
    assert data["status"] == "ok" and data["errors"] == []
