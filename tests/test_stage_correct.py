from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import PipelineConfig
from pipeline.model import Document, Source, SourceKind
from pipeline.runner import RunContext
from pipeline.stages.correct import CorrectStage
from pipeline.stages.ingest import document_pages_from_text
from pipeline.textbuild import rebuild_text


def _document(text: str) -> Document:
    doc = Document(source=Source(path="x.txt", sha256="0" * 64, pages=1, kind=SourceKind.text))
    doc.pages = document_pages_from_text(text)
    rebuild_text(doc)
    return doc


@pytest.fixture(scope="module")
def context():
    return RunContext(config=PipelineConfig(), input_path=Path("x.txt"))


def test_applied_changes_rewrite_words_and_keep_the_ocr_reading(context):
    raw = "Cong hoa xa hoi chu nghia Viet Nam\nDoc lap - Tu do - Hanh phuc"
    doc = CorrectStage()(_document(raw), context)
    assert doc.raw_text == raw
    assert doc.text == "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"
    changed = [w for w in doc.words() if w.ocr_text is not None]
    assert changed and all(w.ocr_text != w.text for w in changed)
    for word in doc.words():
        assert doc.text[word.span[0]:word.span[1]] == word.text


def test_corrections_point_at_their_words(context):
    doc = CorrectStage()(_document("Ke hoach trien khai thuc hien Chi thi so 09/CT-UBND"), context)
    by_id = {w.id: w for w in doc.words()}
    assert doc.corrections
    for correction in doc.corrections:
        words = [by_id[i] for i in correction.word_ids if i in by_id]
        assert words and correction.page == 1
        start, end = correction.span
        if not correction.flagged:
            assert doc.text[start:end] == correction.corrected
        else:
            assert doc.text[start:end] == correction.original
    assert "09/CT-UBND" in doc.text


def test_correct_text_is_left_alone(context):
    text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;"
    doc = CorrectStage()(_document(text), context)
    assert doc.text == text and not [c for c in doc.corrections if not c.flagged]


def test_disabled_correction_keeps_raw_text():
    ctx = RunContext(config=PipelineConfig(correction=False), input_path=Path("x.txt"))
    doc = CorrectStage()(_document("Ke hoach"), ctx)
    assert doc.text == doc.raw_text == "Ke hoach" and not doc.corrections


def test_text_layer_pages_get_suggestions_only(context):
    raw = "Kế hoạch của Phòng Giáo dục và Đào tào huyện"
    doc = _document(raw)
    for page in doc.pages:
        page.source = "text-layer"
    doc = CorrectStage()(doc, context)
    assert doc.text == raw  # the letter as issued
    assert any(c.original == "tào" and c.corrected == "tạo" and c.flagged for c in doc.corrections)
