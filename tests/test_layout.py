"""Reading order and block kinds from word boxes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.config import PipelineConfig
from pipeline.model import Block, Document, Line, Page, Source, Word
from pipeline.runner import RunContext
from pipeline.stages.layout import LayoutStage, table_regions
from pipeline.structure.plaintext import document_from_text

CHAR_W, WORD_GAP, HEIGHT = 18, 14, 40
REPO = Path(__file__).resolve().parents[1]


def _line(page: int, block: int, line: int, y: int, runs: list[tuple[int, str]]) -> Line:
    """One Tesseract line made of text runs starting at the given x positions."""
    words: list[Word] = []
    for x, text in runs:
        for token in text.split():
            width = CHAR_W * len(token)
            words.append(Word(id=f"p{page}-b{block}-l{line}-w{len(words) + 1}", text=token, confidence=90.0,
                              bbox=(x, y, x + width, y + HEIGHT)))
            x += width + WORD_GAP
    return Line(id=f"p{page}-b{block}-l{line}", words=words)


def _page(number: int, rows: list[tuple[int, list[tuple[int, str]]]]) -> Page:
    block = Block(id=f"p{number}-b1", lines=[_line(number, 1, i + 1, y, runs) for i, (y, runs) in enumerate(rows)])
    return Page(number=number, width=2000, height=2800, blocks=[block])


BODY = "Căn cứ Chỉ thị số 09/CT-UBND ngày 15 tháng 4 năm 2024 của Ủy ban nhân dân Thành phố về việc;"
FIRST = [
    (100, [(120, "UBND HUYỆN CỦ CHI"), (560, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")]),
    (160, [(100, "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"), (700, "Độc lập - Tự do - Hạnh phúc")]),
    (220, [(150, "Số: 1005/KH-PGDĐT"), (640, "Củ Chi, ngày 11 tháng 6 năm 2024")]),
    (330, [(900, "KẾ HOẠCH")]),
    (390, [(300, "Triển khai thực hiện Chỉ thị số 09/CT-UBND")]),
    (500, [(100, BODY)]),
    (560, [(100, "I. MỤC ĐÍCH, YÊU CẦU")]),
]
SECOND = [
    (60, [(990, "2")]),
    (200, [(100, "Trên đây là Kế hoạch của Phòng Giáo dục và Đào tạo huyện./.")]),
    (300, [(100, "Nơi nhận:"), (1150, "Q. TRƯỞNG PHÒNG")]),
    (350, [(100, "- Như trên;")]),
    (400, [(100, "- Lưu: VT, NHNgọc.")]),
    (600, [(1150, "Nguyễn Văn An")]),
]


def _run(doc: Document, images: dict | None = None) -> Document:
    return LayoutStage()(doc, RunContext(config=PipelineConfig(), input_path=Path("x"), images=images or {}))


def _doc(*pages: Page) -> Document:
    return Document(source=Source(path="x", sha256="0", pages=len(pages), kind="image"), pages=list(pages))


def test_columns_are_split_and_ordered():
    doc = _run(_doc(_page(1, FIRST), _page(2, SECOND)))
    first = [(b.kind, [" ".join(w.text for w in line.words) for line in b.lines]) for b in doc.pages[0].blocks]
    assert first[0] == ("header_left", ["UBND HUYỆN CỦ CHI", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Số: 1005/KH-PGDĐT"])
    assert first[1] == ("header_right", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                                         "Củ Chi, ngày 11 tháng 6 năm 2024"])
    assert [kind for kind, _ in first[2:]] == ["text"] * (len(first) - 2)
    second = {b.kind: [" ".join(w.text for w in line.words) for line in b.lines] for b in doc.pages[1].blocks}
    assert second["page_number"] == ["2"]
    assert second["recipients"] == ["Nơi nhận:", "- Như trên;", "- Lưu: VT, NHNgọc."]
    assert second["signature"] == ["Q. TRƯỞNG PHÒNG", "Nguyễn Văn An"]
    assert [b.kind for b in doc.pages[1].blocks][-2:] == ["recipients", "signature"]
    assert "2\n" not in doc.text.split("\f")[1][:3]  # the page number is out of the text
    assert doc.text.startswith("UBND HUYỆN CỦ CHI\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO\nSố: 1005/KH-PGDĐT\n\nCỘNG HÒA")


def test_word_ids_are_kept():
    before = {w.id: w.text for p in _doc(_page(1, FIRST)).pages for b in p.blocks for line in b.lines for w in line.words}
    doc = _run(_doc(_page(1, FIRST)))
    after = {w.id: w.text for w in doc.words()}
    assert before == after


def test_structure_after_layout():
    from pipeline.stages.structure import StructureStage

    doc = _run(_doc(_page(1, FIRST), _page(2, SECOND)))
    doc = StructureStage()(doc, RunContext(config=PipelineConfig(), input_path=Path("x")))
    assert doc.header.parent_agency == "UBND HUYỆN CỦ CHI" and doc.header.number == "1005/KH-PGDĐT"
    assert doc.header.date == "2024-06-11" and doc.header.doc_type == "Kế hoạch"
    assert doc.recipients == ["Như trên;", "Lưu: VT, NHNgọc."]
    assert (doc.signature.title, doc.signature.signer) == ("Q. TRƯỞNG PHÒNG", "Nguyễn Văn An")


def test_repeated_top_line_is_a_running_header():
    later = [(40, [(700, "Kế hoạch số 12/KH-UBND")]), (300, [(100, BODY)])]
    doc = _run(_doc(_page(1, FIRST), _page(2, later), _page(3, later)))
    for page in doc.pages[1:]:
        assert [b.kind for b in page.blocks] == ["running_header", "text"]
    assert "Kế hoạch số 12/KH-UBND" not in doc.text


def test_boxless_pages_keep_their_order():
    doc = document_from_text("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\n\nNội dung trang một.\f2\n\nNội dung trang hai.\n")
    order = [w.id for w in doc.words()]
    doc = _run(doc)
    assert [w.id for w in doc.words()] == order
    assert doc.pages[1].blocks[0].kind == "page_number"
    assert doc.text.endswith("Nội dung trang một.\n\f\nNội dung trang hai.")


def test_ruled_grid_becomes_a_table_block():
    image = np.full((2800, 2000, 3), 255, np.uint8)
    for y in (1000, 1100, 1200, 1300):
        image[y:y + 3, 100:1900] = 0
    for x in (100, 700, 1300, 1897):
        image[1000:1303, x:x + 3] = 0
    (region,) = table_regions(image, Page(number=1, width=2000, height=2800))
    assert all(abs(a - b) <= 5 for a, b in zip(region, (100, 1000, 1900, 1303), strict=True))
    rows = [*FIRST, (1040, [(150, "STT"), (750, "Nội dung"), (1350, "Chỉ tiêu")]),
            (1140, [(150, "1"), (750, "Cấp giấy"), (1350, "126 hồ sơ")]), (1500, [(100, BODY)])]
    doc = _run(_doc(_page(1, rows)), {1: image})
    kinds = [b.kind for b in doc.pages[0].blocks]
    assert kinds.count("table") == 1
    table = next(b for b in doc.pages[0].blocks if b.kind == "table")
    assert [" ".join(w.text for w in line.words) for line in table.lines] == [
        "STT", "Nội dung", "Chỉ tiêu", "1", "Cấp giấy", "126 hồ sơ"]
    assert kinds.index("table") < len(kinds) - 1  # the body after it stays after it


def _small_line(page: int, block: int, line: int, x: int, y: int, text: str, height: int = 22) -> Line:
    """A line in small print (the note of a digital signature)."""
    words, left = [], x
    for token in text.split():
        width = 10 * len(token)
        words.append(Word(id=f"p{page}-b{block}-l{line}-w{len(words) + 1}", text=token, confidence=80.0,
                          bbox=(left, y, left + width, y + height)))
        left += width + 8
    return Line(id=f"p{page}-b{block}-l{line}", words=words)


def _with_note(page: Page, x: int, y: int, texts: list[str]) -> Page:
    note = Block(id=f"p{page.number}-b2", lines=[_small_line(page.number, 2, i + 1, x, y + 30 * i, text)
                                                 for i, text in enumerate(texts)])
    page.blocks.append(note)
    return page


ESIGN = ["TRUNG TÂM CÔNG BÁO", "VÀ TIN HỌC", "ttcbth@quangngai.gov.vn", "07.02.2025 08:51:04 +07:00"]


def test_esign_note_is_a_stamp_out_of_header_and_text():
    doc = _run(_doc(_with_note(_page(1, FIRST), 900, 5, ESIGN), _page(2, SECOND)))
    blocks = doc.pages[0].blocks
    stamp = next(b for b in blocks if b.kind == "stamp")
    assert [" ".join(w.text for w in line.words) for line in stamp.lines] == ESIGN
    right = next(b for b in blocks if b.kind == "header_right")
    assert [" ".join(w.text for w in line.words) for line in right.lines] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Củ Chi, ngày 11 tháng 6 năm 2024"]
    assert "gov.vn" not in doc.text and "TIN HỌC" not in doc.text


def test_esign_note_with_ocr_slips_is_found_and_small_body_text_is_not():
    """'@' read as '(0', the time zone as '~07:00'; a lone small word elsewhere stays in the body."""
    page = _with_note(_page(1, FIRST), 1500, 5, ["Thời gian ký:", "16.04.2020 07:37:07", "~07:00"])
    page.blocks.append(Block(id="p1-b3", lines=[_small_line(1, 3, 1, 400, 700, "ghi chú")]))
    doc = _run(_doc(page))
    stamps = [b for b in doc.pages[0].blocks if b.kind == "stamp"]
    assert len(stamps) == 1 and len(stamps[0].lines) == 3
    assert "ghi chú" in doc.text


def test_body_line_with_an_email_address_stays_in_the_text():
    contact = "liên hệ Phòng Nội vụ, email: pnv@hoalam.gov.vn để được hướng dẫn./."
    doc = _run(_doc(_page(1, [*FIRST, (700, [(100, contact)])])))
    assert all(b.kind != "stamp" for b in doc.pages[0].blocks)
    assert contact in doc.text


def test_type_name_right_of_the_motto_edge_ends_the_header():
    """An off-centre scan puts 'KẾ HOẠCH' right of the motto's left edge: it is not in the right column."""
    rows = [row if row[0] != 330 else (330, [(1150, "KẾ HOẠCH")]) for row in FIRST]
    doc = _run(_doc(_page(1, rows)))
    right = next(b for b in doc.pages[0].blocks if b.kind == "header_right")
    assert "KẾ HOẠCH" not in " ".join(w.text for line in right.lines for w in line.words)
    from pipeline.stages.structure import StructureStage

    doc = StructureStage()(doc, RunContext(config=PipelineConfig(), input_path=Path("x")))
    assert doc.header.doc_type == "Kế hoạch"
    assert doc.header.subject == "Triển khai thực hiện Chỉ thị số 09/CT-UBND"


