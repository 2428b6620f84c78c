"""Shared geometry of the archive writers, and the synthetic documents their tests use.

``make_document`` draws Vietnamese text on white pages with PIL, records each
word's box exactly as drawn, saves the page images the way the export stage
does (``<stem>.pages/p0001.png``) and returns the Document, so the PDF/A, ALTO
and hOCR writers can be tested without Tesseract or the sample scans.
"""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.deliver.layout import (
    IdMaker,
    clamp_box,
    confidence01,
    delivered_blocks,
    ocr_alternative,
    page_geometry,
)
from pipeline.model import Block, Document, ImageRef, Line, Page, Source, SourceKind, Word
from pipeline.textbuild import rebuild_text

DPI = 300
PAGE_SIZE = (2480, 3508)  # A4 at 300 dpi
FONT_PX = 42
# (kind, x, y, lines) — the two header blocks sit side by side, as in NĐ 30 letters.
PAGE_ONE = [
    ("header_left", 160, 180, ["UỶ BAN NHÂN DÂN", "HUYỆN CỦ CHI"]),
    ("header_right", 1240, 180, ["CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]),
    ("text", 160, 520, ["Số: 1005/KH-UBND", "Củ Chi, ngày 15 tháng 3 năm 2024"]),
    ("text", 160, 800, ["KẾ HOẠCH", "Triển khai thực hiện công tác chuyển đổi số năm 2024",
                        "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ;",
                        "Uỷ ban nhân dân huyện ban hành kế hoạch như sau: đẩy mạnh ứng dụng"]),
    ("page_number", 1200, 3300, ["1"]),
]
PAGE_TWO = [
    ("text", 160, 200, ["I. MỤC ĐÍCH, YÊU CẦU", "Nâng cao hiệu quả quản lý nhà nước; bảo đảm an toàn thông tin.",
                        "Người dân, doanh nghiệp được phục vụ tốt hơn (trực tuyến 100%)."]),
    ("signature", 1400, 900, ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Được"]),
]
# corrected word -> what OCR read
OCR_READINGS = {"Triển": "Trien", "hiệu": "hiẹu", "Được": "Đuợc", "tháng": "thang"}


def _font() -> ImageFont.FreeTypeFont:
    import ocrmypdf

    return ImageFont.truetype(str(Path(ocrmypdf.__file__).parent / "data" / "NotoSans-Regular.ttf"), FONT_PX)


def _draw_page(number: int, layout, draw: ImageDraw.ImageDraw, font) -> Page:
    blocks = []
    for block_no, (kind, x, y, lines) in enumerate(layout, start=1):
        block_lines = []
        for line_no, text in enumerate(lines, start=1):
            top = y + (line_no - 1) * int(FONT_PX * 1.6)
            cursor = x
            words = []
            for word_no, token in enumerate(unicodedata.normalize("NFC", text).split(" "), start=1):
                draw.text((cursor, top), token, font=font, fill=0)
                box = tuple(int(v) for v in draw.textbbox((cursor, top), token, font=font))
                ocr = OCR_READINGS.get(token)
                words.append(Word(id=f"p{number}-b{block_no}-l{line_no}-w{word_no}", text=token, ocr_text=ocr,
                                  confidence=62.0 if ocr else 91.5, bbox=box))
                cursor = box[2] + int(font.getlength(" "))
            block_lines.append(Line(id=f"p{number}-b{block_no}-l{line_no}", words=words,
                                    bbox=(x, top, cursor, top + FONT_PX + 12)))
        blocks.append(Block(id=f"p{number}-b{block_no}", kind=kind, lines=block_lines))
    return Page(number=number, dpi=DPI, blocks=blocks)


def make_document(output_dir: Path, stem: str = "letter", *, pages=(PAGE_ONE, PAGE_TWO), mode: str = "L") -> Document:
    """A two-page letter with kept page images under ``output_dir``."""
    font = _font()
    doc = Document(source=Source(path=f"{stem}.png", sha256="0" * 64, pages=len(pages), kind=SourceKind.image))
    for number, layout in enumerate(pages, start=1):
        image = Image.new(mode, PAGE_SIZE, "white")
        page = _draw_page(number, layout, ImageDraw.Draw(image), font)
        relative = Path(f"{stem}.pages") / f"p{number:04d}.png"
        (output_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        image.save(output_dir / relative, dpi=(DPI, DPI))
        page.image = ImageRef(path=relative.as_posix(), sha256=hashlib.sha256((output_dir / relative).read_bytes()).hexdigest())
        page.width, page.height = PAGE_SIZE
        doc.pages.append(page)
    rebuild_text(doc)
    return doc


def test_page_geometry_reads_the_kept_image(tmp_path):
    doc = make_document(tmp_path)
    geometry = page_geometry(doc.pages[0], tmp_path)
    assert (geometry.width, geometry.height, geometry.dpi) == (*PAGE_SIZE, DPI)
    assert geometry.image == tmp_path / "letter.pages" / "p0001.png"
    assert round(geometry.width_pt, 1) == 595.2


def test_delivered_blocks_follow_the_text(tmp_path):
    doc = make_document(tmp_path)
    kinds = [block.kind for block in delivered_blocks(doc.pages[0])]
    assert "page_number" not in kinds and kinds[:2] == ["header_left", "header_right"]


def test_word_helpers():
    word = Word(id="p1-b1-l1-w1", text="hiệu", ocr_text="hiẹu", confidence=87.0)
    assert ocr_alternative(word) == "hiẹu" and confidence01(word) == 0.87
    assert ocr_alternative(Word(id="w", text="a", ocr_text="a")) is None
    assert confidence01(Word(id="w", text="a", confidence=-1)) is None
    assert clamp_box((-5, 10, 50, 20), 40, 100) == (0, 10, 40, 20) and clamp_box((50, 0, 60, 5), 40, 10) is None


def test_id_maker_keeps_valid_unique_ids():
    ids = IdMaker()
    assert ids("p1-b1", "x") == "p1-b1"
    assert ids("p1-b1", "x") == "p1-b1_2"
    assert ids("1bad", "fallback") == "fallback"


def test_xml_safe_drops_control_characters():
    from pipeline.deliver.layout import xml_safe

    assert xml_safe("x\x07y\x0bz\tđ😀") == "xyz\tđ😀"
