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


def _scanned_signature_page() -> Document:
    """A signature block with a seal over it: title, a scribble read as text, the name, rim specks."""
    from pipeline.model import Block, Line, Page, Stamp, Word

    def line(n: int, y: int, words: list[tuple[str, float, int]]) -> Line:
        return Line(id=f"p1-b1-l{n}", words=[
            Word(id=f"p1-b1-l{n}-w{k}", text=t, confidence=c, bbox=(x, y, x + 80, y + 30))
            for k, (t, c, x) in enumerate(words, 1)])

    lines = [
        line(1, 100, [("PHÓ", 93, 1000), ("CHỦ", 90, 1090), ("TỊCH", 96, 1180)]),  # title, partly under the seal
        line(2, 160, [("L@", 0, 1010), ("VAN", 1, 1100), ("A\\", 15, 1190)]),  # the signature, read as letters
        line(3, 200, [("\\⁄", 52, 1020), ("/", 92, 1110)]),  # seal rim, no letters
        line(4, 260, [("Lê", 88, 1000), ("Thị", 91, 1090), ("Lan", 90, 1180)]),  # the name under the seal
        line(5, 400, [("vụ", 40, 100), ("coi", 35, 190)]),  # unsure words away from the seal stay
    ]
    page = Page(number=1, blocks=[Block(id="p1-b1", kind="signature", lines=lines)],
                stamps=[Stamp(kind="seal", bbox=(950, 60, 1300, 300))])
    doc = Document(source=Source(path="x.png", sha256="0" * 64, pages=1, kind=SourceKind.image), pages=[page])
    rebuild_text(doc)
    return doc


def test_seal_marks_read_as_text_are_dropped_and_recorded(context):
    doc = CorrectStage()(_scanned_signature_page(), context)
    assert doc.raw_text.splitlines()[1] == "L@ VAN A\\"
    assert "L@" not in doc.text and "\\⁄" not in doc.text
    assert doc.text.startswith("PHÓ CHỦ TỊCH\nLê Thị Lan")
    assert "vụ coi" in doc.text
    dropped = [c for c in doc.corrections if c.corrected == ""]
    assert [c.original for c in dropped] == ["L@ VAN A\\", "\\⁄ /"]
    assert all(not c.flagged and c.bbox is not None and c.span is None for c in dropped)
    assert dropped[0].word_ids == ["p1-b1-l2-w1", "p1-b1-l2-w2", "p1-b1-l2-w3"]


def test_specks_and_stray_stops_are_mended_in_the_words(context):
    raw = "Đơn vị thu nộp phi. lệ phí vào ngân sách nhà nước theo quy định.\n- Như trên; «4. ›\n~ Lưu: VT."
    doc = CorrectStage()(_document(raw), context)
    assert doc.text == "Đơn vị thu nộp phí, lệ phí vào ngân sách nhà nước theo quy định.\n- Như trên;\n- Lưu: VT."
    for word in doc.words():
        assert word.text and doc.text[word.span[0]:word.span[1]] == word.text
    dropped = [c for c in doc.corrections if c.corrected == ""]
    assert [c.original for c in dropped] == [" «4. ›"] and not dropped[0].flagged


def test_a_figure_that_breaks_its_columns_total_is_flagged(context):
    rows = [("Xã", "An", "85", "52.200.000"), ("Xã", "Bình", "102", "58.500.000"), ("Xã", "Cát", "61", "51.600.000"),
            ("Xã", "Đông", "96", "50.100.000"), ("Tổng", "cộng", "344", "206.400.000")]
    doc = _document("\n".join(" ".join(row) for row in rows))
    lines = [line for block in doc.pages[0].blocks for line in block.lines]
    for r, line in enumerate(lines):  # (a table's geometry: text read from a file has none)
        for c, word in enumerate(line.words):
            x = 200 + c * 300
            word.bbox = (x, 1000 + r * 60, x + 20 * len(word.text), 1040 + r * 60)
    doc = CorrectStage()(doc, context)
    [flag] = [c for c in doc.corrections if c.original == "58.500.000"]
    assert flag.flagged and flag.corrected == "52.500.000" and flag.bbox is not None
    assert "58.500.000" in doc.text


def test_a_doubted_words_second_reading_is_offered_last(context):
    doc = _document("Kế hoạch số 312/KH-BATUT ngày 05/01/2025 của Ban")
    for word in doc.words():
        word.confidence = 40.0 if word.text == "312/KH-BATUT" else 95.0
        word.second_reading = "312/KH-BATGT" if word.text == "312/KH-BATUT" else word.text
    doc = CorrectStage()(doc, context)
    flagged = [c for c in doc.corrections if c.flagged and c.original == "312/KH-BATUT"]
    assert flagged and flagged[0].alternatives[-1] == "312/KH-BATGT"
    assert "312/KH-BATUT" in doc.text  # offered, never applied