def test_framed_reception_stamp_is_cut_out_of_the_line_it_shares():
    """A receiving office's framed 'CV ĐẾN' stamp: OCR runs its first line on into the subject."""
    image = np.full((2800, 2000, 3), 255, np.uint8)
    x0, y0, x1, y1 = 20, 480, 560, 700
    image[y0:y0 + 3, x0:x1] = 0
    image[y1 - 3:y1, x0:x1] = 0
    image[y0:y1, x0:x0 + 3] = 0
    image[y0:y1, x1 - 3:x1] = 0
    image[540:543, x0:x1] = 0  # rule under the office name
    rows = [*FIRST[:3], (330, [(900, "KẾ HOẠCH")]),
            (490, [(300, "VĂN PHÒNG UBND"), (580, "Triển khai thực hiện Chỉ thị số 09/CT-UBND")]),
            (560, [(40, "CV"), (200, "Số: 2352")]),
            (620, [(40, "ĐẾN"), (200, "Ngày: 21/3")]),
            (800, [(100, BODY)])]
    doc = _run(_doc(_page(1, rows)), {1: image})
    stamp = next(b for b in doc.pages[0].blocks if b.kind == "stamp")
    assert {w.text for line in stamp.lines for w in line.words} == {"VĂN", "PHÒNG", "UBND", "CV", "Số:", "2352",
                                                                     "ĐẾN", "Ngày:", "21/3"}
    assert "Triển khai thực hiện Chỉ thị số 09/CT-UBND" in doc.text
    assert "2352" not in doc.text


