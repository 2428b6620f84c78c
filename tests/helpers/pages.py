"""Small synthetic page images and files for tests (drawn with PIL, no fixtures on disk)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
)

LINES = (
    "ỦY BAN NHÂN DÂN HUYỆN AN PHÚ",
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 15 tháng 3 năm 2025.",
    "Giao Phòng Giáo dục và Đào tạo triển khai thực hiện.",
)


def font(size: int = 40) -> ImageFont.FreeTypeFont:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    return ImageFont.load_default(size)


def text_page(lines=LINES, *, width: int = 1654, height: int = 1000, size: int = 40) -> Image.Image:
    """A white page at about 200 dpi with black Vietnamese text lines."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    face = font(size)
    y = 80
    for line in lines:
        draw.text((120, y), line, fill="black", font=face)
        y += int(size * 1.8)
    return image


def save_pdf_with_text(path: Path, lines=LINES) -> None:
    """A born-digital PDF with a real text layer, written with pdfium's page-object API."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    font_path = next(p for p in FONT_CANDIDATES if Path(p).is_file())
    font_data = Path(font_path).read_bytes()
    import ctypes

    buffer = (ctypes.c_uint8 * len(font_data)).from_buffer_copy(font_data)
    pdf_font = raw.FPDFText_LoadFont(pdf.raw, buffer, len(font_data), raw.FPDF_FONT_TRUETYPE, 1)
    y = 780
    for line in lines:
        text_object = raw.FPDFPageObj_CreateTextObj(pdf.raw, pdf_font, 12.0)
        encoded = (line + "\x00").encode("utf-16-le")
        raw.FPDFText_SetText(text_object, ctypes.cast(ctypes.c_char_p(encoded), ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(text_object, 1, 0, 0, 1, 60, y)
        raw.FPDFPage_InsertObject(page.raw, text_object)
        y -= 24
    raw.FPDFPage_GenerateContent(page.raw)
    pdf.save(str(path))
    pdf.close()