def test_a_framed_box_without_reception_fields_stays_in_the_text():
    """A boxed form field ('Số:', 'Ngày:') without 'ĐẾN' or 'Chuyển' is part of the letter."""
    image = np.full((2800, 2000, 3), 255, np.uint8)
    image[780:783, 90:700] = 0
    image[897:900, 90:700] = 0
    image[780:900, 90:93] = 0
    image[780:900, 697:700] = 0
    rows = [*FIRST, (800, [(100, "Số: 12"), (400, "Ngày: 3/4")]), (1000, [(100, BODY)])]
    doc = _run(_doc(_page(1, rows)), {1: image})
    assert all(b.kind != "stamp" for b in doc.pages[0].blocks)
    assert "Số: 12\nNgày: 3/4" in doc.text


# --- against the samples (Tesseract) ------------------------------------------------------------

SAMPLES = sorted(p.name.removesuffix(".blocks.json") for p in (REPO / "samples" / "gold").glob("*.blocks.json"))


def _gold_block(word: Word, blocks: list[dict], scale: float) -> int | None:
    x0, y0, x1, y1 = (v * scale for v in word.bbox)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    for index, block in enumerate(blocks):
        bx0, by0, bx1, by1 = block["bbox"]
        if bx0 - 5 <= cx <= bx1 + 5 and by0 - 5 <= cy <= by1 + 5:
            return index
    return None


@pytest.mark.tesseract
@pytest.mark.slow
@pytest.mark.parametrize("stem", SAMPLES)
def test_no_line_takes_words_from_two_gold_blocks(stem):
    """OCR a sample scan (no cleanup, so boxes stay in the scan's pixels) and check every output line."""
    from pipeline.stages.ingest import IngestStage, new_document
    from pipeline.stages.ocr import OcrStage

    scan = next((REPO / "samples" / "scans").glob(f"{stem}.*"))
    ctx = RunContext(config=PipelineConfig(), input_path=scan)
    doc = OcrStage()(IngestStage()(new_document(scan), ctx), ctx)
    doc = LayoutStage()(doc, ctx)
    gold = json.loads((REPO / "samples" / "gold" / f"{stem}.blocks.json").read_text(encoding="utf-8"))
    mixed = []
    for page, gold_page in zip(doc.pages, gold["pages"], strict=True):
        scale = gold_page["width"] / page.width
        for block in page.blocks:
            for line in block.lines:
                owners = {_gold_block(w, gold_page["blocks"], scale) for w in line.words} - {None}
                if len(owners) > 1:
                    mixed.append((page.number, " ".join(w.text for w in line.words)))
    assert mixed == []


# --- lines Tesseract merged ------------------------------------------------------------------

def _two_row_image(gap: int = 8) -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A page holding 'Nơi nhận:' over '- UBND tỉnh (b/c);' (tight rows), and the two rows' boxes."""
    from helpers.pages import font
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1600, 900), "white")
    draw = ImageDraw.Draw(image)
    face = font(30)
    first = draw.textbbox((100, 200), "Nơi nhận:", font=face)
    draw.text((100, 200), "Nơi nhận:", fill="black", font=face)
    y = first[3] + gap
    second = draw.textbbox((100, y), "- UBND tỉnh (b/c);", font=face)
    draw.text((100, y), "- UBND tỉnh (b/c);", fill="black", font=face)
    for row, text in enumerate(("Sở Tài nguyên và Môi trường;", "UBND các xã, thị trấn;", "Lưu: VT, TNMT.")):
        draw.text((100, y + 60 + 45 * row), f"- {text}", fill="black", font=face)
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1]), first, second


def _merged_page(first: tuple, second: tuple) -> Page:
    """Tesseract's reading: one tall garbled line over both rows, then the other rows as lines."""
    top, bottom = first[1], second[3]
    garbled = Line(id="p1-b1-l1", words=[
        Word(id="p1-b1-l1-w1", text="tui", confidence=7.0, bbox=(first[0], top, first[0] + 60, bottom)),
        Word(id="p1-b1-l1-w2", text="MEhÉE!", confidence=0.0, bbox=(first[0] + 65, top, first[2], bottom)),
    ])
    tail = Line(id="p1-b1-l5", words=[  # the lower row's end, read as a line of its own
        Word(id="p1-b1-l5-w1", text="tỉn", confidence=91.0, bbox=(first[2] + 20, second[1], first[2] + 60, bottom)),
        Word(id="p1-b1-l5-w2", text="€);", confidence=76.0, bbox=(second[2] - 50, second[1], second[2], bottom)),
    ])
    rest = [_line(1, 1, n + 2, 330 + 45 * n, [(100, "- " + text)]) for n, text in enumerate(
        ("Sở Tài nguyên và Môi trường;", "UBND các xã, thị trấn;", "Lưu: VT, TNMT."))]
    for line in rest:
        for word in line.words:
            word.bbox = (word.bbox[0], word.bbox[1], word.bbox[2], word.bbox[1] + 30)
    return Page(number=1, width=1600, height=900, blocks=[Block(id="p1-b1", lines=[garbled, tail, *rest])])


def test_text_bands_cut_two_rows_and_leave_a_scribble_whole():
    from pipeline.stages.layout import _text_bands

    image, first, second = _two_row_image()
    bands = _text_bands(image, (first[0], first[1], second[2], second[3]), 30)
    assert bands is not None and len(bands) == 2
    assert first[1] + 15 < bands[0][1] < second[3] - 15
    scribble = np.full((300, 600, 3), 255, np.uint8)
    for x in range(50, 550):  # a wave with no empty pixel row in its middle
        y = int(150 + 60 * np.sin(x / 25))
        scribble[y - 3:y + 3, x] = 0
    assert _text_bands(scribble, (40, 80, 560, 220), 30) is None


@pytest.mark.tesseract
def test_merged_label_and_first_recipient_are_read_as_two_lines():
    image, first, second = _two_row_image()
    page = _merged_page(first, second)
    doc = _run(_doc(page), images={1: image})
    lines = [" ".join(w.text for w in line.words) for block in doc.pages[0].blocks for line in block.lines]
    assert lines[0].startswith("Nơi nh") and lines[1].startswith("- UBND tỉnh (b/")
    assert "tui" not in doc.text and "€);" not in doc.text
    ids = [w.id for w in doc.words()]
    assert len(ids) == len(set(ids))


def test_a_sure_tall_line_is_left_alone():
    image, first, second = _two_row_image()
    page = _merged_page(first, second)
    for word in page.blocks[0].lines[0].words:
        word.confidence = 95.0  # a large heading read surely: not a merged line
    doc = _run(_doc(page), images={1: image})
    assert "tui MEhÉE!" in doc.text


def test_a_line_whose_boxes_reach_over_the_row_above_keeps_its_place():
    # Tesseract boxed most words of the second recipient line from above the first line's middle
    page = _page(1, [(500, [(100, "Trên đây là Kế hoạch của Phòng.")])] + [
        (1000, [(100, "- Văn phòng Chính phủ;")]),
        (1048, [(100, "- Ban Chỉ đạo quốc gia về PCTT;")]),
    ])
    stretched = page.blocks[0].lines[2]
    for word in stretched.words[1:]:
        x0, _, x1, y1 = word.bbox
        word.bbox = (x0, 1015, x1, y1)
    stretched.words[0].bbox = (96, 1060, 109, 1068)  # the dash keeps a true box, a little to the left
    text = _run(_doc(page)).text
    assert text.index("Văn phòng Chính phủ") < text.index("Ban Chỉ đạo")
    assert "- Ban Chỉ đạo quốc gia về PCTT;" in text.splitlines()


def test_one_ocr_line_holding_two_printed_rows_is_cut_by_its_boxes():
    from pipeline.stages.layout import _printed_rows

    line = _line(1, 1, 1, 1000, [(100, "- Văn phòng Chính phủ;")])
    below = _line(1, 1, 1, 1048, [(100, "- Ban Chỉ đạo quốc gia")])
    rows = _printed_rows(below.words + line.words, HEIGHT)
    assert [[w.text for w in row] for row in rows] == [["-", "Văn", "phòng", "Chính", "phủ;"],
                                                       ["-", "Ban", "Chỉ", "đạo", "quốc", "gia"]]
    assert _printed_rows(line.words, HEIGHT) == [line.words]  # one row stays whole
